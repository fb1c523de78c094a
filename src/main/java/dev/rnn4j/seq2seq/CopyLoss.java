package dev.rnn4j.seq2seq;

/**
 * The per-token arithmetic of the pointer-generator loss and of the coverage loss, on the host.
 * Only per-row scalars and the attention weights (B, T, S) are needed, never the mixed (N, V)
 * distribution: with N = B·T rows, y_n the target, g_n = p_gen, pv = softmax(logits) and a_n the
 * attention over the source ids x_i,
 *
 * <pre>
 *   P_n      = g_n · pv_n[y_n] + (1 − g_n) · Σ_{i: x_i = y_n} a_ni
 *   loss     = −Σ_n log P_n
 *   dlogits  = scaleRow_n · (pv_n − onehot(y_n)),     scaleRow_n = g_n · pv_n[y_n] / P_n
 *   dg_n     = −(pv_n[y_n] − copy_n) / P_n
 *   da_ni    = −(1 − g_n) / P_n · [x_i = y_n]
 * </pre>
 *
 * (all gradients times {@code gradScale}). The row scale lets the backend's cross-entropy backward
 * give the vocabulary gradient. Stateless and thread-safe.
 */
final class CopyLoss {
  /** Smallest probability taken (a floor against log 0 when both parts underflow). */
  static final double MIN_PROB = 1e-30;

  private CopyLoss() {}

  /**
   * Loss and gradients of one batch.
   *
   * @param gate p_gen per row (N)
   * @param vocabNll −log pv[y] per row (N), 0 where unused
   * @param attn attention weights (B, T, S)
   * @param srcIds source ids (B, S)
   * @param srcLengths (B)
   * @param targets y (N), −1 for padding
   * @param vocab generator vocabulary V: a target ≥ V can only be copied
   * @param gradScale multiplies every gradient
   * @return the loss sum and: row scales (N), gate gradients (N), attention gradients (B, T, S)
   */
  static Result pointerGenerator(
      float[] gate,
      float[] vocabNll,
      float[] attn,
      int[] srcIds,
      int[] srcLengths,
      int[] targets,
      int b,
      int t,
      int s,
      int vocab,
      float gradScale) {
    int n = b * t;
    float[] rowScale = new float[n];
    float[] dGate = new float[n];
    float[] dAttn = new float[n * s];
    double loss = 0;
    for (int r = 0; r < n; r++) {
      int y = targets[r];
      if (y < 0) {
        continue;
      }
      int row = r / t;
      double g = gate[r];
      double pv = y < vocab ? Math.exp(-vocabNll[r]) : 0;
      double copy = 0;
      for (int i = 0; i < srcLengths[row]; i++) {
        if (srcIds[row * s + i] == y) {
          copy += attn[r * s + i];
        }
      }
      double p = Math.max(MIN_PROB, g * pv + (1 - g) * copy);
      loss -= Math.log(p);
      double inv = gradScale / p;
      rowScale[r] = (float) (g * pv * inv);
      dGate[r] = (float) (-(pv - copy) * inv);
      float da = (float) (-(1 - g) * inv);
      for (int i = 0; i < srcLengths[row]; i++) {
        if (srcIds[row * s + i] == y) {
          dAttn[r * s + i] = da;
        }
      }
    }
    return new Result(loss, rowScale, dGate, dAttn);
  }

  /**
   * See et al.'s coverage loss λ Σ_t Σ_i min(a_ti, c_ti), c_ti = Σ_{t'<t} a_t'i, over the real
   * target steps of each row; adds its gradient times {@code gradScale} into {@code dAttn} (B, T,
   * S) and returns the loss (before scaling). At a tie a_ti = c_ti the gradient goes to a_ti.
   */
  static double coverage(
      float[] attn,
      int[] srcLengths,
      int[] tgtLengths,
      int b,
      int t,
      int s,
      float lambda,
      float gradScale,
      float[] dAttn) {
    double loss = 0;
    double[] cov = new double[s];
    // later[i]: how many later steps took min = c (so each earlier a_t'i gets their gradient).
    double[] later = new double[s];
    for (int row = 0; row < b; row++) {
      int steps = tgtLengths[row];
      int len = srcLengths[row];
      java.util.Arrays.fill(cov, 0);
      boolean[] tookA = new boolean[steps * len];
      for (int step = 0; step < steps; step++) {
        int base = (row * t + step) * s;
        for (int i = 0; i < len; i++) {
          double a = attn[base + i];
          boolean takeA = a <= cov[i];
          tookA[step * len + i] = takeA;
          loss += takeA ? a : cov[i];
          cov[i] += a;
        }
      }
      if (dAttn == null) {
        continue;
      }
      java.util.Arrays.fill(later, 0);
      for (int step = steps - 1; step >= 0; step--) {
        int base = (row * t + step) * s;
        for (int i = 0; i < len; i++) {
          double d = (tookA[step * len + i] ? 1 : 0) + later[i];
          dAttn[base + i] += (float) (lambda * gradScale * d);
          if (!tookA[step * len + i]) {
            later[i] += 1;
          }
        }
      }
    }
    return lambda * loss;
  }

  /** Loss sum and gradients of {@link #pointerGenerator}. */
  record Result(double loss, float[] rowScale, float[] dGate, float[] dAttn) {}
}
