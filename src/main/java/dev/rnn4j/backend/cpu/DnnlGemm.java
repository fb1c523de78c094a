package dev.rnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * Row-major sgemm through oneDNN ({@code dnnl_sgemm}). Threads come from oneDNN's OpenMP runtime,
 * sized by {@code OMP_NUM_THREADS} when the process starts (the bindings offer no setter).
 */
final class DnnlGemm {
  private static final int DNNL_SUCCESS = 0;

  private DnnlGemm() {}

  /** Loads the natives; throws with the loader's reason where they cannot load. */
  static void load() {
    Loader.load(org.bytedeco.dnnl.global.dnnl.class);
  }

  /**
   * C = alpha op(A) op(B) + beta C, row-major; A, B, C are element offsets into the pointers.
   * Shapes: op(A) (m, k), op(B) (k, n), C (m, n).
   */
  static void sgemm(
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float alpha,
      FloatPointer a,
      long aOff,
      int lda,
      FloatPointer b,
      long bOff,
      int ldb,
      float beta,
      FloatPointer c,
      long cOff,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    FloatPointer pa = a.getPointer(aOff);
    FloatPointer pb = b.getPointer(bOff);
    FloatPointer pc = c.getPointer(cOff);
    int status =
        dnnl_sgemm(
            (byte) (ta ? 'T' : 'N'),
            (byte) (tb ? 'T' : 'N'),
            m,
            n,
            k,
            alpha,
            pa,
            lda,
            pb,
            ldb,
            beta,
            pc,
            ldc);
    if (status != DNNL_SUCCESS) {
      throw new IllegalStateException(
          "dnnl_sgemm failed with status "
              + status
              + " for "
              + (ta ? "T" : "N")
              + (tb ? "T" : "N")
              + " m="
              + m
              + " n="
              + n
              + " k="
              + k
              + " lda="
              + lda
              + " ldb="
              + ldb
              + " ldc="
              + ldc);
    }
  }
}
