package dev.mia.safetymodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The similarities of a query to every stored vector in one call of ONNX Runtime: a one-operator
 * model ({@code MatMul} of the query by the stored vectors) built here in memory. The server runs
 * Java's C1 compiler only, whose scalar loop took ~1.8 ms for the 3,447 training vectors of one
 * piece; ONNX Runtime's vector instructions take a fraction of that. Its sums are in another order
 * than Java's, so {@link NeighbourVote} uses them only to choose candidates and recomputes those
 * exactly (the vote stays what training computed). Thread-safe; close it to free the session.
 */
final class SimilarityModel implements AutoCloseable {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final int dimensions;

  SimilarityModel(float[] vectors, int dimensions, int count) {
    this.environment = OrtEnvironment.getEnvironment();
    this.dimensions = dimensions;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      this.session = environment.createSession(model(vectors, dimensions, count), options);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot build the similarity model: " + e.getMessage(), e);
    }
  }

  /** {@return the dot product of {@code query} with each stored vector, in storage order} */
  float[] similarities(float[] query) {
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(query), new long[] {1, dimensions});
        OrtSession.Result result = session.run(Map.of("query", input))) {
      return ((float[][]) result.get(0).getValue())[0];
    } catch (OrtException e) {
      throw new IllegalStateException("similarity model failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the similarity model: " + e.getMessage(), e);
    }
  }

  // --- the ONNX file, in protocol buffer encoding (onnx.proto field numbers) -------------------

  static byte[] model(float[] vectors, int dimensions, int count) {
    // stored row by row (vector i at i * dimensions); MatMul wants [dimensions, count]
    ByteBuffer weights =
        ByteBuffer.allocate(vectors.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int d = 0; d < dimensions; d++) {
      for (int i = 0; i < count; i++) {
        weights.putFloat(vectors[i * dimensions + d]);
      }
    }
    Proto node =
        new Proto()
            .string(1, "query")
            .string(1, "vectors")
            .string(2, "similarities")
            .string(4, "MatMul");
    Proto initializer =
        new Proto()
            .varint(1, dimensions)
            .varint(1, count)
            .varint(2, 1) // FLOAT
            .string(8, "vectors")
            .bytes(9, weights.array());
    Proto graph =
        new Proto()
            .message(1, node)
            .string(2, "similarities")
            .message(5, initializer)
            .message(11, floatTensor("query", 1, dimensions))
            .message(12, floatTensor("similarities", 1, count));
    Proto opset = new Proto().string(1, "").varint(2, 13);
    return new Proto().varint(1, 7).message(7, graph).message(8, opset).toByteArray();
  }

  private static Proto floatTensor(String name, long rows, long columns) {
    Proto shape =
        new Proto()
            .message(1, new Proto().varint(1, rows))
            .message(1, new Proto().varint(1, columns));
    Proto tensorType = new Proto().varint(1, 1).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** Just enough of the protocol buffer wire format to write the model above. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      key(field, 0);
      raw(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto value) {
      return bytes(field, value.toByteArray());
    }

    Proto bytes(int field, byte[] value) {
      key(field, 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    private void key(int field, int wireType) {
      raw(((long) field << 3) | wireType);
    }

    private void raw(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
