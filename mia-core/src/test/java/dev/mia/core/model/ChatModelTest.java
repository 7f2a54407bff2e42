package dev.mia.core.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChatModelTest {
  @Test
  void aLambdaIsAChatModelWhoseCloseDoesNothing() {
    AtomicInteger streams = new AtomicInteger();
    ChatModel model =
        (request, listener) -> {
          streams.incrementAndGet();
          return () -> {};
        };

    assertDoesNotThrow(model::close);
    assertEquals(0, streams.get());
  }

  @Test
  void aChatModelClosesAtTheEndOfTryWithResourcesWithNothingToCatch() {
    AtomicInteger closes = new AtomicInteger();
    try (ChatModel model =
        new ChatModel() {
          @Override
          public ReplyStream stream(ModelRequest request, ModelListener listener) {
            return () -> {};
          }

          @Override
          public void close() {
            closes.incrementAndGet();
          }
        }) {
      assertEquals(0, closes.get(), model.toString());
    }

    assertEquals(1, closes.get());
  }

  @Test
  void offlineModelMayBeClosedTwice() {
    ChatModel model = new OfflineChatModel(Duration.ZERO);

    model.close();

    assertDoesNotThrow(model::close);
  }
}
