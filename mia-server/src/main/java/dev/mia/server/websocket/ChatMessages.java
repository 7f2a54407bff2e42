package dev.mia.server.websocket;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.TurnAssessment;
import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.ProgressMarker;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The messages {@code /ws/chat} sends, in seed 004's shape: {@code {id: "msg_<uuid>", role,
 * session_id, content: {text, elements}, timestamp, metadata}}, where {@code role} is {@code
 * assistant}, {@code system} or {@code interactive} (and {@code user} for a message the user sent
 * from another connection). Events ({@code typing}, {@code error}) are system messages whose
 * content names the {@code event}. Each method returns a new object.
 */
final class ChatMessages {
  private final JsonText json;

  ChatMessages(Clock clock) {
    this.json = new JsonText(clock);
  }

  /** The system message a connection receives first. */
  ObjectNode welcome() {
    ObjectNode message = message("system", Optional.empty());
    content(message, "Connected to Mia. This is a safe place to talk; what's on your mind?");
    ObjectNode metadata = metadata(message);
    metadata.put("event", "connected");
    safety(metadata, false, Optional.empty());
    metadata.putArray("recommendations");
    return message;
  }

  /** {@code {event: "typing", status}} around a reply, for a connection that asked for it. */
  ObjectNode typing(String sessionName, boolean started) {
    ObjectNode message = message("system", Optional.of(sessionName));
    ObjectNode content = message.putObject("content");
    content.put("event", "typing");
    content.put("status", started ? "start" : "stop");
    message.putObject("metadata");
    return message;
  }

  /**
   * Mia's reply: its text; crisis resources as {@code resource} elements when the message raised an
   * alert; the guided exercises worth offering as {@code button} elements and recommendations; the
   * safety verdict in {@code metadata.safety}.
   */
  ObjectNode reply(
      String sessionName,
      String text,
      Optional<TurnAssessment> assessment,
      Optional<SafetyAlert> alert) {
    ObjectNode message = message("assistant", Optional.of(sessionName));
    ArrayNode elements = content(message, text);
    ObjectNode metadata = metadata(message);
    ArrayNode recommendations = metadata.putArray("recommendations");
    alert.ifPresent(a -> a.resources().forEach(r -> resource(elements.addObject(), r)));
    for (GuidedExercise exercise :
        assessment.map(TurnAssessment::exercises).orElse(java.util.List.of())) {
      button(elements.addObject(), exercise.id(), exercise.label());
      ObjectNode recommendation = recommendations.addObject();
      recommendation.put("recommendation_id", exercise.id());
      recommendation.put("title", exercise.label());
      recommendation.put("recommendation_type", "guided_exercise");
    }
    safety(metadata, alert.isPresent(), assessment.map(TurnAssessment::category));
    assessment.ifPresent(
        a -> {
          metadata.put("intent", a.intent());
          metadata.put("risk_level", a.riskLevel());
        });
    return message;
  }

  /** A message the user sent on another connection following the session. */
  ObjectNode userMessage(String sessionName, String text, long timestamp) {
    ObjectNode message = message("user", Optional.of(sessionName));
    message.put("timestamp", JsonText.at(timestamp));
    content(message, text);
    message.putObject("metadata");
    return message;
  }

  /** An exercise's steps and the button that says it is done. */
  ObjectNode instruction(Optional<String> sessionName, GuidedExercise exercise) {
    ObjectNode message = message("interactive", sessionName);
    ArrayNode elements = content(message, exercise.label());
    ObjectNode steps = elements.addObject();
    steps.put("type", "instruction");
    steps.put("id", exercise.id() + "_steps");
    steps.put("label", exercise.instruction());
    button(elements.addObject(), exercise.completionId(), exercise.completeLabel());
    message.putObject("metadata").put("exercise_id", exercise.id());
    return message;
  }

  /** The acknowledgement of a finished exercise, with the marker it recorded. */
  ObjectNode progress(String sessionName, ProgressMarker marker) {
    ObjectNode message = message("interactive", Optional.of(sessionName));
    ArrayNode elements = content(message, "Well done. Your progress is saved.");
    ObjectNode progress = elements.addObject();
    progress.put("type", "progress");
    progress.put("id", marker.markerId());
    progress.put("label", "Progress recorded: " + marker.description());
    ObjectNode fields = progress.putObject("marker");
    fields.put("marker_id", marker.markerId());
    fields.put("marker_type", marker.markerType());
    fields.put("description", marker.description());
    fields.put("achieved_at", JsonText.at(marker.achievedAt()));
    fields.put("therapeutic_value", marker.therapeuticValue());
    message.putObject("metadata");
    return message;
  }

  /** The answer to an interaction that starts nothing: it was received. */
  ObjectNode received(Optional<String> sessionName, String elementId) {
    ObjectNode message = message("interactive", sessionName);
    ArrayNode elements = content(message, "");
    ObjectNode ack = elements.addObject();
    ack.put("type", "ack");
    ack.put("id", elementId);
    ack.put("label", "Received");
    message.putObject("metadata");
    return message;
  }

  /** Thanks for feedback that was kept. */
  ObjectNode feedbackKept(String sessionName, Feedback feedback) {
    ObjectNode message = message("system", Optional.of(sessionName));
    content(message, "Thank you for your feedback.");
    ObjectNode kept = metadata(message).putObject("feedback");
    kept.put("rating", feedback.rating());
    kept.put("given_at", JsonText.at(feedback.givenAt()));
    return message;
  }

  /**
   * Why a message was not taken: {@code content {event: "error", code, text}} (and {@code
   * retry_after_ms} where it applies); a client that shows every system text shows the reason.
   */
  ObjectNode error(Optional<String> sessionName, ConversationError error) {
    ObjectNode message = message("system", sessionName);
    ObjectNode content = message.putObject("content");
    content.put("event", "error");
    content.put("code", error.code().name());
    content.put("text", error.message());
    content.putArray("elements");
    error.retryAfterMillis().ifPresent(ms -> content.put("retry_after_ms", ms));
    message.putObject("metadata");
    return message;
  }

  private ObjectNode message(String role, Optional<String> sessionName) {
    ObjectNode message = json.object();
    message.put("id", "msg_" + UUID.randomUUID());
    message.put("role", role);
    if (sessionName.isPresent()) {
      message.put("session_id", sessionName.get());
    } else {
      message.putNull("session_id");
    }
    message.put("timestamp", json.now());
    return message;
  }

  private static ArrayNode content(ObjectNode message, String text) {
    ObjectNode content = message.putObject("content");
    content.put("text", text);
    return content.putArray("elements");
  }

  private static ObjectNode metadata(ObjectNode message) {
    return message.putObject("metadata");
  }

  private static void safety(ObjectNode metadata, boolean crisis, Optional<String> category) {
    ObjectNode safety = metadata.putObject("safety");
    safety.put("crisis", crisis);
    ArrayNode types = safety.putArray("types");
    if (crisis) {
      category.ifPresent(types::add);
    }
  }

  private static void button(ObjectNode element, String id, String label) {
    element.put("type", "button");
    element.put("id", id);
    element.put("label", label);
  }

  /**
   * A crisis resource as seed 004's {@code resource} element. Mia's resources are {@code {name,
   * contact, description}} (the operator's file has that shape too), so the method is read from the
   * contact's wording: a web address is {@code website}, "Text …" is {@code text}, a chat is {@code
   * chat}, anything else (a number to call) is {@code phone}; a resource for immediate danger (its
   * words say emergency or immediate danger) is {@code emergency}.
   */
  private static void resource(ObjectNode element, CrisisResource resource) {
    String contact = resource.contact().toLowerCase(Locale.ROOT);
    String all =
        (resource.name() + " " + resource.contact() + " " + resource.description())
            .toLowerCase(Locale.ROOT);
    String method;
    if (contact.contains("http://") || contact.contains("https://") || contact.contains("www.")) {
      method = "website";
    } else if (contact.startsWith("text")) {
      method = "text";
    } else if (contact.contains("chat")) {
      method = "chat";
    } else {
      method = "phone";
    }
    element.put("type", "resource");
    element.put("id", "res_" + slug(resource.name()));
    element.put("label", resource.name());
    element.put("method", method);
    element.put("info", resource.contact());
    element.put("emergency", all.contains("emergency") || all.contains("immediate danger"));
    element.put("description", resource.description());
  }

  private static String slug(String name) {
    String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    slug = slug.replaceAll("^_+|_+$", "");
    return slug.isEmpty() ? "resource" : slug;
  }
}
