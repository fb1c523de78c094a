package dev.rnn4j.backend.cuda;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GEMM on cuBLAS (where it loads) and on our fallback kernel against oneDNN on the CPU: all four
 * transpose combinations, strided views (offset and ld larger than the width, as the recurrent
 * layers use), beta 0 over NaN, beta 1, and the strided-batched form. Skips without a GPU.
 *
 * <p>Tolerance: inputs in [-1, 1], so each product term is below 1 and a float dot product of
 * length K carries a rounding error of about sqrt(K)·6e-8·|C|-ish in both libraries, with different
 * summation orders: atol 2e-5·sqrt(K) + rtol 1e-5. A wrong operand or transpose gives errors of
 * order 1.
 */
class CudaGemmTest {
  private static CudaBackend kernelBackend;

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (String engine : new String[] {"default", "kernel"}) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          a.add(Arguments.of(engine, ta, tb, 1, 1, 1));
          a.add(Arguments.of(engine, ta, tb, 16, 2048, 512));
          a.add(Arguments.of(engine, ta, tb, 67, 65, 130));
          a.add(Arguments.of(engine, ta, tb, 400, 96, 3));
        }
      }
    }
    return a.stream();
  }

  private static synchronized CudaBackend backend(String engine) {
    CudaBackend def = CudaTestSupport.cuda();
    if (engine.equals("default")) {
      return def;
    }
    if (kernelBackend == null) {
      JCudaDevice dev = JCudaDevice.get();
      kernelBackend = new CudaBackend(dev, new KernelGemm(dev));
    }
    return kernelBackend;
  }

  @AfterAll
  static synchronized void closeKernelBackend() {
    if (kernelBackend != null) {
      kernelBackend.close();
      kernelBackend = null;
    }
  }

  @ParameterizedTest(name = "{0} ta={1} tb={2} m={3} n={4} k={5}")
  @MethodSource("cases")
  void gemmMatchesTheCpu(String engine, boolean ta, boolean tb, int m, int n, int k) {
    CudaBackend gpu = backend(engine);
    Backend cpu = TestBackends.cpu();
    // Stored shapes: A is (m, k) or (k, m); B (k, n) or (n, k); each inside a wider tensor.
    int ar = ta ? k : m;
    int ac = ta ? m : k;
    int br = tb ? n : k;
    int bc = tb ? k : n;
    int pad = 3;
    float[] av = Rand.uniform(1, (ar + 1) * (ac + pad), 1f);
    float[] bv = Rand.uniform(2, (br + 1) * (bc + pad), 1f);
    float[] cv = Rand.uniform(3, (m + 1) * (n + pad), 1f);
    double atol = 2e-5 * Math.sqrt(k);
    for (float beta : new float[] {0f, 1f}) {
      float[] c0 = cv.clone();
      if (beta == 0f) {
        c0[(n + pad) + 1] = Float.NaN; // beta 0 must overwrite, not read
      }
      try (Tensor a0 = cpu.upload(av, ar + 1, ac + pad);
          Tensor b0 = cpu.upload(bv, br + 1, bc + pad);
          Tensor cc = cpu.upload(c0, m + 1, n + pad);
          Tensor a1 = gpu.upload(av, ar + 1, ac + pad);
          Tensor b1 = gpu.upload(bv, br + 1, bc + pad);
          Tensor cg = gpu.upload(c0, m + 1, n + pad)) {
        cpu.gemm(sub(a0, ar, ac), ta, sub(b0, br, bc), tb, sub(cc, m, n), 0.5f, beta);
        gpu.gemm(sub(a1, ar, ac), ta, sub(b1, br, bc), tb, sub(cg, m, n), 0.5f, beta);
        Compare.close(
            engine + " gemm C (beta " + beta + ")", cpu.download(cc), gpu.download(cg), atol, 1e-5);
      }
    }
  }

  /** Rows 1.. and columns 2.. of t: a view with an offset and ld > cols. */
  private static Mat sub(Tensor t, int rows, int cols) {
    return Mat.of(t).rows(1, rows).cols(2, cols);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default", "kernel"})
  void stridedBatchedMatchesTheCpu(String engine) {
    CudaBackend gpu = backend(engine);
    Backend cpu = TestBackends.cpu();
    int batch = 5;
    int q = 7;
    int s = 9;
    int d = 33;
    float[] qv = Rand.uniform(4, batch * q * d, 1f);
    float[] kv = Rand.uniform(5, batch * s * d, 1f);
    try (Tensor q0 = cpu.upload(qv, batch, q, d);
        Tensor k0 = cpu.upload(kv, batch, s, d);
        Tensor c0 = cpu.zeros(batch, q, s);
        Tensor q1 = gpu.upload(qv, batch, q, d);
        Tensor k1 = gpu.upload(kv, batch, s, d);
        Tensor c1 = gpu.zeros(batch, q, s)) {
      for (int i = 0; i < 2; i++) {
        Backend be = i == 0 ? cpu : gpu;
        Tensor qq = i == 0 ? q0 : q1;
        Tensor kk = i == 0 ? k0 : k1;
        Tensor cc = i == 0 ? c0 : c1;
        // scores_b = Q_b K_bᵀ: (q, d) x (d, s), one matrix per batch entry.
        be.gemmStridedBatched(
            batch,
            new Mat(qq, 0, q, d, d),
            (long) q * d,
            false,
            new Mat(kk, 0, s, d, d),
            (long) s * d,
            true,
            new Mat(cc, 0, q, s, s),
            (long) q * s,
            1f,
            0f);
      }
      Compare.close(engine + " strided batched", cpu.download(c0), gpu.download(c1), 2e-4, 1e-5);
    }
  }
}
