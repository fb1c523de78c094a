package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Activation;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorizable cells against the {@link ExactCells} reference. Tolerance for cell outputs: 1e-6
 * + 1e-5·|ref|: the approximate tanh has relative error 3.4e-7 and σ absolute error 2.5e-7, and a
 * cell adds products of a few of them (c = f·c' + i·g, h = o·tanh(c)) on values up to ~10.
 */
class VecCellsTest {
  private static final int H = 300; // not a multiple of the vector width or of the column blocks

  @Test
  void activationsAreWithinTheirStatedError() {
    double maxRel = 0;
    double maxSigAbs = 0;
    for (int k = -2_000_000; k <= 2_000_000; k++) {
      float x = k * 1e-5f;
      double t = Math.tanh(x);
      if (x != 0) {
        maxRel = Math.max(maxRel, Math.abs(VecCells.tanh(x) - t) / Math.abs(t));
      }
      double s = 1 / (1 + Math.exp(-x));
      maxSigAbs = Math.max(maxSigAbs, Math.abs(VecCells.sigmoid(x) - s));
    }
    assertTrue(maxRel < 3.5e-7, "tanh max relative error " + maxRel);
    assertTrue(maxSigAbs < 2.5e-7, "sigmoid max absolute error " + maxSigAbs);
    assertEquals(0f, VecCells.tanh(0f));
    assertEquals(1f, VecCells.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, VecCells.tanh(-1e30f));
    assertEquals(0f, VecCells.sigmoid(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(VecCells.tanh(Float.NaN)), "NaN stays NaN, so callers can detect it");
    // The array loops compute what the scalar formula does.
    float[] a = new float[37];
    float[] b = new float[37];
    float[] out = new float[37];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextGaussian() * 4);
      b[i] = (float) r.nextGaussian();
    }
    float[] sum = a.clone();
    VecCells.tanhOf(a, out, a.length);
    VecCells.sigmoidOfSum(sum, b, a.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(VecCells.tanh(a[i]), out[i], 0f);
      assertEquals(VecCells.sigmoid(a[i] + b[i]), sum[i], 1e-7f);
    }
  }

  private static FloatBuffer random(SplittableRandom r, int n, double scale) {
    FloatBuffer f = FloatBuffer.allocate(n);
    for (int i = 0; i < n; i++) {
      f.put(i, (float) (r.nextGaussian() * scale));
    }
    return f;
  }

  /** Rows of {@code ld} floats from the start of {@code f}. */
  private static RowView view(FloatBuffer f, int ld) {
    return new RowView(f, 0, ld);
  }

  private static FloatBuffer copy(FloatBuffer f) {
    FloatBuffer c = FloatBuffer.allocate(f.capacity());
    for (int i = 0; i < f.capacity(); i++) {
      c.put(i, f.get(i));
    }
    return c;
  }

  private static void assertClose(String what, FloatBuffer want, FloatBuffer got) {
    for (int i = 0; i < want.capacity(); i++) {
      double w = want.get(i);
      double d = Math.abs(w - got.get(i));
      assertTrue(
          d <= 1e-6 + 1e-5 * Math.abs(w), what + "[" + i + "]: want " + w + ", got " + got.get(i));
    }
  }

  /** Rows 0..3 of a batch with lengths {5, 2, 9, 2} at t = 3: rows 1 and 3 are padding. */
  private static final IntBuffer LENGTHS = IntBuffer.wrap(new int[] {5, 2, 9, 2});

  private static final int T = 3;

  @Test
  void lstmForwardAndBackwardMatchTheReference() {
    SplittableRandom r = new SplittableRandom(7);
    int rows = 4;
    int ld = 4 * H + 5; // strided rows, as per-step views of (B, T, 4H) buffers are
    FloatBuffer g0 = random(r, rows * ld, 3);
    FloatBuffer bias = random(r, 4 * H, 1);
    FloatBuffer cPrev = random(r, rows * H, 2);
    FloatBuffer[] c = {FloatBuffer.allocate(rows * H), FloatBuffer.allocate(rows * H)};
    FloatBuffer[] h = {FloatBuffer.allocate(rows * H), FloatBuffer.allocate(rows * H)};
    FloatBuffer[] g = {copy(g0), copy(g0)};
    for (int b = 0; b < rows; b++) {
      for (int j0 = 0; j0 < H; j0 += 128) {
        int j1 = Math.min(H, j0 + 128);
        for (int k = 0; k < 2; k++) {
          (k == 0 ? ExactCells.INSTANCE : VecCells.INSTANCE)
              .lstmForward(
                  view(g[k], ld),
                  bias,
                  H,
                  view(cPrev, H),
                  view(c[k], H),
                  view(h[k], H),
                  LENGTHS,
                  T,
                  b,
                  j0,
                  j1);
        }
      }
    }
    assertClose("gates", g[0], g[1]);
    assertClose("c", c[0], c[1]);
    assertClose("h", h[0], h[1]);
    FloatBuffer dh = random(r, rows * H, 1);
    FloatBuffer dc0 = random(r, rows * H, 1);
    FloatBuffer[] dc = {copy(dc0), copy(dc0)};
    FloatBuffer[] dg = {FloatBuffer.allocate(rows * ld), FloatBuffer.allocate(rows * ld)};
    for (int b = 0; b < rows; b++) {
      for (int j0 = 0; j0 < H; j0 += 128) {
        int j1 = Math.min(H, j0 + 128);
        for (int k = 0; k < 2; k++) {
          (k == 0 ? ExactCells.INSTANCE : VecCells.INSTANCE)
              .lstmBackward(
                  view(g[0], ld),
                  H,
                  view(c[0], H),
                  view(cPrev, H),
                  view(dh, H),
                  dc[k],
                  view(dg[k], ld),
                  LENGTHS,
                  T,
                  b,
                  j0,
                  j1);
        }
      }
    }
    assertClose("dgates", dg[0], dg[1]);
    assertClose("dc", dc[0], dc[1]);
  }

  @Test
  void gruAndRnnForwardMatchTheReference() {
    SplittableRandom r = new SplittableRandom(11);
    int rows = 4;
    FloatBuffer xg = random(r, rows * 3 * H, 3);
    FloatBuffer hg = random(r, rows * 3 * H, 3);
    FloatBuffer bias = random(r, 3 * H, 1);
    FloatBuffer hPrev = random(r, rows * H, 1);
    FloatBuffer[] h = {FloatBuffer.allocate(rows * H), FloatBuffer.allocate(rows * H)};
    FloatBuffer[] saved = {FloatBuffer.allocate(rows * 4 * H), FloatBuffer.allocate(rows * 4 * H)};
    FloatBuffer[] rh = {FloatBuffer.allocate(rows * H), FloatBuffer.allocate(rows * H)};
    for (int b = 0; b < rows; b++) {
      for (int j0 = 0; j0 < H; j0 += 128) {
        int j1 = Math.min(H, j0 + 128);
        for (int k = 0; k < 2; k++) {
          CellLoops loops = k == 0 ? ExactCells.INSTANCE : VecCells.INSTANCE;
          loops.gruForward(
              view(xg, 3 * H),
              view(hg, 3 * H),
              bias,
              H,
              view(hPrev, H),
              view(h[k], H),
              view(saved[k], 4 * H),
              LENGTHS,
              T,
              b,
              j0,
              j1);
          loops.rnnForward(
              Activation.TANH, view(xg, 3 * H), bias, view(rh[k], H), LENGTHS, T, b, j0, j1);
        }
      }
    }
    assertClose("gru h", h[0], h[1]);
    assertClose("gru saved", saved[0], saved[1]);
    assertClose("rnn h", rh[0], rh[1]);
  }

  @Test
  void bufferTanhCoversExactlyItsRange() {
    SplittableRandom r = new SplittableRandom(5);
    FloatBuffer x = random(r, 3000, 3);
    FloatBuffer y = FloatBuffer.allocate(3000);
    y.put(0, 42f);
    y.put(2999, 42f);
    VecCells.INSTANCE.tanh(x, y, 1, 2999); // more than two chunks, unaligned ends
    assertEquals(42f, y.get(0), "before the range: untouched");
    assertEquals(42f, y.get(2999), "after the range: untouched");
    for (int i = 1; i < 2999; i++) {
      double t = Math.tanh(x.get(i));
      assertEquals(t, y.get(i), 3.5e-7 * Math.abs(t), "element " + i);
    }
  }
}
