package dev.mia.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.ModelRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class OfflineChatModelTest {
  private final OfflineChatModel model = new OfflineChatModel(Duration.ZERO);

  @AfterEach
  void stop() {
    model.close();
  }

  private static ModelRequest request(Mode mode, SafetyTier tier) {
    return new ModelRequest("system", List.of(), "Hello", mode, tier);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void piecesJoinToTheReplyForTheMode(Mode mode) {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request(mode, SafetyTier.NORMAL), recorder);

    recorder.awaitEnd();
    assertEquals(OfflineChatModel.replyFor(mode, SafetyTier.NORMAL), recorder.text());
    assertEquals(List.of("complete"), recorder.terminals());
  }

  @Test
  void replyComesInMoreThanOnePiece() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request(Mode.GREETING, SafetyTier.NORMAL), recorder);

    assertTrue(recorder.awaitEnd().deltas().size() > 1);
  }

  @Test
  void crisisReplyJoinsToTheReplyForTierThree() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request(Mode.GREETING, SafetyTier.CRITICAL), recorder);

    assertEquals(
        OfflineChatModel.replyFor(Mode.GREETING, SafetyTier.CRITICAL), recorder.awaitEnd().text());
  }

  @ParameterizedTest
  @EnumSource(SafetyTier.class)
  void everyReplySaysItIsOffline(SafetyTier tier) {
    String reply = OfflineChatModel.replyFor(Mode.GREETING, tier);

    assertTrue(reply.toLowerCase(Locale.ROOT).contains("offline"), reply);
  }

  @Test
  void crisisReplyMentions988() {
    assertTrue(OfflineChatModel.replyFor(Mode.EDUCATIONAL, SafetyTier.CRITICAL).contains("988"));
  }

  @Test
  void crisisReplyDoesNotDependOnTheMode() {
    assertEquals(
        OfflineChatModel.replyFor(Mode.GREETING, SafetyTier.CRITICAL),
        OfflineChatModel.replyFor(Mode.FUNDRAISING, SafetyTier.CRITICAL));
  }

  @Test
  void cancelStopsTheReply() {
    CompletableFuture<ReplyStream> stream = new CompletableFuture<>();
    ModelRecorder cancelled =
        new ModelRecorder().onFirstDelta(() -> Await.future(stream, "the stream").cancel());

    stream.complete(model.stream(request(Mode.GREETING, SafetyTier.NORMAL), cancelled));
    cancelled.awaitFirstDelta();
    // One timer thread paces every stream: once a reply started after the cancel has ended,
    // the cancelled one has had every chance to go on.
    ModelRecorder marker = new ModelRecorder();
    model.stream(request(Mode.GREETING, SafetyTier.NORMAL), marker);
    marker.awaitEnd();

    assertEquals(1, cancelled.deltas().size());
    assertEquals(List.of(), cancelled.terminals());
  }

  @Test
  void cancelAfterTheEndChangesNothing() {
    ModelRecorder recorder = new ModelRecorder();
    ReplyStream stream = model.stream(request(Mode.GREETING, SafetyTier.NORMAL), recorder);
    recorder.awaitEnd();

    stream.cancel();
    stream.cancel();

    assertEquals(List.of("complete"), recorder.terminals());
  }

  @Test
  void wordsKeepTheirSpacesSoTheyJoinToTheWhole() {
    List<String> words = OfflineChatModel.words("one two  three ");

    assertEquals("one two  three ", String.join("", words));
    assertTrue(words.stream().noneMatch(String::isEmpty), words.toString());
  }

  @Test
  void replyNeverRepeatsTheUsersMessage() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(
        new ModelRequest("system", List.of(), "zebra-secret", Mode.GREETING, SafetyTier.NORMAL),
        recorder);

    assertFalse(recorder.awaitEnd().text().contains("zebra-secret"));
  }
}
