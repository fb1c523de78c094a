package dev.rnn4j.train;

/**
 * Options of {@link Trainer}.
 *
 * @param epochs maximum epochs
 * @param lr base learning rate
 * @param optimizer adam, adamw or sgd
 * @param weightDecay decoupled weight decay (adamw)
 * @param momentum SGD momentum
 * @param clipNorm global gradient-norm limit (0 = none)
 * @param labelSmoothing ε of label smoothing
 * @param schedule learning-rate schedule: "constant", "warmup:N" (linear warm-up over N updates),
 *     "cosine" or "cosine:N" (N warm-up updates, then half a cosine to 0 at the last update of the
 *     last epoch)
 * @param plateauFactor on a validation plateau multiply the rate by this (1 = never)
 * @param plateauPatience epochs without improvement before the rate drops
 * @param accumulate batches whose gradients are summed before one update
 * @param earlyStopPatience epochs without improvement before stopping (0 = never)
 * @param seed seed of data order and dropout
 */
public record TrainOptions(
    int epochs,
    float lr,
    String optimizer,
    float weightDecay,
    float momentum,
    double clipNorm,
    float labelSmoothing,
    String schedule,
    float plateauFactor,
    int plateauPatience,
    int accumulate,
    int earlyStopPatience,
    long seed) {
  public TrainOptions {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    if (!java.util.List.of("adam", "adamw", "sgd").contains(optimizer)) {
      throw new IllegalArgumentException(
          "unknown optimizer '" + optimizer + "'; use adam, adamw or sgd");
    }
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clip norm must be >= 0, got " + clipNorm);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException(
          "label smoothing must be in [0, 1), got " + labelSmoothing);
    }
    if (!(plateauFactor > 0 && plateauFactor <= 1)) {
      throw new IllegalArgumentException("plateau factor must be in (0, 1], got " + plateauFactor);
    }
    if (accumulate < 1) {
      throw new IllegalArgumentException("accumulate must be >= 1, got " + accumulate);
    }
    if (plateauPatience < 0 || earlyStopPatience < 0) {
      throw new IllegalArgumentException("patience values must be >= 0");
    }
    LrSchedule.parse(schedule, Long.MAX_VALUE); // syntax only: the run length comes later
  }

  /**
   * Adam 1e-3, clip 5, no smoothing, 10 epochs, halve the rate after 1 flat epoch, stop after 3.
   */
  public static TrainOptions defaults() {
    return new TrainOptions(10, 1e-3f, "adam", 0f, 0f, 5.0, 0f, "constant", 0.5f, 1, 1, 3, 1);
  }

  public TrainOptions withEpochs(int e) {
    return new TrainOptions(
        e,
        lr,
        optimizer,
        weightDecay,
        momentum,
        clipNorm,
        labelSmoothing,
        schedule,
        plateauFactor,
        plateauPatience,
        accumulate,
        earlyStopPatience,
        seed);
  }

  public TrainOptions withLr(float l) {
    return new TrainOptions(
        epochs,
        l,
        optimizer,
        weightDecay,
        momentum,
        clipNorm,
        labelSmoothing,
        schedule,
        plateauFactor,
        plateauPatience,
        accumulate,
        earlyStopPatience,
        seed);
  }

  public TrainOptions withEarlyStop(int patience) {
    return new TrainOptions(
        epochs,
        lr,
        optimizer,
        weightDecay,
        momentum,
        clipNorm,
        labelSmoothing,
        schedule,
        plateauFactor,
        plateauPatience,
        accumulate,
        patience,
        seed);
  }

  /** Opens the optimizer these options name. */
  public Optimizer newOptimizer() {
    return switch (optimizer) {
      case "adam" -> new Adam(lr, 0.9f, 0.999f, 1e-8f, 0f);
      case "adamw" -> new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay);
      default -> new Sgd(lr, momentum);
    };
  }
}
