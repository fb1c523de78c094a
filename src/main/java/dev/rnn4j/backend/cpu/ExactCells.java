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

  /** RNN forward. pre, h (B, H). */
  @Override
  public void rnnForward(
      Activation act,
      RowView pre,
      FloatBuffer bias,
      RowView h,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer hb = h.buf();
    int hp = h.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        hb.put(hp + j, 0f);
      }
      return;
    }
    FloatBuffer pb = pre.buf();
    int pp = pre.row(b);
    for (int j = j0; j < j1; j++) {
      float a = pb.get(pp + j) + bias.get(j);
      hb.put(hp + j, act == Activation.TANH ? FastMath.tanh(a) : Math.max(a, 0f));
    }
  }

  /** RNN backward: dPre = dh ⊙ act'(h). h, dh, dPre (B, H). */
  static void rnnBackward(
      Activation act,
      RowView h,
      RowView dh,
      RowView dPre,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer dpb = dPre.buf();
    int dp = dPre.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        dpb.put(dp + j, 0f);
      }
      return;
    }
    FloatBuffer hb = h.buf();
    FloatBuffer dhb = dh.buf();
    int hp = h.row(b);
    int gp = dh.row(b);
    for (int j = j0; j < j1; j++) {
      float y = hb.get(hp + j);
      float d = act == Activation.TANH ? 1f - y * y : (y > 0f ? 1f : 0f);
      dpb.put(dp + j, dhb.get(gp + j) * d);
    }
  }

  /** LSTM forward for row b, columns [j0, j1) of H. gates (B, 4H); cPrev, c, h (B, H). */
  @Override
  public void lstmForward(
      RowView gates,
      FloatBuffer bias,
      int hidden,
      RowView cPrev,
      RowView c,
      RowView h,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer g = gates.buf();
    FloatBuffer cpb = cPrev.buf();
    FloatBuffer cb = c.buf();
    FloatBuffer hb = h.buf();
    int gp = gates.row(b);
    int cpp = cPrev.row(b);
    int cp = c.row(b);
    int hp = h.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        cb.put(cp + j, cpb.get(cpp + j));
        hb.put(hp + j, 0f);
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
      float cc = f * cpb.get(cpp + j) + i * gg;
      cb.put(cp + j, cc);
      hb.put(hp + j, o * FastMath.tanh(cc));
      g.put(gp + j, i);
      g.put(gp + hidden + j, f);
      g.put(gp + 2 * hidden + j, gg);
      g.put(gp + 3 * hidden + j, o);
    }
  }

  /**
   * LSTM backward for row b, columns [j0, j1). gates, dGates (B, 4H); c, cPrev, dh (B, H); dc (B,
   * H) contiguous, in: dc_t, out: dc_{t-1}.
   */
  @Override
  public void lstmBackward(
      RowView gates,
      int hidden,
      RowView c,
      RowView cPrev,
      RowView dh,
      FloatBuffer dc,
      RowView dGates,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer dg = dGates.buf();
    int dgp = dGates.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        dg.put(dgp + j, 0f);
        dg.put(dgp + hidden + j, 0f);
        dg.put(dgp + 2 * hidden + j, 0f);
        dg.put(dgp + 3 * hidden + j, 0f);
      }
      return;
    }
    FloatBuffer g = gates.buf();
    FloatBuffer cb = c.buf();
    FloatBuffer cpb = cPrev.buf();
    FloatBuffer dhb = dh.buf();
    int gp = gates.row(b);
    int cp = c.row(b);
    int cpp = cPrev.row(b);
    int hp = dh.row(b);
    int dcp = b * hidden;
    for (int j = j0; j < j1; j++) {
      float i = g.get(gp + j);
      float f = g.get(gp + hidden + j);
      float gg = g.get(gp + 2 * hidden + j);
      float o = g.get(gp + 3 * hidden + j);
      float tc = FastMath.tanh(cb.get(cp + j));
      float dhv = dhb.get(hp + j);
      float dct = dc.get(dcp + j) + dhv * o * (1f - tc * tc);
      dg.put(dgp + j, dct * gg * i * (1f - i));
      dg.put(dgp + hidden + j, dct * cpb.get(cpp + j) * f * (1f - f));
      dg.put(dgp + 2 * hidden + j, dct * i * (1f - gg * gg));
      dg.put(dgp + 3 * hidden + j, dhv * tc * o * (1f - o));
      dc.put(dcp + j, dct * f);
    }
  }

  /**
   * GRU forward for row b, columns [j0, j1). xGates, hGates (B, 3H); hPrev, h (B, H); saved (B,
   * 4H).
   */
  @Override
  public void gruForward(
      RowView xGates,
      RowView hGates,
      FloatBuffer bias,
      int hidden,
      RowView hPrev,
      RowView h,
      RowView saved,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer hb = h.buf();
    FloatBuffer sb = saved.buf();
    int sp = saved.row(b);
    int hp = h.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        hb.put(hp + j, 0f);
        sb.put(sp + j, 0f);
        sb.put(sp + hidden + j, 0f);
        sb.put(sp + 2 * hidden + j, 0f);
        sb.put(sp + 3 * hidden + j, 0f);
      }
      return;
    }
    FloatBuffer xg = xGates.buf();
    FloatBuffer hg = hGates.buf();
    FloatBuffer hpb = hPrev.buf();
    int xp = xGates.row(b);
    int gp = hGates.row(b);
    int pp = hPrev.row(b);
    for (int j = j0; j < j1; j++) {
      float r = FastMath.sigmoid(xg.get(xp + j) + hg.get(gp + j) + bias.get(j));
      float z =
          FastMath.sigmoid(
              xg.get(xp + hidden + j) + hg.get(gp + hidden + j) + bias.get(hidden + j));
      float hn = hg.get(gp + 2 * hidden + j) + bias.get(2 * hidden + j);
      float n = FastMath.tanh(xg.get(xp + 2 * hidden + j) + r * hn);
      hb.put(hp + j, (1f - z) * n + z * hpb.get(pp + j));
      sb.put(sp + j, r);
      sb.put(sp + hidden + j, z);
      sb.put(sp + 2 * hidden + j, n);
      sb.put(sp + 3 * hidden + j, hn);
    }
  }

  /**
   * GRU backward for row b, columns [j0, j1). saved (B, 4H); hPrev, dh, dhPrev (B, H); dxGates,
   * dhGates (B, 3H). dhPrev accumulates.
   */
  static void gruBackward(
      RowView saved,
      int hidden,
      RowView hPrev,
      RowView dh,
      RowView dxGates,
      RowView dhGates,
      RowView dhPrev,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1) {
    FloatBuffer dx = dxGates.buf();
    FloatBuffer dhg = dhGates.buf();
    int xp = dxGates.row(b);
    int gp = dhGates.row(b);
    if (!valid(lengths, b, t)) {
      for (int j = j0; j < j1; j++) {
        for (int k = 0; k < 3; k++) {
          dx.put(xp + k * hidden + j, 0f);
          dhg.put(gp + k * hidden + j, 0f);
        }
      }
      return;
    }
    FloatBuffer sb = saved.buf();
    FloatBuffer hpb = hPrev.buf();
    FloatBuffer dhb = dh.buf();
    FloatBuffer dpb = dhPrev.buf();
    int sp = saved.row(b);
    int pp = hPrev.row(b);
    int hp = dh.row(b);
    int dpp = dhPrev.row(b);
    for (int j = j0; j < j1; j++) {
      float r = sb.get(sp + j);
      float z = sb.get(sp + hidden + j);
      float n = sb.get(sp + 2 * hidden + j);
      float hn = sb.get(sp + 3 * hidden + j);
      float d = dhb.get(hp + j);
      float dn = d * (1f - z) * (1f - n * n);
      float dz = d * (hpb.get(pp + j) - n) * z * (1f - z);
      float dr = dn * hn * r * (1f - r);
      dx.put(xp + j, dr);
      dx.put(xp + hidden + j, dz);
      dx.put(xp + 2 * hidden + j, dn);
      dhg.put(gp + j, dr);
      dhg.put(gp + hidden + j, dz);
      dhg.put(gp + 2 * hidden + j, dn * r);
      dpb.put(dpp + j, dpb.get(dpp + j) + d * z);
    }
  }
}
