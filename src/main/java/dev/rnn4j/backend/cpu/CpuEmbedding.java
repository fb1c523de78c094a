package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.f;
import static dev.rnn4j.backend.cpu.CpuViews.i;

import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The CPU twin of {@code CudaEmbedding} ({@code cuda/embedding.cu}): gather of table rows by id
 * (overwrites) and the scatter-add of their gradients (accumulates), on the calling thread. Both
 * reject an id outside the table naming its position, as the CUDA launchers do.
 */
final class CpuEmbedding {
  private CpuEmbedding() {}

  /** out (N, E) = table (V, E) rows at ids (N). */
  static void gather(Tensor table, Tensor ids, Tensor out) {
    Mat tm = Mat.of(table);
    int n = (int) ids.numel();
    if (out.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          "embeddingGather: out " + out.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    FloatBuffer ts = f(table);
    IntBuffer is = i(ids);
    FloatBuffer os = f(out);
    for (int r = 0; r < n; r++) {
      int id = is.get(r);
      if (id < 0 || id >= tm.rows()) {
        throw new IllegalArgumentException(
            "embeddingGather: id "
                + id
                + " at position "
                + r
                + " is outside [0, "
                + tm.rows()
                + ")");
      }
      os.put(r * tm.cols(), ts, id * tm.cols(), tm.cols());
    }
  }

  /** dTable (V, E) rows at ids (N) += dOut (N, E) rows, skipping ids equal to {@code skipId}. */
  static void scatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable) {
    Mat tm = Mat.of(dTable);
    int n = (int) ids.numel();
    if (dOut.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          "embeddingScatterAdd: dOut " + dOut.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    FloatBuffer ds = f(dOut);
    IntBuffer is = i(ids);
    FloatBuffer ts = f(dTable);
    int e = tm.cols();
    for (int r = 0; r < n; r++) {
      int id = is.get(r);
      if (id == skipId) {
        continue;
      }
      if (id < 0 || id >= tm.rows()) {
        throw new IllegalArgumentException(
            "embeddingScatterAdd: id "
                + id
                + " at position "
                + r
                + " is outside [0, "
                + tm.rows()
                + ")");
      }
      for (int j = 0; j < e; j++) {
        ts.put(id * e + j, ts.get(id * e + j) + ds.get(r * e + j));
      }
    }
  }
}
