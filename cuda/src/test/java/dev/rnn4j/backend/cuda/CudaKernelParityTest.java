package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CUDA kernel against the CPU backend (the reference) on the same seeded inputs. Skips
 * without a GPU.
 *
 * <p>Tolerances are |cuda - cpu| <= atol + rtol·|cpu|. The CPU evaluates exp/tanh in double and
 * rounds once (<= 0.5 ulp); CUDA's expf/tanhf are within 2 ulp and nvcc may contract a*b+c into one
 * FMA, so pointwise kernels differ by a few ulp: atol 1e-6, rtol 1e-5 (about 80 ulp) leaves room
 * for that and nothing else, since a wrong term or index changes values by 1e-2 or more. Copies,
 * gathers and the dropout mask must be exact. Reductions accumulate in double on both sides and
 * only the order differs: rtol 1e-9.
 */
class CudaKernelParityTest {
  private static final double ATOL = 1e-6;
  private static final double RTOL = 1e-5;

  private Backend cpu;
  private CudaBackend gpu;
  private final List<Tensor> owned = new ArrayList<>();

  @BeforeEach
  void open() {
    gpu = CudaTestSupport.cuda();
    cpu = TestBackends.cpu();
  }

  @AfterEach
  void release() {
    owned.forEach(Tensor::close);
    owned.clear();
  }

  /** The same data on both backends: [0] CPU, [1] CUDA. */
  private Tensor[] both(float[] data, int... dims) {
    Tensor a = cpu.upload(data, dims);
    Tensor b = gpu.upload(data, dims);
    owned.add(a);
    owned.add(b);
    return new Tensor[] {a, b};
  }

  private Tensor[] bothInts(int[] data, int... dims) {
    Tensor a = cpu.uploadInts(data, dims);
    Tensor b = gpu.uploadInts(data, dims);
    owned.add(a);
    owned.add(b);
    return new Tensor[] {a, b};
  }

  private Tensor[] rand(long seed, float scale, int... dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return both(Rand.uniform(seed, n, scale), dims);
  }

  private void same(String what, Tensor[] t, double atol, double rtol) {
    Compare.close(what, cpu.download(t[0]), gpu.download(t[1]), atol, rtol);
  }

  // ---------------------------------------------------------------- cells

  @ParameterizedTest(name = "H={0}")
  @ValueSource(ints = {1, 37, 256, 1031})
  void lstmCellForwardAndBackward(int hid) {
    int b = 5;
    int steps = 3;
    int t = 1;
    Tensor[] lens = bothInts(new int[] {3, 1, 2, 3, 2}, b); // row 1 is padding at t = 1
    Tensor[] gates = rand(1, 2f, b, steps, 4 * hid);
    Tensor[] bias = rand(2, 0.5f, 4 * hid);
    Tensor[] cPrev = rand(3, 1f, b, hid);
    Tensor[] cells = rand(4, 1f, b, steps, hid);
    Tensor[] h = rand(5, 1f, b, steps, hid);
    Tensor[] dh = rand(6, 1f, b, steps, hid);
    Tensor[] dc = rand(7, 1f, b, hid);
    Tensor[] dGates = rand(8, 1f, b, steps, 4 * hid);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.lstmCellForward(
          Mat.step(gates[i], t),
          bias[i],
          Mat.of(cPrev[i]),
          Mat.step(cells[i], t),
          Mat.step(h[i], t),
          lens[i],
          t);
      be.lstmCellBackward(
          Mat.step(gates[i], t),
          Mat.step(cells[i], t),
          Mat.of(cPrev[i]),
          Mat.step(dh[i], t),
          dc[i],
          Mat.step(dGates[i], t),
          lens[i],
          t);
    }
    same("lstm gates (activated)", gates, ATOL, RTOL);
    same("lstm c", cells, ATOL, RTOL);
    same("lstm h", h, ATOL, RTOL);
    same("lstm dGates", dGates, ATOL, RTOL);
    same("lstm dc (-> dc_prev)", dc, ATOL, RTOL);
  }

  /**
   * The fused step (recurrent product and cell in one kernel, batches up to 32) against the CPU's
   * GEMM-then-cell, on strided step views with padding rows; B = 33 checks the unfused path of the
   * CUDA backend. Tolerance 2e-5 + 2e-4·|ref|: the product sums H terms in a different order than
   * oneDNN (the layer parity test's forward tolerance).
   */
  @ParameterizedTest(name = "B={0} H={1}")
  @CsvSource({"1, 1", "5, 37", "16, 512", "32, 100", "7, 1031", "33, 64"})
  void lstmStepForwardFusesTheProductAndTheCell(int b, int hid) {
    int steps = 3;
    int t = 2;
    int[] lengths = new int[b];
    for (int r = 0; r < b; r++) {
      lengths[r] = 1 + r % 3; // rows with length 1 or 2 are padding at t = 2
    }
    Tensor[] lens = bothInts(lengths, b);
    Tensor[] y = rand(21, 1f, b, steps, hid);
    Tensor[] wt = rand(22, 0.2f, hid, 4 * hid);
    Tensor[] gates = rand(23, 1f, b, steps, 4 * hid);
    Tensor[] bias = rand(24, 0.5f, 4 * hid);
    Tensor[] cells = rand(25, 1f, b, steps, hid);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      try (GemmOperand w = new GemmOperand(Mat.of(wt[i]), false, null)) {
        be.lstmStepForward(
            Mat.step(y[i], t - 1),
            w,
            Mat.step(gates[i], t),
            bias[i],
            Mat.step(cells[i], t - 1),
            Mat.step(cells[i], t),
            Mat.step(y[i], t),
            lens[i],
            t);
      }
    }
    same("step gates (activated)", gates, 2e-5, 2e-4);
    same("step c", cells, 2e-5, 2e-4);
    same("step h", y, 2e-5, 2e-4);
  }

  @ParameterizedTest(name = "H={0}")
  @ValueSource(ints = {1, 37, 1031})
  void gruCellForwardAndBackward(int hid) {
    int b = 4;
    int t = 2;
    Tensor[] lens = bothInts(new int[] {3, 2, 4, 1}, b);
    Tensor[] xg = rand(11, 2f, b, 3 * hid);
    Tensor[] hg = rand(12, 2f, b, 3 * hid);
    Tensor[] bias = rand(13, 0.5f, 3 * hid);
    Tensor[] hPrev = rand(14, 1f, b, hid);
    Tensor[] h = rand(15, 1f, b, 4, hid);
    Tensor[] saved = rand(16, 1f, b, 4 * hid);
    Tensor[] dh = rand(17, 1f, b, hid);
    Tensor[] dx = rand(18, 1f, b, 3 * hid);
    Tensor[] dhg = rand(19, 1f, b, 3 * hid);
    Tensor[] dhPrev = rand(20, 1f, b, hid);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.gruCellForward(
          Mat.of(xg[i]),
          Mat.of(hg[i]),
          bias[i],
          Mat.of(hPrev[i]),
          Mat.step(h[i], t),
          Mat.of(saved[i]),
          lens[i],
          t);
      be.gruCellBackward(
          Mat.of(saved[i]),
          Mat.of(hPrev[i]),
          Mat.of(dh[i]),
          Mat.of(dx[i]),
          Mat.of(dhg[i]),
          Mat.of(dhPrev[i]),
          lens[i],
          t);
    }
    same("gru h", h, ATOL, RTOL);
    same("gru saved (r, z, n, hn)", saved, ATOL, RTOL);
    same("gru dxGates", dx, ATOL, RTOL);
    same("gru dhGates", dhg, ATOL, RTOL);
    same("gru dhPrev (+=)", dhPrev, ATOL, RTOL);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TANH", "RELU"})
  void rnnCellForwardAndBackward(String actName) {
    Activation act = Activation.valueOf(actName);
    int b = 4;
    int hid = 300;
    int t = 1;
    Tensor[] lens = bothInts(new int[] {2, 1, 2, 1}, b);
    Tensor[] pre = rand(21, 2f, b, 3, hid);
    Tensor[] bias = rand(22, 0.5f, hid);
    Tensor[] h = rand(23, 1f, b, 3, hid);
    Tensor[] dh = rand(24, 1f, b, hid);
    Tensor[] dPre = rand(25, 1f, b, hid);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.rnnCellForward(act, Mat.step(pre[i], t), bias[i], Mat.step(h[i], t), lens[i], t);
      be.rnnCellBackward(act, Mat.step(h[i], t), Mat.of(dh[i]), Mat.of(dPre[i]), lens[i], t);
    }
    same("rnn h", h, ATOL, RTOL);
    same("rnn dPre", dPre, ATOL, RTOL);
  }

  // ---------------------------------------------------------------- softmax and loss

  @ParameterizedTest(name = "V={0}")
  @ValueSource(ints = {1, 10, 1000, 50_257})
  void softmaxFamily(int v) {
    int n = 7;
    Tensor[] x = rand(31, 8f, n, v);
    Tensor[] y = rand(32, 1f, n, v);
    Tensor[] ls = rand(33, 1f, n, v);
    Tensor[] dy = rand(34, 1f, n, v);
    Tensor[] dx = rand(35, 1f, n, v);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.softmax(x[i], y[i]);
      be.logSoftmax(x[i], ls[i]);
      be.softmaxBackward(y[i], dy[i], dx[i]);
    }
    // probabilities down to ~1e-9: relative error of expf and of the float sum, about 1e-6.
    same("softmax", y, 1e-9, RTOL);
    // log-probabilities of magnitude ~20: the float log-sum-exp carries ~1 ulp of 20.
    same("logSoftmax", ls, 1e-5, 1e-6);
    same("softmaxBackward", dx, 1e-7, 1e-4);
  }

  @Test
  void softmaxOfMaskedRowsAndLargeLogitsStaysFinite() {
    float[] data = new float[3 * 6];
    Arrays.fill(data, 0, 6, Float.NEGATIVE_INFINITY); // a fully masked row -> zeros
    float[] big = {1e4f, -1e4f, 88f, 89f, 1e4f, 3f};
    System.arraycopy(big, 0, data, 6, 6);
    float[] mixed = {Float.NEGATIVE_INFINITY, 0f, 1f, Float.NEGATIVE_INFINITY, 2f, -3f};
    System.arraycopy(mixed, 0, data, 12, 6);
    Tensor[] x = both(data, 3, 6);
    Tensor[] y = rand(36, 1f, 3, 6);
    cpu.softmax(x[0], y[0]);
    gpu.softmax(x[1], y[1]);
    same("softmax (masked / huge logits)", y, 1e-9, RTOL);
  }

  @ParameterizedTest(name = "V={0} eps={1}")
  @CsvSource({"5, 0", "1000, 0.1", "50257, 0.1"})
  void crossEntropyForwardAndBackward(int v, float eps) {
    int n = 9;
    int[] targets = new int[n];
    for (int r = 0; r < n; r++) {
      targets[r] = r == 3 || r == 7 ? -100 : (r * 7919) % v;
    }
    Tensor[] logits = rand(41, 6f, n, v);
    Tensor[] t = bothInts(targets, n);
    Tensor[] probs = rand(42, 1f, n, v);
    Tensor[] losses = rand(43, 1f, n);
    double[] total = new double[2];
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      total[i] = be.crossEntropyForward(logits[i], t[i], -100, eps, probs[i], losses[i]);
    }
    same("cross-entropy probs", probs, 1e-9, RTOL);
    // per-row losses of ~10: float lse and float mean of the row (CPU: double) -> ~1e-6 relative.
    same("cross-entropy losses", losses, 1e-5, 1e-5);
    Compare.close("cross-entropy total", total[0], total[1], 1e-4, 1e-5);
    Tensor[] d = rand(44, 1f, n, v);
    cpu.crossEntropyBackward(probs[0], t[0], -100, eps, 1f / 7, d[0]);
    gpu.crossEntropyBackward(probs[1], t[1], -100, eps, 1f / 7, d[1]);
    same("cross-entropy dLogits", d, 1e-9, RTOL);
    gpu.crossEntropyBackward(probs[1], t[1], -100, eps, 1f / 7, probs[1]); // in place
    Compare.close(
        "cross-entropy dLogits in place", cpu.download(d[0]), gpu.download(probs[1]), 1e-9, RTOL);
  }

  @Test
  void crossEntropyRejectsBadTargetsLikeTheCpu() {
    Tensor[] logits = rand(45, 1f, 3, 4);
    Tensor[] t = bothInts(new int[] {1, 4, 0}, 3);
    Tensor[] probs = rand(46, 1f, 3, 4);
    Tensor[] losses = rand(47, 1f, 3);
    IllegalArgumentException ce =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.crossEntropyForward(logits[0], t[0], -1, 0f, probs[0], losses[0]));
    IllegalArgumentException ge =
        assertThrows(
            IllegalArgumentException.class,
            () -> gpu.crossEntropyForward(logits[1], t[1], -1, 0f, probs[1], losses[1]));
    assertEquals(ce.getMessage(), ge.getMessage());
  }

  // ---------------------------------------------------------------- elementwise and sequences

  @Test
  void elementwiseMaps() {
    int n = 100_003;
    Tensor[] x = rand(51, 3f, n);
    Tensor[] y = rand(52, 3f, n);
    Tensor[] z = rand(53, 3f, n);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.axpby(0.75f, x[i], -1.5f, y[i]);
      be.mul(x[i], y[i], z[i]);
      be.scale(z[i], 0.5f);
      be.axpby(2f, z[i], 0f, x[i]);
      be.tanh(x[i], y[i]);
      be.tanhBackward(y[i], z[i], x[i], 1f);
      be.tanhBackward(y[i], x[i], z[i], 0f);
    }
    same("axpby/mul/scale/tanh chain x", x, 1e-6, 1e-5);
    same("... y", y, 1e-6, 1e-5);
    // z = x·(1 − y²) with y = tanh(..) near ±1 and |x| up to ~10: the two backends' tanh differ by
    // an ulp or two (~1e-7 near 1; the CPU's is a rational approximation), which 1 − y² turns
    // into an absolute error of 2|y|·1e-7 and x scales by up to 10, so ~2e-6 (5.1e-6 seen on an
    // H200). A wrong formula is off by O(0.1).
    same("... z", z, 2e-5, 1e-5);
  }

  @Test
  void stridedCopyFillBiasAndColumnSums() {
    Tensor[] seq = rand(61, 1f, 6, 5, 48);
    Tensor[] dst = rand(62, 1f, 6, 48);
    Tensor[] bias = rand(63, 1f, 20);
    Tensor[] sums = rand(64, 1f, 20);
    Tensor[] sums0 = rand(65, 1f, 48);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.copy(Mat.step(seq[i], 3).cols(7, 30), Mat.of(dst[i]).cols(10, 30));
      be.fill(Mat.step(seq[i], 1).cols(3, 5), -7f);
      be.addRowVector(Mat.step(seq[i], 2).cols(20, 20), bias[i]);
      be.sumRows(Mat.of(seq[i]).cols(5, 20), sums[i], 1f);
      be.sumRows(Mat.step(seq[i], 4), sums0[i], 0f);
    }
    same("copy into a view", dst, 0, 0);
    Tensor[] tr = rand(66, 1f, 70, 40);
    for (int i = 0; i < 2; i++) {
      (i == 0 ? cpu : gpu)
          .transpose(Mat.step(seq[i], 0).cols(3, 40), Mat.of(tr[i]).rows(0, 40).cols(0, 6));
    }
    same("transpose of a view", tr, 0, 0);
    same("fill/addRowVector on views", seq, 1e-7, 1e-6);
    same("sumRows (beta 1)", sums, 1e-6, 1e-6);
    same("sumRows (beta 0)", sums0, 1e-6, 1e-6);
  }

  @Test
  void sequenceHelpersHonourLengths() {
    Tensor[] lens = bothInts(new int[] {5, 1, 3, 4}, 4);
    Tensor[] seq = rand(71, 1f, 4, 5, 33);
    Tensor[] rev = rand(72, 1f, 4, 5, 33);
    Tensor[] revAll = rand(73, 1f, 4, 5, 33);
    Tensor[] last = rand(74, 1f, 4, 33);
    Tensor[] x = rand(75, 1f, 4, 33);
    Tensor[] scores = rand(76, 1f, 4, 3, 5);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.reverseSequences(seq[i], rev[i], lens[i]);
      be.reverseSequences(seq[i], revAll[i], null);
      be.gatherLastStep(seq[i], lens[i], last[i]);
      be.scatterAddLastStep(x[i], lens[i], seq[i]);
      be.maskKeys(scores[i], lens[i], -1e9f);
    }
    same("reverseSequences", rev, 0, 0);
    same("reverseSequences (no lengths)", revAll, 0, 0);
    same("gatherLastStep", last, 0, 0);
    same("scatterAddLastStep", seq, 0, 0);
    same("maskKeys", scores, 0, 0);
  }

  @Test
  void reductions() {
    int n = 3_000_017;
    Tensor[] x = rand(81, 2f, n);
    Compare.close("sum", cpu.sum(x[0]), gpu.sum(x[1]), 1e-9, 1e-9);
    Compare.close("sumSquares", cpu.sumSquares(x[0]), gpu.sumSquares(x[1]), 1e-9, 1e-9);
    assertTrue(gpu.allFinite(x[1]));
    float[] bad = Rand.uniform(82, 1000, 1f);
    bad[777] = Float.NaN;
    try (Tensor b = gpu.upload(bad, 1000)) {
      assertFalse(gpu.allFinite(b));
    }
    bad[777] = Float.POSITIVE_INFINITY;
    try (Tensor b = gpu.upload(bad, 1000)) {
      assertFalse(gpu.allFinite(b));
    }
  }

  // ---------------------------------------------------------------- embeddings

  @Test
  void embeddingGatherAndScatterAdd() {
    int v = 50;
    int e = 70;
    int[] ids = {3, 0, 49, 3, 3, 17, 0, 8};
    Tensor[] table = rand(91, 1f, v, e);
    Tensor[] id = bothInts(ids, ids.length);
    Tensor[] out = rand(92, 1f, ids.length, e);
    Tensor[] dTable = rand(93, 1f, v, e);
    for (int i = 0; i < 2; i++) {
      Backend be = i == 0 ? cpu : gpu;
      be.embeddingGather(table[i], id[i], out[i]);
      be.embeddingScatterAdd(out[i], id[i], 0, dTable[i]);
    }
    same("embeddingGather", out, 0, 0);
    // repeated ids add up in a different order (atomics): float rounding only.
    same("embeddingScatterAdd", dTable, 1e-6, 1e-6);
    Tensor[] badIds = bothInts(new int[] {1, 50, 2}, 3);
    Tensor[] rows = rand(94, 1f, 3, e);
    IllegalArgumentException ce =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.embeddingGather(table[0], badIds[0], rows[0]));
    IllegalArgumentException ge =
        assertThrows(
            IllegalArgumentException.class,
            () -> gpu.embeddingGather(table[1], badIds[1], rows[1]));
    assertEquals(ce.getMessage(), ge.getMessage());
  }

  // ---------------------------------------------------------------- dropout and optimisers

  @ParameterizedTest(name = "p={0}")
  @ValueSource(floats = {0f, 0.1f, 0.5f, 0.9f})
  void dropoutReproducesTheCounterRngBitForBit(float p) {
    int n = 1_000_003;
    Tensor[] x = rand(101, 1f, n);
    Tensor[] mask = rand(102, 1f, n);
    Tensor[] y = rand(103, 1f, n);
    long seed = 0x9E3779B97F4A7C15L * 3 + 12345;
    cpu.dropout(x[0], p, seed, mask[0], y[0]);
    gpu.dropout(x[1], p, seed, mask[1], y[1]);
    assertArrayEquals(cpu.download(mask[0]), gpu.download(mask[1]), "dropout mask");
    assertArrayEquals(cpu.download(y[0]), gpu.download(y[1]), "dropout output");
  }

  @Test
  void adamAndSgdSteps() {
    int n = 10_007;
    Tensor[] w = rand(111, 1f, n);
    Tensor[] m = rand(112, 0.1f, n);
    Tensor[] v = both(absolute(Rand.uniform(113, n, 0.01f)), n);
    Tensor[] w2 = rand(114, 1f, n);
    Tensor[] buf = rand(115, 0.1f, n);
    for (int step = 1; step <= 3; step++) {
      Tensor[] g = rand(120 + step, 1f, n);
      for (int i = 0; i < 2; i++) {
        Backend be = i == 0 ? cpu : gpu;
        be.adamUpdate(w[i], g[i], m[i], v[i], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
        be.sgdUpdate(w2[i], g[i], buf[i], 0.1f, 0.9f);
        be.sgdUpdate(w2[i], g[i], null, 0.05f, 0f);
      }
    }
    same("adam w", w, 1e-7, 1e-6);
    // m = β1·m + (1 − β1)·g sums terms of size ~0.1 (ulp 7.5e-9) into values as small as 1e-3,
    // with or without a fused multiply-add: 2 roundings per step of those terms, 3 steps.
    same("adam m", m, 5e-8, 1e-6);
    same("adam v", v, 1e-10, 1e-6);
    same("sgd w", w2, 1e-7, 1e-6);
    same("sgd momentum buffer", buf, 1e-7, 1e-6);
  }

  private static float[] absolute(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return v;
  }

  @Test
  void uploadDownloadAndWholeTensorOps() {
    float[] data = Rand.uniform(131, 4097, 10f);
    try (Tensor t = gpu.upload(data, 4097);
        Tensor u = gpu.zeros(4097)) {
      assertArrayEquals(data, gpu.download(t));
      assertArrayEquals(new float[4097], gpu.download(u));
      gpu.copy(t, u);
      assertArrayEquals(data, gpu.download(u));
      gpu.fill(u, 3.25f);
      for (float f : gpu.download(u)) {
        assertEquals(3.25f, f);
      }
    }
  }
}
