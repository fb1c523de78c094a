package dev.rnn4j.backend.cpu;

/**
 * Activations from {@link Math#exp} (a JIT intrinsic), in double, rounded once to float: accurate
 * to within one float ulp, and several times faster than {@link Math#tanh}.
 */
final class FastMath {
  private FastMath() {}

  /** σ(x) = 1 / (1 + e^-x). */
  static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
  }

  /** tanh(x) = (1 - e^-2|x|) / (1 + e^-2|x|) with the sign of x. */
  static float tanh(float x) {
    double a = Math.abs((double) x);
    double e = Math.exp(-2.0 * a);
    double t = (1.0 - e) / (1.0 + e);
    return (float) (x < 0 ? -t : t);
  }
}
