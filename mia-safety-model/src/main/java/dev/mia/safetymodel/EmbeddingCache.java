package dev.mia.safetymodel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Embeddings of training texts kept in a file under {@code target/}, so that a second build or an
 * evaluator run does not embed the same 2,000 texts again. Keyed by a SHA-256 of the model file and
 * the text; a changed model or text simply misses. Used by the trainer and the evaluator only,
 * never by a running classifier. Not thread-safe.
 */
final class EmbeddingCache {
  private static final int MAGIC = 0x4D494145; // "MIAE"

  private final Path file; // null: in memory only
  private final String modelDigest;
  private final Map<String, float[][]> entries = new HashMap<>();
  private boolean dirty;

  EmbeddingCache(Path file, String modelDigest) {
    this.file = file;
    this.modelDigest = modelDigest;
    if (file != null && Files.isRegularFile(file)) {
      load();
    }
  }

  /** {@return the windows of {@code text}, from the cache or embedded now and cached} */
  float[][] embed(SentenceEmbedder embedder, String text) {
    String key = key(text);
    float[][] cached = entries.get(key);
    if (cached == null) {
      cached = embedder.embed(text);
      entries.put(key, cached);
      dirty = true;
    }
    return cached;
  }

  /** {@return the cached windows of {@code text}, if any} */
  Optional<float[][]> get(String text) {
    return Optional.ofNullable(entries.get(key(text)));
  }

  int size() {
    return entries.size();
  }

  /** Writes the file if anything was added: to a temporary file first, then moved over. */
  void save() {
    if (file == null || !dirty) {
      return;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "embeddings", ".tmp");
      List<String> keys = new ArrayList<>(entries.keySet());
      keys.sort(null); // a fixed order: the same cache gives the same bytes
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temp)))) {
        out.writeInt(MAGIC);
        out.writeInt(keys.size());
        for (String key : keys) {
          float[][] windows = entries.get(key);
          out.writeUTF(key);
          out.writeInt(windows.length);
          out.writeInt(windows[0].length);
          for (float[] window : windows) {
            for (float v : window) {
              out.writeFloat(v);
            }
          }
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      dirty = false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void load() {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        return; // not ours: start afresh, the next save replaces it
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String key = in.readUTF();
        float[][] windows = new float[in.readInt()][in.readInt()];
        for (float[] window : windows) {
          for (int d = 0; d < window.length; d++) {
            window[d] = in.readFloat();
          }
        }
        entries.put(key, windows);
      }
    } catch (IOException e) {
      entries.clear(); // a truncated cache is only a slower build
    }
  }

  private String key(String text) {
    return SentenceEmbedder.sha256((modelDigest + "\n" + text).getBytes(StandardCharsets.UTF_8));
  }
}
