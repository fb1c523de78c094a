package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuCompare.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's GEMM ({@link CpuGemmEngine}) against a naive double-precision product, on
 * strided views with every transpose; tolerance as {@link CpuCompare}. The bf16 and matmul modes:
 * {@code Bf16GemmTest}, {@code DnnlMatmulTest}.
 */
class CpuGemmEngineTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void gemmMatchesNaiveForEveryTransposeAndStridedViews() {
    int m = 5;
    int n = 7;
    int k = 6;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        // A stored (m, k) or (k, m) inside a wider buffer (ld = cols + 3, offset 2).
        int ar = ta ? k : m;
        int ac = ta ? m : k;
        int br = tb ? n : k;
        int bc = tb ? k : n;
        float[] a = Rand.uniform(1, ar * (ac + 3) + 2, 1f);
        float[] b = Rand.uniform(2, br * (bc + 1) + 1, 1f);
        float[] c = Rand.uniform(3, m * (n + 2) + 4, 1f);
        try (Tensor at = be.upload(a, a.length);
            Tensor bt = be.upload(b, b.length);
            Tensor ct = be.upload(c, c.length)) {
          be.gemm(
              new Mat(at, 2, ar, ac, ac + 3),
              ta,
              new Mat(bt, 1, br, bc, bc + 1),
              tb,
              new Mat(ct, 4, m, n, n + 2),
              0.5f,
              2f);
          float[] got = be.download(ct);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double s = 0;
              for (int p = 0; p < k; p++) {
                double av = ta ? a[2 + p * (ac + 3) + i] : a[2 + i * (ac + 3) + p];
                double bv = tb ? b[1 + j * (bc + 1) + p] : b[1 + p * (bc + 1) + j];
                s += av * bv;
              }
              double want = 0.5 * s + 2 * c[4 + i * (n + 2) + j];
              close(
                  want,
                  got[4 + i * (n + 2) + j],
                  "gemm ta=" + ta + " tb=" + tb + " C" + i + "," + j);
            }
          }
          // Elements outside the view are untouched.
          assertEquals(c[0], got[0]);
          assertEquals(c[4 + n], got[4 + n]);
        }
      }
    }
  }

  @Test
  void gemmRejectsMismatchedShapes() {
    try (Tensor a = be.zeros(3, 4);
        Tensor b = be.zeros(5, 6);
        Tensor c = be.zeros(3, 6)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.gemm(Mat.of(a), false, Mat.of(b), false, Mat.of(c), 1f, 0f));
      assertTrue(e.getMessage().contains("3x4"), e.getMessage());
    }
  }
}
