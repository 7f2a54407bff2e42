package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeltaTextTest {
  private static final JsonFactory JSON = new JsonFactory();

  private static String read(String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return DeltaText.of(bytes, 0, bytes.length);
  }

  /** The reference reading: Jackson's streaming parser, walking the same path. */
  private static String jackson(String json) throws IOException {
    StringBuilder text = new StringBuilder();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        return "";
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String choiceField = p.currentName();
              JsonToken choiceValue = p.nextToken();
              if ("delta".equals(choiceField) && choiceValue == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String deltaField = p.currentName();
                  if (p.nextToken() == JsonToken.VALUE_STRING && "content".equals(deltaField)) {
                    text.append(p.getText());
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return text.toString();
  }

  @Test
  void readsTheContentOfAnOpenAiChunk() throws IOException {
    String chunk =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hello \"},\"logprobs\":null,"
            + "\"finish_reason\":null}]}";

    assertEquals("Hello ", read(chunk));
  }

  @Test
  void decodesEveryEscapeAndNonAsciiText() throws IOException {
    String chunk =
        "{\"choices\":[{\"delta\":{\"content\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"
            + "\\u00e9\\ud83d\\ude00 caf\u00e9 \u4e2d\"}}]}";

    assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00 caf\u00e9 \u4e2d", read(chunk));
  }

  @Test
  void contentOutsideADeltaIsNotReplyText() throws IOException {
    String chunk =
        "{\"content\":\"no\",\"choices\":[{\"content\":\"no\",\"logprobs\":{\"content\":"
            + "[{\"token\":\"x\",\"content\":\"no\"}]},\"delta\":{\"content\":\"yes\"}}],"
            + "\"delta\":{\"content\":\"no\"}}";

    assertEquals("yes", read(chunk));
  }

  @Test
  void joinsTheContentOfEveryChoice() throws IOException {
    assertEquals(
        "ab",
        read("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}"));
  }

  @Test
  void nullOrMissingContentIsEmpty() throws IOException {
    assertEquals("", read("{\"choices\":[{\"delta\":{\"content\":null,\"refusal\":null}}]}"));
    assertEquals("", read("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"));
    assertEquals("", read("{\"choices\":[]}"));
    assertEquals("", read("[1,2]"));
  }

  @Test
  void objectsInsideANestedArrayOfChoicesAreNotChoices() throws IOException {
    assertEquals(
        "b",
        read("{\"choices\":[[{\"delta\":{\"content\":\"a\"}}],{\"delta\":{\"content\":\"b\"}}]}"));
  }

  @Test
  void nestingDeeperThanFiveHundredTwelveIsRefused() {
    String deep = "{\"a\":" + "[".repeat(600) + "]".repeat(600) + "}";

    assertThrows(IOException.class, () -> read(deep));
  }

  @Test
  void anEscapedMemberNameCounts() throws IOException {
    assertEquals("x", read("{\"ch\\u006fices\":[{\"delta\":{\"c\\u006fntent\":\"x\"}}]}"));
  }

  @Test
  void malformedJsonIsAnIoException() {
    String[] malformed = {
      "",
      "{",
      "{\"choices\":[{\"delta\":{\"content\":\"unterminated}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"bad \\x escape\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"bad \\u12G4\"}}]}",
      "{\"choices\":[1,]}",
      "{\"a\" 1}",
      "{\"a\":tru}",
      "{\"a\":1} trailing",
      "{\"a\":\"control \u0001 char\"}",
    };
    for (String json : malformed) {
      assertThrows(IOException.class, () -> read(json), json);
    }
  }

  @Test
  void agreesWithJacksonOnThousandsOfGeneratedChunks() throws IOException {
    Random random = new Random(20261122);
    for (int n = 0; n < 5000; n++) {
      String chunk = generatedChunk(random);

      assertEquals(jackson(chunk), read(chunk), chunk);
    }
  }

  private static String generatedChunk(Random random) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", "chatcmpl-" + random.nextInt(1_000_000));
      g.writeNumberField("created", random.nextLong());
      if (random.nextBoolean()) {
        g.writeNullField("system_fingerprint");
      }
      g.writeArrayFieldStart("choices");
      int choices = random.nextInt(3);
      for (int c = 0; c < choices; c++) {
        g.writeStartObject();
        g.writeNumberField("index", c);
        if (random.nextInt(4) == 0) {
          g.writeObjectFieldStart("logprobs");
          g.writeArrayFieldStart("content");
          g.writeStartObject();
          g.writeStringField("token", randomText(random));
          g.writeNumberField("logprob", -random.nextDouble());
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeObjectFieldStart("delta");
        switch (random.nextInt(5)) {
          case 0 -> g.writeNullField("content");
          case 1 -> {}
          default -> g.writeStringField("content", randomText(random));
        }
        if (random.nextBoolean()) {
          g.writeStringField("role", "assistant");
        }
        g.writeEndObject();
        g.writeBooleanField("done", random.nextBoolean());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toString();
  }

  private static String randomText(Random random) {
    String alphabet = "ab \"\\/\n\t\u0001\u00e9\u4e2d\ud83d\ude00{}[],:";
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(12);
    while (text.length() < length) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        text.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        text.append(c);
      }
    }
    return text.toString();
  }
}
