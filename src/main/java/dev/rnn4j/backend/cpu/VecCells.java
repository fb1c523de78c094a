package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Activation;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The cell loops of {@link ExactCells} (same arguments, same formulas) restructured for the JIT's
 * auto-vectorizer: each row's columns are copied into heap arrays, every activation is evaluated by
 * straight-line array loops (no calls, no branches), and the results are copied back. {@link
 * ExactCells} stays the reference; {@code VecCellsTest} holds these to it.
 *
 * <p>tanh is a rational function of x on [-9, 9] (beyond it tanh rounds to ±1 in float): tanh(x) ≈
 * x·P(x²)/Q(x²), P of degree 4 and Q of degree 4 in x², coefficients fitted here by iteratively
 * reweighted least squares on the relative error ({@code scripts/fit_tanh.py}); max relative error
 * 3.4e-7 (under 6 float ulps) in float arithmetic. σ(x) = ½·tanh(x/2) + ½, so its absolute error is
 * below 2.5e-7 (the last float rounding included). Results are clamped to [-1, 1] and [0, 1]; NaN
 * stays NaN. The HotSpot C2 compiler turns these loops into AVX/AVX-512 code: about 0.25 ns per
 * tanh against 8+ ns through {@link Math#exp} (measured here, JDK 17).
 *
 * <p>Thread-safety: each thread uses its own scratch arrays.
 */
final class VecCells implements CellLoops {
  static final VecCells INSTANCE = new VecCells();

  private VecCells() {}

  // tanh(x) ≈ x·P(x²)/Q(x²) on [-9, 9].
  private static final float P0 = 9.9999999154882924e-01f;
  private static final float P1 = 1.3396865097253174e-01f;
  private static final float P2 = 3.5142782227853483e-03f;
  private static final float P3 = 2.0911853153483817e-05f;
  private static final float P4 = 1.3765363654494323e-08f;
  private static final float Q1 = 4.6730189411170708e-01f;
  private static final float Q2 = 2.5948400737369367e-02f;
  private static final float Q3 = 3.3159925735235581e-04f;
  private static final float Q4 = 7.9465112880552913e-07f;
  private static final float CLAMP = 9f;

  /** Per-thread scratch rows. */
  private static final class Scratch {
    final float[][] rows = new float[8][];

    float[] row(int k, int n) {
      float[] r = rows[k];
      if (r == null || r.length < n) {
        r = new float[Math.max(n, 256)];
        rows[k] = r;
      }
      return r;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** tanh of one value, the formula the array loops use. */
  static float tanh(float x) {
    float v = Math.max(-CLAMP, Math.min(CLAMP, x));
    float s = v * v;
    float p = (((P4 * s + P3) * s + P2) * s + P1) * s + P0;
    float q = (((Q4 * s + Q3) * s + Q2) * s + Q1) * s + 1f;
    return Math.max(-1f, Math.min(1f, v * p / q));
  }

  /** σ of one value: ½·tanh(x/2) + ½. */
  static float sigmoid(float x) {
    return 0.5f * tanh(0.5f * x) + 0.5f;
  }

  // The array loops call tanh() and sigmoid(): C2 inlines them and vectorizes the loops all the
  // same (the same speed as the formula written inline, measured here).

  /** a[k] = tanh(a[k] + b[k]) for k < n. */
  static void tanhOfSum(float[] a, float[] b, int n) {
    for (int k = 0; k < n; k++) {
      a[k] = tanh(a[k] + b[k]);
    }
  }

  /** a[k] = σ(a[k] + b[k]) for k < n. */
  static void sigmoidOfSum(float[] a, float[] b, int n) {
    for (int k = 0; k < n; k++) {
      a[k] = sigmoid(a[k] + b[k]);
    }
  }

  /** out[k] = tanh(a[k]) for k < n. */
  static void tanhOf(float[] a, float[] out, int n) {
    for (int k = 0; k < n; k++) {
      out[k] = tanh(a[k]);
    }
  }

  /** y[k] = tanh(x[k]) for k in [lo, hi), through heap chunks. */
  @Override
  public void tanh(FloatBuffer x, FloatBuffer y, int lo, int hi) {
    Scratch s = SCRATCH.get();
    float[] a = s.row(0, CHUNK);
    float[] out = s.row(1, CHUNK);
    for (int k = lo; k < hi; k += CHUNK) {
      int n = Math.min(CHUNK, hi - k);
      x.get(k, a, 0, n);
      tanhOf(a, out, n);
      y.put(k, out, 0, n);
    }
  }

  private static final int CHUNK = 1024;

  /** RNN forward, as {@link ExactCells#rnnForward}. */
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
    if (act != Activation.TANH || !ExactCells.valid(lengths, b, t)) {
      ExactCells.INSTANCE.rnnForward(act, pre, bias, h, lengths, t, b, j0, j1);
      return;
    }
    int n = j1 - j0;
    Scratch s = SCRATCH.get();
    float[] a = s.row(0, n);
    float[] bb = s.row(1, n);
    pre.buf().get(pre.row(b) + j0, a, 0, n);
    bias.get(j0, bb, 0, n);
    tanhOfSum(a, bb, n);
    h.buf().put(h.row(b) + j0, a, 0, n);
  }

  /** LSTM forward, as {@link ExactCells#lstmForward}. */
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
    if (!ExactCells.valid(lengths, b, t)) {
      ExactCells.INSTANCE.lstmForward(gates, bias, hidden, cPrev, c, h, lengths, t, b, j0, j1);
      return;
    }
    int n = j1 - j0;
    FloatBuffer g = gates.buf();
    int gp = gates.row(b) + j0;
    Scratch s = SCRATCH.get();
    float[] i = s.row(0, n);
    float[] f = s.row(1, n);
    float[] gg = s.row(2, n);
    float[] o = s.row(3, n);
    float[] cc = s.row(4, n);
    float[] bb = s.row(5, n);
    g.get(gp, i, 0, n);
    bias.get(j0, bb, 0, n);
    sigmoidOfSum(i, bb, n);
    g.get(gp + hidden, f, 0, n);
    bias.get(hidden + j0, bb, 0, n);
    sigmoidOfSum(f, bb, n);
    g.get(gp + 2 * hidden, gg, 0, n);
    bias.get(2 * hidden + j0, bb, 0, n);
    tanhOfSum(gg, bb, n);
    g.get(gp + 3 * hidden, o, 0, n);
    bias.get(3 * hidden + j0, bb, 0, n);
    sigmoidOfSum(o, bb, n);
    cPrev.buf().get(cPrev.row(b) + j0, cc, 0, n);
    for (int k = 0; k < n; k++) {
      cc[k] = f[k] * cc[k] + i[k] * gg[k];
    }
    tanhOf(cc, bb, n);
    for (int k = 0; k < n; k++) {
      bb[k] *= o[k];
    }
    c.buf().put(c.row(b) + j0, cc, 0, n);
    h.buf().put(h.row(b) + j0, bb, 0, n);
    g.put(gp, i, 0, n);
    g.put(gp + hidden, f, 0, n);
    g.put(gp + 2 * hidden, gg, 0, n);
    g.put(gp + 3 * hidden, o, 0, n);
  }

  /** LSTM backward, as {@link ExactCells#lstmBackward}. */
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
    if (!ExactCells.valid(lengths, b, t)) {
      ExactCells.INSTANCE.lstmBackward(
          gates, hidden, c, cPrev, dh, dc, dGates, lengths, t, b, j0, j1);
      return;
    }
    int n = j1 - j0;
    FloatBuffer g = gates.buf();
    FloatBuffer dg = dGates.buf();
    int gp = gates.row(b) + j0;
    int dgp = dGates.row(b) + j0;
    int dcp = b * hidden + j0;
    Scratch s = SCRATCH.get();
    float[] i = s.row(0, n);
    float[] f = s.row(1, n);
    float[] gg = s.row(2, n);
    float[] o = s.row(3, n);
    float[] tc = s.row(4, n);
    float[] dhv = s.row(5, n);
    float[] dct = s.row(6, n);
    float[] cp = s.row(7, n);
    g.get(gp, i, 0, n);
    g.get(gp + hidden, f, 0, n);
    g.get(gp + 2 * hidden, gg, 0, n);
    g.get(gp + 3 * hidden, o, 0, n);
    c.buf().get(c.row(b) + j0, cp, 0, n);
    tanhOf(cp, tc, n);
    dh.buf().get(dh.row(b) + j0, dhv, 0, n);
    dc.get(dcp, dct, 0, n);
    cPrev.buf().get(cPrev.row(b) + j0, cp, 0, n);
    for (int k = 0; k < n; k++) {
      float d = dct[k] + dhv[k] * o[k] * (1f - tc[k] * tc[k]);
      float ik = i[k];
      float fk = f[k];
      float gk = gg[k];
      float ok = o[k];
      dhv[k] = dhv[k] * tc[k] * ok * (1f - ok); // do
      cp[k] = d * cp[k] * fk * (1f - fk); // df
      o[k] = d * ik * (1f - gk * gk); // dg
      i[k] = d * gk * ik * (1f - ik); // di
      dct[k] = d * fk; // dc_{t-1}
    }
    dg.put(dgp, i, 0, n);
    dg.put(dgp + hidden, cp, 0, n);
    dg.put(dgp + 2 * hidden, o, 0, n);
    dg.put(dgp + 3 * hidden, dhv, 0, n);
    dc.put(dcp, dct, 0, n);
  }

  /** GRU forward, as {@link ExactCells#gruForward}. */
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
    if (!ExactCells.valid(lengths, b, t)) {
      ExactCells.INSTANCE.gruForward(
          xGates, hGates, bias, hidden, hPrev, h, saved, lengths, t, b, j0, j1);
      return;
    }
    int n = j1 - j0;
    FloatBuffer xg = xGates.buf();
    FloatBuffer hg = hGates.buf();
    FloatBuffer sb = saved.buf();
    int xp = xGates.row(b) + j0;
    int gp = hGates.row(b) + j0;
    int sp = saved.row(b) + j0;
    Scratch s = SCRATCH.get();
    float[] r = s.row(0, n);
    float[] z = s.row(1, n);
    float[] hn = s.row(2, n);
    float[] nn = s.row(3, n);
    float[] tmp = s.row(4, n);
    float[] hp = s.row(5, n);
    xg.get(xp, r, 0, n);
    hg.get(gp, tmp, 0, n);
    for (int k = 0; k < n; k++) {
      r[k] += tmp[k];
    }
    bias.get(j0, tmp, 0, n);
    sigmoidOfSum(r, tmp, n);
    xg.get(xp + hidden, z, 0, n);
    hg.get(gp + hidden, tmp, 0, n);
    for (int k = 0; k < n; k++) {
      z[k] += tmp[k];
    }
    bias.get(hidden + j0, tmp, 0, n);
    sigmoidOfSum(z, tmp, n);
    hg.get(gp + 2 * hidden, hn, 0, n);
    bias.get(2 * hidden + j0, tmp, 0, n);
    for (int k = 0; k < n; k++) {
      hn[k] += tmp[k];
      tmp[k] = r[k] * hn[k];
    }
    xg.get(xp + 2 * hidden, nn, 0, n);
    tanhOfSum(nn, tmp, n);
    hPrev.buf().get(hPrev.row(b) + j0, hp, 0, n);
    for (int k = 0; k < n; k++) {
      hp[k] = (1f - z[k]) * nn[k] + z[k] * hp[k];
    }
    h.buf().put(h.row(b) + j0, hp, 0, n);
    sb.put(sp, r, 0, n);
    sb.put(sp + hidden, z, 0, n);
    sb.put(sp + 2 * hidden, nn, 0, n);
    sb.put(sp + 3 * hidden, hn, 0, n);
  }
}
