package dev.rnn4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * The CPU twin of {@code CudaReductions} ({@code cuda/reductions.cu}): Σ x and Σ x² accumulated in
 * double, and the finiteness check. Results do not depend on the thread count.
 */
final class CpuReductions {
  /** Elements per partial sum: fixed, so results do not depend on the thread count. */
  private static final int REDUCE_CHUNK = 1 << 16;

  private final CpuParallel parallel;

  CpuReductions(CpuParallel parallel) {
    this.parallel = parallel;
  }

  /**
   * Σ x (or Σ x² with {@code squares}) in double over n floats of {@code xs}: partial sums of fixed
   * chunks in parallel, added in chunk order.
   */
  double sum(FloatBuffer xs, int n, boolean squares) {
    int chunks = (n + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
    double[] partial = new double[chunks];
    parallel.forRange(
        chunks,
        REDUCE_CHUNK,
        (lo, hi) -> {
          for (int c = lo; c < hi; c++) {
            double acc = 0;
            for (int k = c * REDUCE_CHUNK, end = Math.min(n, k + REDUCE_CHUNK); k < end; k++) {
              double v = xs.get(k);
              acc += squares ? v * v : v;
            }
            partial[c] = acc;
          }
        });
    double total = 0;
    for (double p : partial) {
      total += p;
    }
    return total;
  }

  /** Whether the first n floats of {@code xs} are all finite (on the calling thread). */
  static boolean allFinite(FloatBuffer xs, int n) {
    for (int k = 0; k < n; k++) {
      if (!Float.isFinite(xs.get(k))) {
        return false;
      }
    }
    return true;
  }
}
