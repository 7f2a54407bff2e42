package dev.mia.server.hardening;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.FakeRealtime;
import dev.mia.server.testing.ServerProcess;
import dev.mia.server.testing.WsClient;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** What people say or type to Mia's voice never reaches the server's output at INFO. */
class VoiceLogPrivacyTest {

  private static JSONObject message(String type, Object payload) {
    return new JSONObject().put("type", type).put("payload", payload);
  }

  @Test
  void wordsAndAudioNeverAppearInTheOutputAtInfo() {
    String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");
    String spoken = "i want to kill myself " + marker;
    try (FakeRealtime realtime = FakeRealtime.start();
        ServerProcess server =
            ServerProcess.start(
                Map.of(
                    "LOG_LEVEL", "info",
                    "OPENAI_API_KEY", "test-key",
                    "OPENAI_BASE_URL", realtime.baseUrl(),
                    "MIA_MAX_MESSAGE_CHARS", "200"))) {
      String ws = server.url().replace("http://", "ws://") + "/";
      try (WsClient client = WsClient.connect(ws, Map.of())) {
        client.await("welcome");
        client.send(message("text_message", json("text", "hello " + marker)));
        client.await("openai_event");
        client.send(message("text_message", json("text", "I want to die " + marker)));
        client.await("safety_alert");
        client.send(message("audio_data", json("audio", FakeRealtime.speech(spoken))));
        client.send(message("audio_commit", new JSONObject()));
        client.await("safety_alert");
        client.send(
            message(
                "openai_event",
                json(
                    "type",
                    "conversation.item.create",
                    "item",
                    json(
                        "type",
                        "message",
                        "role",
                        "user",
                        "content",
                        new JSONArray().put(json("type", "input_text", "text", marker))))));
        client.send(message("text_message", json("text", marker + " [error]")));
        client.await("error");
        client.send(message("text_message", json("text", marker.repeat(10))));
        client.await("error");
        client.send(message("audio_data", json("audio", marker)));
        client.await("error");
        client.send(message(marker, json(marker, marker)));
        client.await("error");
        client.send(marker);
        client.await("error");
        client.send(message("text_message", json("text", marker + " [close]")));
        client.await("_closed");
      }

      String output = server.stop();

      assertTrue(output.contains("voice session"), "the output was captured at INFO: " + output);
      assertFalse(output.contains(marker), output);
      String audio = Base64.getEncoder().encodeToString(spoken.getBytes());
      assertFalse(output.contains(audio.substring(0, 24)), output);
    }
  }
}
