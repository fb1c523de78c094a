package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's primitives against naive double-precision formulas. Tolerance for float32
 * results: atol 1e-5 + rtol 1e-5·|ref| (a handful of float roundings on values of order 1; a wrong
 * index or term is off by order 1).
 */
class CpuBackendTest {
  private final Backend be = TestBackends.cpu();

  static void close(double expected, double actual, String what) {
    double tol = 1e-5 + 1e-5 * Math.abs(expected);
    assertTrue(
        Math.abs(expected - actual) <= tol,
        what + ": expected " + expected + ", got " + actual + ", diff " + (actual - expected));
  }

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
  void transposeOfStridedViewsMatchesIndexing() {
    int rows = 150; // more than one 128-row block
    int cols = 37;
    float[] src = Rand.uniform(12, rows * (cols + 5) + 3, 1f);
    try (Tensor st = be.upload(src, src.length);
        Tensor dt = be.zeros(cols * (rows + 2) + 1)) {
      be.transpose(new Mat(st, 3, rows, cols, cols + 5), new Mat(dt, 1, cols, rows, rows + 2));
      float[] d = be.download(dt);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          assertEquals(
              src[3 + r * (cols + 5) + c], d[1 + c * (rows + 2) + r], "dst[" + c + "," + r + "]");
        }
      }
      assertEquals(0f, d[0], "element before the view untouched");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.transpose(new Mat(st, 0, 4, 3, 3), new Mat(dt, 0, 4, 3, 3)));
      assertTrue(e.getMessage().contains("expected a 3x4 destination"), e.getMessage());
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

  @Test
  void softmaxFamilyMatchesDoubleFormulas() {
    int rows = 4;
    int v = 37;
    float[] x = Rand.uniform(5, rows * v, 8f);
    x[3] = 80f; // a large logit: stability
    try (Tensor xt = be.upload(x, rows, v);
        Tensor y = be.zeros(rows, v);
        Tensor ly = be.zeros(rows, v)) {
      be.softmax(xt, y);
      be.logSoftmax(xt, ly);
      float[] ys = be.download(y);
      float[] ls = be.download(ly);
      for (int r = 0; r < rows; r++) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          mx = Math.max(mx, x[r * v + k]);
        }
        double s = 0;
        for (int k = 0; k < v; k++) {
          s += Math.exp(x[r * v + k] - mx);
        }
        for (int k = 0; k < v; k++) {
          double p = Math.exp(x[r * v + k] - mx) / s;
          close(p, ys[r * v + k], "softmax[" + r + "," + k + "]");
          close(x[r * v + k] - mx - Math.log(s), ls[r * v + k], "logSoftmax[" + r + "," + k + "]");
        }
      }
    }
  }

  @Test
  void softmaxBackwardMatchesJacobian() {
    int v = 9;
    float[] x = Rand.uniform(6, v, 2f);
    float[] dy = Rand.uniform(7, v, 1f);
    try (Tensor xt = be.upload(x, 1, v);
        Tensor y = be.zeros(1, v);
        Tensor dyt = be.upload(dy, 1, v);
        Tensor dx = be.zeros(1, v)) {
      be.softmax(xt, y);
      be.softmaxBackward(y, dyt, dx);
      float[] p = be.download(y);
      float[] got = be.download(dx);
      for (int i = 0; i < v; i++) {
        double s = 0;
        for (int j = 0; j < v; j++) {
          double jac = (i == j ? p[i] : 0) - (double) p[i] * p[j];
          s += jac * dy[j];
        }
        close(s, got[i], "softmaxBackward[" + i + "]");
      }
    }
  }

  @Test
  void crossEntropyWithSmoothingAndIgnoreIndex() {
    int rows = 3;
    int v = 11;
    float eps = 0.1f;
    float[] x = Rand.uniform(8, rows * v, 3f);
    int[] t = {4, -100, 10};
    try (Tensor xt = be.upload(x, rows, v);
        Tensor tt = be.uploadInts(t, rows);
        Tensor p = be.zeros(rows, v);
        Tensor losses = be.zeros(rows);
        Tensor d = be.zeros(rows, v)) {
      double total = be.crossEntropyForward(xt, tt, -100, eps, p, losses);
      be.crossEntropyBackward(p, tt, -100, eps, 0.5f, d);
      float[] ls = be.download(losses);
      float[] ds = be.download(d);
      double want = 0;
      for (int r = 0; r < rows; r++) {
        if (t[r] == -100) {
          assertEquals(0f, ls[r]);
          for (int k = 0; k < v; k++) {
            assertEquals(0f, ds[r * v + k], "ignored row gradient");
          }
          continue;
        }
        double mx = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          mx = Math.max(mx, x[r * v + k]);
        }
        double s = 0;
        for (int k = 0; k < v; k++) {
          s += Math.exp(x[r * v + k] - mx);
        }
        double lse = mx + Math.log(s);
        double loss = 0;
        for (int k = 0; k < v; k++) {
          double q = (k == t[r] ? 1 - eps : 0) + eps / v;
          loss -= q * (x[r * v + k] - lse);
          double g = 0.5 * (Math.exp(x[r * v + k] - lse) - q);
          close(g, ds[r * v + k], "dLogits[" + r + "," + k + "]");
        }
        close(loss, ls[r], "loss[" + r + "]");
        want += loss;
      }
      close(want, total, "total loss");
      // probs may alias the logits: same loss, same gradient.
      be.copy(xt, p);
      close(total, be.crossEntropyForward(p, tt, -100, eps, p, losses), "aliased total loss");
      be.crossEntropyBackward(p, tt, -100, eps, 0.5f, p);
      float[] aliased = be.download(p);
      for (int k = 0; k < ds.length; k++) {
        close(ds[k], aliased[k], "aliased dLogits[" + k + "]");
      }
    }
    try (Tensor xt = be.upload(x, rows, v);
        Tensor bad = be.uploadInts(new int[] {1, 11, 2}, rows);
        Tensor p = be.zeros(rows, v);
        Tensor losses = be.zeros(rows)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.crossEntropyForward(xt, bad, -100, 0f, p, losses));
      assertTrue(e.getMessage().contains("target 11 at row 1"), e.getMessage());
    }
  }

  @Test
  void dropoutIsSeededUnbiasedAndIndependentOfThreads() {
    int n = 200_000;
    float p = 0.3f;
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    try (CpuBackend one = new CpuBackend(1);
        Tensor x = be.upload(ones, n);
        Tensor m = be.zeros(n);
        Tensor y = be.zeros(n);
        Tensor x1 = one.upload(ones, n);
        Tensor m1 = one.zeros(n);
        Tensor y1 = one.zeros(n)) {
      be.dropout(x, p, 42, m, y);
      one.dropout(x1, p, 42, m1, y1);
      float[] ys = be.download(y);
      assertArrayEquals(ys, one.download(y1), "same seed, different thread counts");
      double mean = 0;
      int dropped = 0;
      for (float v : ys) {
        mean += v;
        dropped += v == 0f ? 1 : 0;
        assertTrue(v == 0f || Math.abs(v - 1f / (1f - p)) < 1e-6, "mask value " + v);
      }
      mean /= n;
      // Binomial standard error of the kept fraction: sqrt(p(1-p)/n) ≈ 1e-3; allow 5 of them.
      assertEquals(1.0, mean, 5 * Math.sqrt(p * (1 - p) / n) / (1 - p), "mean after dropout");
      assertEquals(p, dropped / (double) n, 5e-3, "dropped fraction");
      be.dropout(x, p, 43, m, y);
      assertFalse(java.util.Arrays.equals(ys, be.download(y)), "another seed, another mask");
    }
  }

  @Test
  void adamMatchesTheFormula() {
    float[] w = {0.5f, -1f, 2f};
    float[] g = {0.1f, -0.2f, 0.3f};
    float lr = 0.01f;
    float b1 = 0.9f;
    float b2 = 0.999f;
    float eps = 1e-8f;
    float wd = 0.01f;
    try (Tensor wt = be.upload(w, 3);
        Tensor gt = be.upload(g, 3);
        Tensor m = be.zeros(3);
        Tensor v = be.zeros(3)) {
      double[] mw = new double[3];
      double[] vw = new double[3];
      double[] ww = {w[0], w[1], w[2]};
      for (int step = 1; step <= 3; step++) {
        be.adamUpdate(wt, gt, m, v, lr, b1, b2, eps, wd, step);
        for (int i = 0; i < 3; i++) {
          mw[i] = b1 * mw[i] + (1 - b1) * g[i];
          vw[i] = b2 * vw[i] + (1 - b2) * g[i] * g[i];
          double mh = mw[i] / (1 - Math.pow(b1, step));
          double vh = vw[i] / (1 - Math.pow(b2, step));
          ww[i] = ww[i] - lr * mh / (Math.sqrt(vh) + eps) - lr * wd * ww[i];
        }
      }
      float[] got = be.download(wt);
      for (int i = 0; i < 3; i++) {
        close(ww[i], got[i], "w[" + i + "]");
      }
    }
  }

  @Test
  void sgdWithMomentum() {
    try (Tensor w = be.upload(new float[] {1f, 2f}, 2);
        Tensor g = be.upload(new float[] {0.5f, -1f}, 2);
        Tensor buf = be.zeros(2)) {
      be.sgdUpdate(w, g, buf, 0.1f, 0.9f);
      be.sgdUpdate(w, g, buf, 0.1f, 0.9f);
      // buf1 = g, w1 = w - 0.1 g; buf2 = 0.9 g + g = 1.9 g, w2 = w1 - 0.19 g.
      float[] got = be.download(w);
      close(1 - 0.29 * 0.5, got[0], "w[0]");
      close(2 + 0.29, got[1], "w[1]");
    }
  }

  @Test
  void embeddingGatherAndScatterAdd() {
    float[] table = Rand.uniform(9, 5 * 3, 1f);
    int[] ids = {4, 0, 4, 2};
    float[] d = Rand.uniform(10, 4 * 3, 1f);
    try (Tensor tt = be.upload(table, 5, 3);
        Tensor it = be.uploadInts(ids, 4);
        Tensor out = be.zeros(4, 3);
        Tensor dt = be.upload(d, 4, 3);
        Tensor grad = be.zeros(5, 3)) {
      be.embeddingGather(tt, it, out);
      float[] o = be.download(out);
      for (int r = 0; r < 4; r++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(table[ids[r] * 3 + j], o[r * 3 + j]);
        }
      }
      be.embeddingScatterAdd(dt, it, 0, grad);
      float[] gs = be.download(grad);
      for (int j = 0; j < 3; j++) {
        close(d[j] + d[6 + j], gs[12 + j], "row 4 accumulates twice");
        assertEquals(0f, gs[j], "row 0 is the skipped (padding) id");
        close(d[9 + j], gs[6 + j], "row 2");
      }
      try (Tensor bad = be.uploadInts(new int[] {5}, 1);
          Tensor o1 = be.zeros(1, 3)) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> be.embeddingGather(tt, bad, o1));
        assertTrue(e.getMessage().contains("id 5"), e.getMessage());
      }
    }
  }

  @Test
  void sequenceHelpersRespectLengths() {
    int b = 2;
    int t = 4;
    int f = 2;
    float[] x = new float[b * t * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    try (Tensor xt = be.upload(x, b, t, f);
        Tensor r = be.zeros(b, t, f);
        Tensor lens = be.uploadInts(new int[] {4, 2}, b);
        Tensor last = be.zeros(b, f)) {
      be.reverseSequences(xt, r, lens);
      float[] rs = be.download(r);
      assertArrayEquals(
          new float[] {7, 8, 5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 0, 0, 0, 0}, rs, "reversed");
      be.gatherLastStep(xt, lens, last);
      assertArrayEquals(new float[] {7, 8, 11, 12}, be.download(last), "last steps");
      be.scatterAddLastStep(last, lens, r);
      float[] s = be.download(r);
      assertEquals(2f + 8f, s[7], "b=0 step 3 += last");
      assertEquals(12f + 10f, s[11], "b=1 step 1 += last");
      try (Tensor scores = be.upload(Rand.uniform(11, b * 1 * t, 1f), b, 1, t)) {
        be.maskKeys(scores, lens, Float.NEGATIVE_INFINITY);
        float[] sc = be.download(scores);
        assertTrue(Float.isFinite(sc[3]), "b=0 keeps all 4 keys");
        assertEquals(Float.NEGATIVE_INFINITY, sc[6], "b=1 masks key 2");
        assertEquals(Float.NEGATIVE_INFINITY, sc[7], "b=1 masks key 3");
      }
    }
  }

  @Test
  void reductionsAndFiniteness() {
    try (Tensor x = be.upload(new float[] {1f, -2f, 3f}, 3)) {
      assertEquals(14.0, be.sumSquares(x));
      assertEquals(2.0, be.sum(x));
      assertTrue(be.allFinite(x));
    }
    try (Tensor x = be.upload(new float[] {1f, Float.NaN}, 2)) {
      assertFalse(be.allFinite(x));
    }
  }

  @Test
  void tensorsAreReleasedAndClosedOnesRejected() {
    CpuBackend own = new CpuBackend(1);
    {
      Tensor a = own.zeros(DType.FLOAT32, Shape.of(4, 4));
      Tensor b = own.zeros(2);
      assertEquals(2, own.liveTensors());
      a.close();
      if (own.checksMemory()) { // -Drnn4j.cpu.checkMemory=true: a double close is reported
        assertThrows(IllegalStateException.class, a::close);
      } else {
        a.close();
      }
      assertEquals(1, own.liveTensors());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> own.download(a));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      own.close();
      assertTrue(b.isClosed(), "closing the backend closes its tensors");
    }
  }

  @Test
  void uploadRejectsWrongCounts() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> be.upload(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("5 values do not fill shape [2, 3]"), e.getMessage());
  }
}
