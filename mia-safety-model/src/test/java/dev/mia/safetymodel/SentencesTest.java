package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {
  @Test
  void aMessageOfOneSentenceHasNoPiecesOfItsOwn() {
    assertEquals(List.of(), Sentences.of("just one thing to say, nothing more"));
  }

  @Test
  void sentencesEndAtStopsQuestionAndExclamationMarksAndNewLines() {
    assertEquals(
        List.of("school was ok.", "i'm so tired!", "why?", "whatever", "bye"),
        Sentences.of("school was ok. i'm so tired!  why?\nwhatever\n\nbye"));
  }

  @Test
  void aStopInsideAWordDoesNotSplit() {
    assertEquals(List.of(), Sentences.of("it costs 2.50 at the store"));
  }

  @Test
  void onlyTheFirstTwelveSentencesAreRead() {
    List<String> sentences = Sentences.of("a. ".repeat(20));
    assertEquals(Sentences.MAX, sentences.size());
  }
}
