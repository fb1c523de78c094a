package dev.rnn4j.backend.cpu;

import dev.rnn4j.util.CounterRng;
import java.nio.FloatBuffer;

/**
 * The CPU backend's per-parameter and per-element loops (Adam, SGD, dropout) restructured for
 * HotSpot's C2: ranges of a direct buffer are copied into per-thread heap arrays in chunks,
 * computed by straight-line array loops (which C2 unrolls and vectorizes where it can), and copied
 * back, instead of element access to the direct {@link FloatBuffer}, which is slower (figures in
 * docs/PERFORMANCE.md, "Vectorized loops").
 *
 * <p>Every loop evaluates the same float expressions in the same order as the element-by-element
 * formula in its javadoc (Java never contracts to FMA), so results are bit-identical to it and do
 * not depend on the chunking or the thread split; {@code VecOpsTest} checks that against scalar
 * loops. Each caller passes a sub-range [lo, hi) so that ranges can run on different threads.
 *
 * <p>Thread-safety: each thread uses its own scratch arrays; callers give threads disjoint ranges.
 */
final class VecOps {
  private VecOps() {}

  /** Elements per chunk: 4 arrays of 2,048 floats stay in L1/L2. */
  static final int CHUNK = 2048;

  /** Per-thread scratch chunks. */
  private static final class Scratch {
    final float[] a = new float[CHUNK];
    final float[] b = new float[CHUNK];
    final float[] c = new float[CHUNK];
    final float[] d = new float[CHUNK];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * One Adam(W) step over [lo, hi): for each k, with g = grad[k],
   *
   * <pre>
   * m = beta1·m + (1 − beta1)·g;   v = beta2·v + (1 − beta2)·g·g
   * w = w − stepSize·m / (√v · invSqrtBc2 + eps) − decay·w
   * </pre>
   *
   * where the caller folds the bias corrections into {@code stepSize} = lr / (1 − beta1^t) and
   * {@code invSqrtBc2} = 1 / √(1 − beta2^t), and {@code decay} = lr · weight decay (decoupled).
   */
  static void adam(
      FloatBuffer w,
      FloatBuffer grad,
      FloatBuffer m,
      FloatBuffer v,
      int lo,
      int hi,
      float beta1,
      float beta2,
      float stepSize,
      float invSqrtBc2,
      float eps,
      float decay) {
    Scratch s = SCRATCH.get();
    float[] ws = s.a;
    float[] gs = s.b;
    float[] ms = s.c;
    float[] vs = s.d;
    float c1 = 1f - beta1;
    float c2 = 1f - beta2;
    for (int k0 = lo; k0 < hi; k0 += CHUNK) {
      int n = Math.min(CHUNK, hi - k0);
      w.get(k0, ws, 0, n);
      grad.get(k0, gs, 0, n);
      m.get(k0, ms, 0, n);
      v.get(k0, vs, 0, n);
      for (int k = 0; k < n; k++) {
        float g = gs[k];
        float mk = beta1 * ms[k] + c1 * g;
        float vk = beta2 * vs[k] + c2 * g * g;
        ms[k] = mk;
        vs[k] = vk;
        float wk = ws[k];
        float denom = (float) Math.sqrt(vk) * invSqrtBc2 + eps;
        ws[k] = wk - stepSize * mk / denom - decay * wk;
      }
      w.put(k0, ws, 0, n);
      m.put(k0, ms, 0, n);
      v.put(k0, vs, 0, n);
    }
  }

  /**
   * One SGD step over [lo, hi): with momentum, {@code buf = momentum·buf + g; w = w − lr·buf};
   * without ({@code buf} null), {@code w = w − lr·g}.
   */
  static void sgd(
      FloatBuffer w, FloatBuffer grad, FloatBuffer buf, int lo, int hi, float lr, float momentum) {
    Scratch s = SCRATCH.get();
    float[] ws = s.a;
    float[] gs = s.b;
    float[] bs = s.c;
    for (int k0 = lo; k0 < hi; k0 += CHUNK) {
      int n = Math.min(CHUNK, hi - k0);
      w.get(k0, ws, 0, n);
      grad.get(k0, gs, 0, n);
      if (buf != null) {
        buf.get(k0, bs, 0, n);
        for (int k = 0; k < n; k++) {
          float d = momentum * bs[k] + gs[k];
          bs[k] = d;
          ws[k] = ws[k] - lr * d;
        }
        buf.put(k0, bs, 0, n);
      } else {
        for (int k = 0; k < n; k++) {
          ws[k] = ws[k] - lr * gs[k];
        }
      }
      w.put(k0, ws, 0, n);
    }
  }

  /**
   * Inverted dropout over [lo, hi): {@code mask[k] = u(seed, k) >= p ? keep : 0} and {@code y[k] =
   * x[k]·mask[k]}, u = {@link CounterRng#uniform}. u is a 24-bit integer t times 2⁻²⁴, so u ≥ p
   * exactly when t ≥ ⌈p·2²⁴⌉, which the loop tests in integer arithmetic (no branch).
   */
  static void dropout(
      FloatBuffer x, FloatBuffer mask, FloatBuffer y, int lo, int hi, long seed, float p) {
    Scratch s = SCRATCH.get();
    float[] xs = s.a;
    float[] ms = s.b;
    float keep = 1f / (1f - p);
    long threshold = (long) Math.ceil((double) p * 0x1p24);
    for (int k0 = lo; k0 < hi; k0 += CHUNK) {
      int n = Math.min(CHUNK, hi - k0);
      x.get(k0, xs, 0, n);
      for (int k = 0; k < n; k++) {
        // CounterRng.bits(seed, k0 + k), written out so that C2 keeps it in the loop.
        long z = seed + ((long) (k0 + k) + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        // 1 when the top 24 bits are >= threshold, else 0 (the sign bit of threshold − 1 − t).
        long kept = (threshold - 1 - (z >>> 40)) >>> 63;
        float mk = keep * (float) kept;
        ms[k] = mk;
        xs[k] = xs[k] * mk;
      }
      mask.put(k0, ms, 0, n);
      y.put(k0, xs, 0, n);
    }
  }
}
