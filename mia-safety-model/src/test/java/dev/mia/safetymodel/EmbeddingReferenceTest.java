package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our Java tokenizer and pooling give the vectors of langchain4j's own ONNX embedding model (DJL's
 * native HuggingFace tokenizer, the same ONNX file, pooling by {@code [CLS]} as for bge models), on
 * the dev set's 240 texts and some odd ones (langchain4j refuses an empty text; ours gives the
 * vector of {@code [CLS] [SEP]}).
 */
class EmbeddingReferenceTest {
  @Test
  void vectorsMatchLangchain4jsModel() throws IOException {
    List<String> texts = new ArrayList<>();
    for (SafetyModelTraining.Example example :
        SafetyModelTraining.read(Path.of("data", SafetyModelTraining.DEV_SET))) {
      texts.add(example.text());
    }
    texts.addAll(
        List.of(
            "😭😭 ok",
            "Café NAÏVE résumé",
            "ｆｕｌｌ ｗｉｄｔｈ",
            "i’m “fine” — really…",
            "tabs\tand\nnewlines",
            "漢字 mixed in",
            "s.u.i.c.i.d.e $uicide k1ll"));
    OnnxEmbeddingModel reference =
        new OnnxEmbeddingModel(
            copied("/bge-small-en-v1.5-q.onnx"),
            copied("/bge-small-en-v1.5-q-tokenizer.json"),
            PoolingMode.CLS);
    try (SentenceEmbedder ours = new SentenceEmbedder(1)) {
      for (String text : texts) {
        float[] expected = reference.embed(text).content().vector();
        float[][] actual = ours.embed(text);
        assertEquals(1, actual.length, text);
        double cosine = 0;
        for (int d = 0; d < expected.length; d++) {
          cosine += (double) expected[d] * actual[0][d];
        }
        assertTrue(cosine > 0.9999, "cosine " + cosine + " for: " + text);
      }
    }
  }

  /** langchain4j's generic model reads files; ours are class-path resources. */
  private static Path copied(String resource) throws IOException {
    Path file = Path.of("target", "reference-model", resource.substring(1));
    Files.createDirectories(file.getParent());
    try (InputStream in = EmbeddingReferenceTest.class.getResourceAsStream(resource)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }
}
