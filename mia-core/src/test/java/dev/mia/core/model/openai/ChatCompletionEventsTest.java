package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionEventsTest {
  private final List<String> seen = new ArrayList<>();
  private final ChatCompletionEvents events =
      new ChatCompletionEvents(
          new ChatCompletionEvents.Handler() {
            @Override
            public void onText(String text) {
              seen.add(text);
            }

            @Override
            public void onDone() {
              seen.add("[done]");
            }
          });

  private static String chunk(String content) {
    return "data: {\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
  }

  private void feed(String text) throws IOException {
    events.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void reportsEachPieceOfTextThenTheDoneMarker() throws IOException {
    feed(chunk("Hel") + chunk("lo") + "data: [DONE]\n\n");

    assertEquals(List.of("Hel", "lo", "[done]"), seen);
    assertTrue(events.isDone());
  }

  @Test
  void ignoresCommentsEventNamesAndEmptyDeltas() throws IOException {
    feed(": keep-alive\nevent: message\n" + chunk("") + chunk("hi"));

    assertEquals(List.of("hi"), seen);
    assertFalse(events.isDone());
  }

  @Test
  void readsNothingAfterTheDoneMarker() throws IOException {
    feed("data: [DONE]\n\n" + chunk("late"));

    assertEquals(List.of("[done]"), seen);
  }

  @Test
  void aDataLineThatIsNotJsonFails() {
    assertThrows(IOException.class, () -> feed("data: {not json\n\n"));
  }
}
