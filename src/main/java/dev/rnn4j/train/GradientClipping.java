package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import java.util.List;

/** Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * sqrt(Σ over all gradients of g²), accumulated in double; NaN/∞ when a gradient is not finite.
   */
  public static double globalNorm(List<Parameter> parameters) {
    double sq = 0;
    for (Parameter p : parameters) {
      sq += p.grad().backend().sumSquares(p.grad());
    }
    return Math.sqrt(sq);
  }

  /**
   * The global norm ‖g‖ = sqrt(Σ over all gradients of g²); if it exceeds {@code maxNorm}, scales
   * every gradient by maxNorm / ‖g‖. Returns the norm before clipping: NaN or infinite when some
   * gradient is not finite (then nothing is scaled, so the caller can skip the step).
   */
  public static double clipGlobalNorm(List<Parameter> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    }
    double norm = globalNorm(parameters);
    if (Double.isFinite(norm) && norm > maxNorm) {
      float s = (float) (maxNorm / (norm + 1e-6));
      for (Parameter p : parameters) {
        p.grad().backend().scale(p.grad(), s);
      }
    }
    return norm;
  }
}
