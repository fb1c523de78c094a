package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnn4j.backend.CpuGemm;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/** oneDNN's matmul primitive in f32 and bf16 against a double-precision reference. */
class DnnlMatmulTest {

  /** Round to nearest even at bfloat16's 8 significant bits (the reference's conversion). */
  static float bf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    bits += 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(bits & 0xFFFF0000);
  }

  @Test
  void bf16RoundingReferenceRoundsHalfToEven() {
    assertEquals(1f, bf16(1f + 0x1p-8f)); // halfway, 1's last kept bit is even: down
    assertEquals(1f + 0x1p-6f, bf16(1f + 0x1p-7f + 0x1p-8f)); // halfway from odd: up
    assertEquals(1f + 0x1p-7f, bf16(1f + 0x1p-7f + 0x1p-10f)); // below halfway: down
  }

  @Test
  void matchesReferenceForEveryTransposeStrideAndBeta() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 64}, {64, 130, 96}, {200, 31, 129}};
    for (CpuGemm precision : modes()) {
      for (int[] s : shapes) {
        for (int t = 0; t < 4; t++) {
          for (float beta : new float[] {0f, 1f, 0.5f}) {
            check(precision, t % 2 == 1, t >= 2, s[0], s[1], s[2], beta, rnd);
          }
        }
      }
    }
  }

  private static void check(
      CpuGemm precision,
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float beta,
      SplittableRandom rnd) {
    // Stored A is (m, k) or, transposed, (k, m); leading dimensions are padded by 3 and the
    // operands start at an offset, as the backend's strided views do.
    int aRows = ta ? k : m;
    int aCols = ta ? m : k;
    int bRows = tb ? n : k;
    int bCols = tb ? k : n;
    int lda = aCols + 3;
    int ldb = bCols + 3;
    int ldc = n + 3;
    int off = 5;
    float[] a = random(off + aRows * lda, rnd);
    float[] b = random(off + bRows * ldb, rnd);
    float[] c = random(off + m * ldc, rnd);
    double[] ref = new double[m * n];
    double[] scale = new double[m * n];
    boolean bf = precision == CpuGemm.BF16;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        double abs = 0;
        for (int p = 0; p < k; p++) {
          float x = a[off + (ta ? p * lda + i : i * lda + p)];
          float y = b[off + (tb ? j * ldb + p : p * ldb + j)];
          if (bf) {
            x = bf16(x);
            y = bf16(y);
          }
          sum += (double) x * y;
          abs += Math.abs((double) x * y);
        }
        float old = c[off + i * ldc + j];
        ref[i * n + j] = sum + beta * old;
        scale[i * n + j] = abs + Math.abs(beta * old);
      }
    }
    try (FloatPointer pa = new FloatPointer(a);
        FloatPointer pb = new FloatPointer(b);
        FloatPointer pc = new FloatPointer(c)) {
      DnnlMatmul.gemm(precision, ta, tb, m, n, k, pa, off, lda, pb, off, ldb, beta, pc, off, ldc);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          // The operands are exact in both modes (bf16 rounding is reproduced above), so only
          // f32 accumulation error remains: a few ulps of the sum of |products| per term.
          double tol = 1e-6 + 4e-7 * Math.sqrt(k) * scale[i * n + j];
          double got = pc.get(off + (long) i * ldc + j);
          assertEquals(
              ref[i * n + j],
              got,
              tol,
              precision + " ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + k + " beta=" + beta
                  + " C" + i + "," + j);
        }
        // The padding between rows is untouched.
        for (int j = n; j < ldc && i < m - 1; j++) {
          assertEquals(c[off + i * ldc + j], pc.get(off + (long) i * ldc + j));
        }
      }
    }
  }

  private static float[] random(int size, SplittableRandom rnd) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  /** F32, and BF16 where the CPU has bf16 instructions (elsewhere oneDNN may have no kernel). */
  private static CpuGemm[] modes() {
    return CpuBackend.bf16Unavailable() == null
        ? new CpuGemm[] {CpuGemm.F32, CpuGemm.BF16}
        : new CpuGemm[] {CpuGemm.F32};
  }

  @Test
  void bf16LosesPrecisionThatF32Keeps() {
    assumeTrue(CpuBackend.bf16Unavailable() == null, CpuBackend.bf16Unavailable());
    // 1 + 2^-10 is not a bfloat16: the bf16 product is 1, the f32 one is not.
    float[] x = {1f + 0x1p-10f};
    for (CpuGemm p : new CpuGemm[] {CpuGemm.F32, CpuGemm.BF16}) {
      try (FloatPointer a = new FloatPointer(x);
          FloatPointer b = new FloatPointer(1f);
          FloatPointer c = new FloatPointer(0f)) {
        DnnlMatmul.gemm(p, false, false, 1, 1, 1, a, 0, 1, b, 0, 1, 0f, c, 0, 1);
        assertEquals(p == CpuGemm.BF16 ? 1f : x[0], c.get(0), p.toString());
      }
    }
  }

  @Test
  void onlyKernelsWithBf16InstructionsCountAsNative() {
    assertTrue(DnnlMatmul.nativeBf16("brg_matmul:avx512_core_bf16"));
    assertTrue(DnnlMatmul.nativeBf16("brg_matmul:avx512_core_amx"));
    assertTrue(DnnlMatmul.nativeBf16("brg_matmul:avx2_vnni_2"));
    assertFalse(DnnlMatmul.nativeBf16("gemm:jit:bf16")); // emulated on plain AVX-512: ~10 GFLOP/s
    assertFalse(DnnlMatmul.nativeBf16("brg_matmul:avx512_core"));
    assertFalse(DnnlMatmul.nativeBf16("ref:any"));
  }

  @Test
  void modesAreParsedOrRejectedWithTheChoices() {
    assertEquals(CpuGemm.SGEMM, CpuGemm.parse("sgemm"));
    assertEquals(CpuGemm.F32, CpuGemm.parse(" F32 "));
    assertEquals(CpuGemm.BF16, CpuGemm.parse("bf16"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuGemm.parse("fp16"));
    assertTrue(e.getMessage().contains("'fp16'") && e.getMessage().contains("bf16"));
  }
}
