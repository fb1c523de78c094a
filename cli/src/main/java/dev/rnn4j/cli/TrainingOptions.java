package dev.rnn4j.cli;

import dev.rnn4j.train.TrainOptions;
import picocli.CommandLine.Option;

/**
 * The optimizer, schedule, stopping and dev-metric options of {@code rnn4j train} as a picocli
 * mixin ({@code @Mixin TrainingOptions training;}), shared with the Spark trainer's {@code train}
 * so that both take the same options with the same defaults. Not thread-safe (filled in by picocli,
 * then read once).
 */
public final class TrainingOptions {
  @Option(names = "--epochs", defaultValue = "10", description = "maximum epochs")
  int epochs;

  @Option(names = "--lr", defaultValue = "0.001", description = "base learning rate")
  float lr;

  @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd")
  String optimizer;

  @Option(
      names = "--weight-decay",
      defaultValue = "0",
      description = "decoupled weight decay (adamw)")
  float weightDecay;

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum")
  float momentum;

  @Option(
      names = "--clip",
      defaultValue = "5",
      description = "global gradient-norm limit (0: none)")
  double clip;

  @Option(
      names = "--label-smoothing",
      defaultValue = "0",
      description = "share of the target probability spread over the vocabulary (default 0)")
  float labelSmoothing;

  @Option(
      names = "--schedule",
      defaultValue = "constant",
      description =
          "constant, warmup:N (linear warm-up over N updates), cosine or cosine:N (N warm-up"
              + " updates, then half a cosine down to 0 at the end of the last epoch)")
  String schedule;

  @Option(
      names = "--plateau-factor",
      defaultValue = "0.5",
      description = "learning rate multiplied by this on a dev plateau (1: never)")
  float plateauFactor;

  @Option(
      names = "--plateau-patience",
      defaultValue = "1",
      description = "epochs without dev improvement before the rate drops")
  int plateauPatience;

  @Option(names = "--patience", defaultValue = "3", description = "early stopping (0: never)")
  int patience;

  @Option(
      names = "--dev-metric-limit",
      defaultValue = "2000",
      description =
          "dev pairs decoded for the WER each epoch, evenly spaced over the dev file (default"
              + " 2000; all of them where the file has fewer)")
  int devMetricLimit;

  @Option(names = "--seed", defaultValue = "1", description = "model, data order and dropout")
  long seed;

  /** Trainer options from these, with {@code accumulate} batches per update and this seed. */
  public TrainOptions options(int accumulate, long runSeed) {
    return new TrainOptions(
        epochs,
        lr,
        optimizer,
        weightDecay,
        momentum,
        clip,
        labelSmoothing,
        schedule,
        plateauFactor,
        plateauPatience,
        accumulate,
        patience,
        runSeed);
  }

  /** {@code --seed}. */
  public long seed() {
    return seed;
  }

  /** {@code --dev-metric-limit}, refused naming the option where it is below 1. */
  public int devMetricLimit() {
    return checkDevMetricLimit(devMetricLimit);
  }

  /** {@code limit}, or an IllegalArgumentException naming {@code --dev-metric-limit} if < 1. */
  static int checkDevMetricLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          "--dev-metric-limit must be >= 1 (dev pairs decoded for the WER each epoch), got "
              + limit);
    }
    return limit;
  }
}
