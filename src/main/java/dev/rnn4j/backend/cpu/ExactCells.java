package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Activation;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Fused recurrent-cell loops with {@link Math#exp}-based activations ({@code
 * CpuOptions.Activations.EXACT}): the reference implementation of every cell kernel (the CUDA
 * kernels of the same names and {@link VecCells} are tested against these). Each method handles
 * rows [r0, r1) and columns [j0, j1) of one time step so the caller can split work across threads.
 * Gate orders and formulas are documented on {@link dev.rnn4j.backend.Backend}. A row b is padding
 * when {@code t >= len[b]}.
 */
final class ExactCells implements CellLoops {
  static final ExactCells INSTANCE = new ExactCells();

  private ExactCells() {}

  @Override
  public void tanh(FloatBuffer x, FloatBuffer y, int lo, int hi) {
    for (int k = lo; k < hi; k++) {
      y.put(k, FastMath.tanh(x.get(k)));
    }
  }

  static boolean valid(IntBuffer lengths, int b, int t) {
    return lengths == null || t < lengths.get(b);
  }

  /** RNN forward. pre (B, H) ld preLd; h (B, H) ld hLd. */
  @Override
  public void rnnForward(
      Activation act,
      FloatBuffer pre,
      long preOff,
      int preLd,
      FloatBuffer bias,
      FloatBuffer h,
      long hOff,
      int hLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int hp = (int) (hOff + (long) b * hLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        h.put(hp + j, 0f);
      }
      return;
    }
    int pp = (int) (preOff + (long) b * preLd);
    for (int j = j0; j < j1; j++) {
      float a = pre.get(pp + j) + bias.get(j);
      h.put(hp + j, act == Activation.TANH ? FastMath.tanh(a) : Math.max(a, 0f));
    }
  }

  /** RNN backward: dPre = dh ⊙ act'(h). */
  static void rnnBackward(
      Activation act,
      FloatBuffer h,
      long hOff,
      int hLd,
      FloatBuffer dh,
      long dhOff,
      int dhLd,
      FloatBuffer dPre,
      long dpOff,
      int dpLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int dp = (int) (dpOff + (long) b * dpLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        dPre.put(dp + j, 0f);
      }
      return;
    }
    int hp = (int) (hOff + (long) b * hLd);
    int gp = (int) (dhOff + (long) b * dhLd);
    for (int j = j0; j < j1; j++) {
      float y = h.get(hp + j);
      float d = act == Activation.TANH ? 1f - y * y : (y > 0f ? 1f : 0f);
      dPre.put(dp + j, dh.get(gp + j) * d);
    }
  }

  /** LSTM forward for row b, columns [j0, j1) of H. gates (B, 4H); c, cPrev, h (B, H). */
  @Override
  public void lstmForward(
      FloatBuffer g,
      long gOff,
      int gLd,
      FloatBuffer bias,
      int hidden,
      FloatBuffer cPrev,
      long cpOff,
      int cpLd,
      FloatBuffer c,
      long cOff,
      int cLd,
      FloatBuffer h,
      long hOff,
      int hLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int gp = (int) (gOff + (long) b * gLd);
    int cpp = (int) (cpOff + (long) b * cpLd);
    int cp = (int) (cOff + (long) b * cLd);
    int hp = (int) (hOff + (long) b * hLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        c.put(cp + j, cPrev.get(cpp + j));
        h.put(hp + j, 0f);
        g.put(gp + j, 0f);
        g.put(gp + hidden + j, 0f);
        g.put(gp + 2 * hidden + j, 0f);
        g.put(gp + 3 * hidden + j, 0f);
      }
      return;
    }
    for (int j = j0; j < j1; j++) {
      float i = FastMath.sigmoid(g.get(gp + j) + bias.get(j));
      float f = FastMath.sigmoid(g.get(gp + hidden + j) + bias.get(hidden + j));
      float gg = FastMath.tanh(g.get(gp + 2 * hidden + j) + bias.get(2 * hidden + j));
      float o = FastMath.sigmoid(g.get(gp + 3 * hidden + j) + bias.get(3 * hidden + j));
      float cc = f * cPrev.get(cpp + j) + i * gg;
      c.put(cp + j, cc);
      h.put(hp + j, o * FastMath.tanh(cc));
      g.put(gp + j, i);
      g.put(gp + hidden + j, f);
      g.put(gp + 2 * hidden + j, gg);
      g.put(gp + 3 * hidden + j, o);
    }
  }

  /** LSTM backward for row b, columns [j0, j1). dc (B, H) contiguous, in: dc_t, out: dc_{t-1}. */
  @Override
  public void lstmBackward(
      FloatBuffer g,
      long gOff,
      int gLd,
      int hidden,
      FloatBuffer c,
      long cOff,
      int cLd,
      FloatBuffer cPrev,
      long cpOff,
      int cpLd,
      FloatBuffer dh,
      long dhOff,
      int dhLd,
      FloatBuffer dc,
      FloatBuffer dg,
      long dgOff,
      int dgLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int dgp = (int) (dgOff + (long) b * dgLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        dg.put(dgp + j, 0f);
        dg.put(dgp + hidden + j, 0f);
        dg.put(dgp + 2 * hidden + j, 0f);
        dg.put(dgp + 3 * hidden + j, 0f);
      }
      return;
    }
    int gp = (int) (gOff + (long) b * gLd);
    int cp = (int) (cOff + (long) b * cLd);
    int cpp = (int) (cpOff + (long) b * cpLd);
    int hp = (int) (dhOff + (long) b * dhLd);
    int dcp = b * hidden;
    for (int j = j0; j < j1; j++) {
      float i = g.get(gp + j);
      float f = g.get(gp + hidden + j);
      float gg = g.get(gp + 2 * hidden + j);
      float o = g.get(gp + 3 * hidden + j);
      float tc = FastMath.tanh(c.get(cp + j));
      float dhv = dh.get(hp + j);
      float dct = dc.get(dcp + j) + dhv * o * (1f - tc * tc);
      dg.put(dgp + j, dct * gg * i * (1f - i));
      dg.put(dgp + hidden + j, dct * cPrev.get(cpp + j) * f * (1f - f));
      dg.put(dgp + 2 * hidden + j, dct * i * (1f - gg * gg));
      dg.put(dgp + 3 * hidden + j, dhv * tc * o * (1f - o));
      dc.put(dcp + j, dct * f);
    }
  }

  /** GRU forward for row b, columns [j0, j1). xg, hg (B, 3H); saved (B, 4H). */
  @Override
  public void gruForward(
      FloatBuffer xg,
      long xOff,
      int xLd,
      FloatBuffer hg,
      long hgOff,
      int hgLd,
      FloatBuffer bias,
      int hidden,
      FloatBuffer hPrev,
      long hpOff,
      int hpLd,
      FloatBuffer h,
      long hOff,
      int hLd,
      FloatBuffer saved,
      long sOff,
      int sLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int sp = (int) (sOff + (long) b * sLd);
    int hp = (int) (hOff + (long) b * hLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        h.put(hp + j, 0f);
        saved.put(sp + j, 0f);
        saved.put(sp + hidden + j, 0f);
        saved.put(sp + 2 * hidden + j, 0f);
        saved.put(sp + 3 * hidden + j, 0f);
      }
      return;
    }
    int xp = (int) (xOff + (long) b * xLd);
    int gp = (int) (hgOff + (long) b * hgLd);
    int pp = (int) (hpOff + (long) b * hpLd);
    for (int j = j0; j < j1; j++) {
      float r = FastMath.sigmoid(xg.get(xp + j) + hg.get(gp + j) + bias.get(j));
      float z =
          FastMath.sigmoid(
              xg.get(xp + hidden + j) + hg.get(gp + hidden + j) + bias.get(hidden + j));
      float hn = hg.get(gp + 2 * hidden + j) + bias.get(2 * hidden + j);
      float n = FastMath.tanh(xg.get(xp + 2 * hidden + j) + r * hn);
      h.put(hp + j, (1f - z) * n + z * hPrev.get(pp + j));
      saved.put(sp + j, r);
      saved.put(sp + hidden + j, z);
      saved.put(sp + 2 * hidden + j, n);
      saved.put(sp + 3 * hidden + j, hn);
    }
  }

  /** GRU backward for row b, columns [j0, j1). */
  static void gruBackward(
      FloatBuffer saved,
      long sOff,
      int sLd,
      int hidden,
      FloatBuffer hPrev,
      long hpOff,
      int hpLd,
      FloatBuffer dh,
      long dhOff,
      int dhLd,
      FloatBuffer dx,
      long dxOff,
      int dxLd,
      FloatBuffer dhg,
      long dhgOff,
      int dhgLd,
      FloatBuffer dhPrev,
      long dpOff,
      int dpLd,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    int xp = (int) (dxOff + (long) b * dxLd);
    int gp = (int) (dhgOff + (long) b * dhgLd);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        for (int k = 0; k < 3; k++) {
          dx.put(xp + k * hidden + j, 0f);
          dhg.put(gp + k * hidden + j, 0f);
        }
      }
      return;
    }
    int sp = (int) (sOff + (long) b * sLd);
    int pp = (int) (hpOff + (long) b * hpLd);
    int hp = (int) (dhOff + (long) b * dhLd);
    int dpp = (int) (dpOff + (long) b * dpLd);
    for (int j = j0; j < j1; j++) {
      float r = saved.get(sp + j);
      float z = saved.get(sp + hidden + j);
      float n = saved.get(sp + 2 * hidden + j);
      float hn = saved.get(sp + 3 * hidden + j);
      float d = dh.get(hp + j);
      float dn = d * (1f - z) * (1f - n * n);
      float dz = d * (hPrev.get(pp + j) - n) * z * (1f - z);
      float dr = dn * hn * r * (1f - r);
      dx.put(xp + j, dr);
      dx.put(xp + hidden + j, dz);
      dx.put(xp + 2 * hidden + j, dn);
      dhg.put(gp + j, dr);
      dhg.put(gp + hidden + j, dz);
      dhg.put(gp + 2 * hidden + j, dn * r);
      dhPrev.put(dpp + j, dhPrev.get(dpp + j) + d * z);
    }
  }
}
