package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * Decides, update by update, whether training is still sound. An update whose loss or gradient norm
 * is not finite is skipped (whether or not clipping is on); {@code patience} skips in a row, or a
 * weight that is not finite, end the run with a {@link TrainingDivergedException}. Weights are
 * checked after every skip, every {@link #WEIGHT_CHECK_EVERY} applied updates, and before every
 * save, so a non-finite model is never written over a good checkpoint. Not thread-safe.
 */
public final class DivergenceGuard {
  /** Applied updates between two checks of the weights (one reduction over all parameters). */
  public static final int WEIGHT_CHECK_EVERY = 100;

  /** Skips in a row that end a run unless configured otherwise. */
  public static final int DEFAULT_PATIENCE = 10;

  private final int patience;
  private int skippedInARow;
  private long applied;

  /**
   * @param patience consecutive skipped updates that end the run (>= 1)
   */
  public DivergenceGuard(int patience) {
    if (patience < 1) {
      throw new IllegalArgumentException(
          "divergence patience must be >= 1 (updates skipped in a row before stopping), got "
              + patience);
    }
    this.patience = patience;
  }

  /** What the trainer knows when it asks, for the message. */
  public record Context(int epoch, long update, float lr, double clipNorm) {}

  /**
   * Whether the update with this loss sum and gradient norm may be applied. On a skip, checks the
   * weights and throws once {@code patience} updates in a row were skipped.
   *
   * @throws TrainingDivergedException when training cannot recover
   */
  public boolean admit(double lossSum, double gradNorm, List<Parameter> params, Context at) {
    if (Double.isFinite(lossSum) && Double.isFinite(gradNorm)) {
      skippedInARow = 0;
      return true;
    }
    skippedInARow++;
    checkWeights(params, at);
    if (skippedInARow >= patience) {
      throw new TrainingDivergedException(
          String.format(
              Locale.ROOT,
              "training diverged at epoch %d, update %d: the %s was not finite for %d updates in a"
                  + " row (last loss sum %s, gradient norm %s), so each was skipped. %s",
              at.epoch(),
              at.update(),
              Double.isFinite(lossSum) ? "gradient" : "loss",
              skippedInARow,
              lossSum,
              gradNorm,
              advice(at)));
    }
    return false;
  }

  /** Counts an applied update; every {@link #WEIGHT_CHECK_EVERY}th checks the weights. */
  public void applied(List<Parameter> params, Context at) {
    if (++applied % WEIGHT_CHECK_EVERY == 0) {
      checkWeights(params, at);
    }
  }

  /** Updates skipped in a row so far. */
  public int skippedInARow() {
    return skippedInARow;
  }

  /**
   * Throws if any weight is NaN or infinite (call before saving).
   *
   * @throws TrainingDivergedException naming the first such parameter
   */
  public static void checkWeights(List<Parameter> params, Context at) {
    for (Parameter p : params) {
      if (!Double.isFinite(p.value().backend().sumSquares(p.value()))) {
        throw new TrainingDivergedException(
            String.format(
                Locale.ROOT,
                "training diverged at epoch %d, update %d: parameter %s has non-finite values"
                    + " (NaN or infinity) after an optimizer step; it was not saved. %s",
                at.epoch(),
                at.update(),
                p.name(),
                advice(at)));
      }
    }
  }

  /**
   * Throws if the dev loss is NaN or infinite: the model's outputs on held-out data are no longer
   * numbers, whatever the training loss says (call before saving).
   *
   * @throws TrainingDivergedException when {@code devLoss} is not finite
   */
  public static void checkDevLoss(double devLoss, Context at) {
    if (!Double.isFinite(devLoss)) {
      throw new TrainingDivergedException(
          String.format(
              Locale.ROOT,
              "training diverged at epoch %d, update %d: the dev loss is %s (the weights are"
                  + " finite but so large that the model's outputs overflow); this epoch's model"
                  + " was not saved. %s",
              at.epoch(),
              at.update(),
              devLoss,
              advice(at)));
    }
  }

  private static String advice(Context at) {
    return String.format(
        Locale.ROOT,
        "Checkpoints saved before this are unchanged. Try a lower learning rate (now %.3g), %s,"
            + " or a warm-up (schedule warmup:N)",
        at.lr(),
        at.clipNorm() > 0
            ? String.format(Locale.ROOT, "a smaller gradient-norm clip (now %.3g)", at.clipNorm())
            : "gradient-norm clipping (off now; e.g. clip norm 1)");
  }
}
