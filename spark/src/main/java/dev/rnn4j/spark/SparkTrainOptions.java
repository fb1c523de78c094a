package dev.rnn4j.spark;

import dev.rnn4j.train.TrainOptions;

/**
 * Options of {@link SparkTrainer}.
 *
 * @param train the single-process options (optimizer, learning rate and schedule, clipping, label
 *     smoothing, plateau decay, early stopping, epochs, seed); {@code accumulate} must be 1 (the
 *     global batch is already split over the executors; use a larger batch instead)
 * @param batchSize global batch size: examples per update, over all executors together
 * @param bucketWindow batches per length-sorting window of the batch plan (the CLI uses 50)
 * @param mode {@link Mode#SYNC} (exact) or {@link Mode#AVERAGING}
 * @param averagingFrequency AVERAGING: local steps between two averagings (k >= 1)
 * @param backend executors' backend: cpu, cuda or auto
 * @param treeFanIn partial sums added per tree node (>= 2); the driver receives at most this many
 * @param checkpointEvery also save the "last" checkpoint every this many steps (0: at epoch ends
 *     only, as single-process training)
 */
public record SparkTrainOptions(
    TrainOptions train,
    int batchSize,
    int bucketWindow,
    Mode mode,
    int averagingFrequency,
    String backend,
    int treeFanIn,
    int checkpointEvery) {

  /** How executors' work is combined. */
  public enum Mode {
    /**
     * Synchronous gradient averaging: every step, each executor computes the gradient of its part
     * of the global batch at the driver's parameters (token-weighted: each token's gradient is
     * divided by the global batch's token count), the sums are added, and the driver clips and
     * applies the optimizer once. Equals single-process training on the same batches within float
     * summation order, when dropout is 0.
     */
    SYNC,
    /**
     * Parameter averaging (as DL4J's ParameterAveragingTrainingMaster): each executor takes k local
     * optimizer steps on its part of k global batches, then parameters and Adam moments are
     * averaged over the executors (SGD momentum buffers are not: they restart each round). k times
     * fewer rounds; not equal to single-process training (except with one partition).
     */
    AVERAGING
  }

  public SparkTrainOptions {
    if (train == null) {
      throw new IllegalArgumentException("train options are null; use TrainOptions.defaults()");
    }
    if (train.accumulate() != 1) {
      throw new IllegalArgumentException(
          "accumulate must be 1 with rnn4j-spark, got "
              + train.accumulate()
              + "; the global batch is split over the executors, so raise the batch size instead");
    }
    if (batchSize < 1 || bucketWindow < 1) {
      throw new IllegalArgumentException(
          "batch size and bucket window must be >= 1, got " + batchSize + " and " + bucketWindow);
    }
    if (mode == null) {
      throw new IllegalArgumentException("mode is null; use SYNC or AVERAGING");
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException(
          "averaging frequency must be >= 1 local steps, got " + averagingFrequency);
    }
    if (!java.util.List.of("cpu", "cuda", "auto").contains(backend)) {
      throw new IllegalArgumentException(
          "unknown backend '" + backend + "'; use cpu, cuda or auto");
    }
    if (treeFanIn < 2) {
      throw new IllegalArgumentException("tree fan-in must be >= 2, got " + treeFanIn);
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException(
          "checkpoint interval must be >= 0 steps, got " + checkpointEvery);
    }
  }

  /** Synchronous mode, bucket window 50, CPU executors, fan-in 8, checkpoints at epoch ends. */
  public static SparkTrainOptions sync(TrainOptions train, int batchSize) {
    return new SparkTrainOptions(train, batchSize, 50, Mode.SYNC, 1, "cpu", 8, 0);
  }

  public SparkTrainOptions withMode(Mode m, int k) {
    return new SparkTrainOptions(
        train, batchSize, bucketWindow, m, k, backend, treeFanIn, checkpointEvery);
  }

  public SparkTrainOptions withBackend(String b) {
    return new SparkTrainOptions(
        train, batchSize, bucketWindow, mode, averagingFrequency, b, treeFanIn, checkpointEvery);
  }

  public SparkTrainOptions withCheckpointEvery(int steps) {
    return new SparkTrainOptions(
        train, batchSize, bucketWindow, mode, averagingFrequency, backend, treeFanIn, steps);
  }

  public SparkTrainOptions withBucketWindow(int w) {
    return new SparkTrainOptions(
        train, batchSize, w, mode, averagingFrequency, backend, treeFanIn, checkpointEvery);
  }

  public SparkTrainOptions withTreeFanIn(int f) {
    return new SparkTrainOptions(
        train, batchSize, bucketWindow, mode, averagingFrequency, backend, f, checkpointEvery);
  }
}
