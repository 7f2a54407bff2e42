package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.testing.FakeOpenAi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModerationSafetyClassifierTest {
  private final FakeOpenAi fake = FakeOpenAi.start();
  private final ModerationSafetyClassifier classifier =
      SafetyClassifiers.withModeration(
          SafetyClassifiers.standard(), "test-key", fake.baseUrl(), Duration.ofSeconds(2));

  @AfterEach
  void close() {
    classifier.close();
    fake.close();
  }

  @Test
  void flaggedSelfHarmIsTierThreeEvenWhenPatternsSayTierOne() {
    fake.flagSelfHarm(true);
    assertEquals(
        new SafetyAssessment(SafetyTier.CRITICAL, "moderation-self-harm"),
        classifier.assess("everything is arranged now and i feel oddly calm"));
  }

  @Test
  void unflaggedMessageKeepsThePatternTier() {
    assertEquals(
        new SafetyAssessment(SafetyTier.MODERATE, "substance"),
        classifier.assess("people keep offering me drugs"));
  }

  @Test
  void unflaggedOrdinaryMessageIsTierOne() {
    assertEquals(SafetyAssessment.NORMAL, classifier.assess("what's your favourite song?"));
  }

  @Test
  void failedCallKeepsThePatternTier() {
    fake.flagSelfHarm(true);
    assertEquals(
        new SafetyAssessment(SafetyTier.MODERATE, "substance"),
        classifier.assess("[fail] people keep offering me drugs"));
  }

  @Test
  void failedCallOnAnOrdinaryMessageIsTierOne() {
    assertEquals(SafetyAssessment.NORMAL, classifier.assess("[fail] hello"));
  }

  @Test
  void tierThreeFromPatternsIsNotSentToTheEndpoint() {
    assertEquals(SafetyTier.CRITICAL, classifier.assess("i want to die").tier());
    assertTrue(fake.moderationRequests().isEmpty());
  }

  @Test
  void theMessageIsSentToTheModerationModel() {
    classifier.assess("hello there");
    JsonNode request = fake.moderationRequests().get(0);
    assertEquals("hello there", request.path("input").asText());
    assertEquals(ModerationSafetyClassifier.DEFAULT_MODEL, request.path("model").asText());
  }

  @Test
  void timeoutKeepsThePatternTier() throws IOException {
    // A socket that accepts connections at the TCP level but never answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ModerationSafetyClassifier slow =
            SafetyClassifiers.withModeration(
                SafetyClassifiers.standard(),
                "test-key",
                "http://127.0.0.1:" + silent.getLocalPort() + "/v1",
                Duration.ofMillis(300))) {
      SafetyAssessment assessment =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20), () -> slow.assess("people keep offering me drugs"));
      assertEquals(SafetyTier.MODERATE, assessment.tier());
    }
  }

  @Test
  void builderRequiresAnApiKey() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> ModerationSafetyClassifier.builder().build());
    assertEquals("apiKey is required", e.getMessage());
  }

  @Test
  void builderRejectsATimeoutOverThirtySeconds() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModerationSafetyClassifier.builder().timeout(Duration.ofMinutes(1)));
    assertEquals("timeout must be from 1 ms to 30 s, was PT1M", e.getMessage());
  }
}
