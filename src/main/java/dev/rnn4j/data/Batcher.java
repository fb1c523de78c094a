package dev.rnn4j.data;

import dev.rnn4j.util.CounterRng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Endless training batches, bucketed by length, reproducible from a seed.
 *
 * <p>Epoch {@code e} is planned from {@code (seed, e)} alone: the examples are shuffled, cut into
 * windows of {@code bucketWindow × batchSize}, each window is sorted by source length (then target
 * length, then shuffled order), cut into batches, and the batches of the whole epoch are shuffled.
 * Batches thus hold examples of similar length (little padding) in a random order. The last batch
 * of an epoch is smaller when the example count is not a multiple of the batch size.
 *
 * <p><b>Resuming.</b> {@link #position()} is the (epoch, batch) that {@link #next()} returns next.
 * A new batcher over the same examples with the same settings, moved there with {@link
 * #seek(Position)}, continues with exactly the batches the old one would have returned.
 *
 * <p>The shuffles draw from {@link CounterRng} (SplitMix64), so the order does not depend on the
 * JDK.
 *
 * <p>Thread-safety: not thread-safe (it has a position); use one per training loop.
 */
public final class Batcher {
  /**
   * A place in the stream of batches.
   *
   * @param epoch 0-based epoch
   * @param batch 0-based batch within the epoch, in [0, batchesPerEpoch)
   */
  public record Position(long epoch, int batch) {}

  private final List<Example> examples;
  private final int batchSize;
  private final int bucketWindow;
  private final long seed;
  private final int batchesPerEpoch;
  private long epoch;
  private int batch;
  private int[][] plan;
  private long planEpoch = -1;

  /**
   * A batcher at position (0, 0).
   *
   * @param examples the training set (not copied; do not change it while batching)
   * @param batchSize examples per batch (>= 1)
   * @param bucketWindow batches per length-sorting window (>= 1); 1 sorts only within a batch,
   *     larger values give less padding and less randomness
   * @param seed seed of the shuffles
   */
  public Batcher(List<Example> examples, int batchSize, int bucketWindow, long seed) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no examples to batch; is the training file empty?");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (bucketWindow < 1) {
      throw new IllegalArgumentException("bucketWindow must be >= 1, got " + bucketWindow);
    }
    this.examples = examples;
    this.batchSize = batchSize;
    this.bucketWindow = bucketWindow;
    this.seed = seed;
    this.batchesPerEpoch = (examples.size() + batchSize - 1) / batchSize;
  }

  /** Batches per epoch: ⌈examples / batchSize⌉. */
  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /** The position of the batch {@link #next()} returns. */
  public Position position() {
    return new Position(epoch, batch);
  }

  /**
   * Moves to {@code p}, e.g. a position saved in a checkpoint.
   *
   * @throws IllegalArgumentException if the epoch is negative or the batch outside the epoch
   */
  public void seek(Position p) {
    if (p.epoch() < 0 || p.batch() < 0 || p.batch() >= batchesPerEpoch) {
      throw new IllegalArgumentException(
          "position "
              + p
              + " is outside this batcher (epoch >= 0, batch in [0, "
              + batchesPerEpoch
              + ")); was the checkpoint made with another data set or batch size?");
    }
    epoch = p.epoch();
    batch = p.batch();
  }

  /** The batch at {@link #position()}; then advances, into the next epoch after the last batch. */
  public Batch next() {
    if (planEpoch != epoch) {
      plan = plan(epoch);
      planEpoch = epoch;
    }
    Batch b = Batch.of(examples, plan[batch]);
    if (++batch == batchesPerEpoch) {
      batch = 0;
      epoch++;
    }
    return b;
  }

  /** The example indices of every batch of epoch {@code e}, in the order they are returned. */
  int[][] plan(long e) {
    int n = examples.size();
    int[] srcLen = new int[n];
    int[] tgtLen = new int[n];
    for (int i = 0; i < n; i++) {
      srcLen[i] = examples.get(i).source().length;
      tgtLen[i] = examples.get(i).target().length;
    }
    return planEpoch(srcLen, tgtLen, batchSize, bucketWindow, seed, e);
  }

  /**
   * The batches of epoch {@code epoch} as example indices, from the examples' lengths alone:
   * exactly the batches, in the order, that a {@code Batcher(examples, batchSize, bucketWindow,
   * seed)} returns for that epoch when {@code sourceLengths[i]} and {@code targetLengths[i]} are
   * the lengths of example i. For planning where the examples themselves live elsewhere (e.g. on
   * the workers of a cluster, with only their lengths on the coordinator).
   *
   * @param sourceLengths (N) source length of each example, >= 1
   * @param targetLengths (N) target length of each example (without BOS/EOS), >= 0
   * @return ⌈N / batchSize⌉ arrays of example indices in [0, N)
   */
  public static int[][] planEpoch(
      int[] sourceLengths,
      int[] targetLengths,
      int batchSize,
      int bucketWindow,
      long seed,
      long epoch) {
    int n = sourceLengths.length;
    if (n == 0 || targetLengths.length != n) {
      throw new IllegalArgumentException(
          "need one source and one target length per example, at least one example; got "
              + n
              + " and "
              + targetLengths.length);
    }
    if (batchSize < 1 || bucketWindow < 1) {
      throw new IllegalArgumentException(
          "batchSize and bucketWindow must be >= 1, got " + batchSize + " and " + bucketWindow);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    int batches = (n + batchSize - 1) / batchSize;
    Draws rng = new Draws(CounterRng.bits(seed, epoch));
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Integer tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    // Stable sort keeps the shuffled order among equal lengths.
    Comparator<Integer> byLength =
        Comparator.comparingInt((Integer i) -> sourceLengths[i])
            .thenComparingInt(i -> targetLengths[i]);
    int window = (int) Math.min((long) bucketWindow * batchSize, n);
    for (int from = 0; from < n; from += window) {
      Arrays.sort(order, from, Math.min(n, from + window), byLength);
    }
    int[][] plan = new int[batches][];
    for (int b = 0; b < batches; b++) {
      int from = b * batchSize;
      int to = Math.min(n, from + batchSize);
      plan[b] = new int[to - from];
      for (int i = from; i < to; i++) {
        plan[b][i - from] = order[i];
      }
    }
    for (int i = batches - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int[] tmp = plan[i];
      plan[i] = plan[j];
      plan[j] = tmp;
    }
    return plan;
  }

  /**
   * Batches for evaluation or inference: every example once, sorted by source length (stable) and
   * cut into batches of {@code batchSize}; use {@link Batch#indices()} to put results back in
   * order.
   */
  public static List<Batch> evaluationBatches(List<Example> examples, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Integer[] order = new Integer[examples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> examples.get(i).source().length));
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      int[] idx = new int[to - from];
      for (int i = from; i < to; i++) {
        idx[i - from] = order[i];
      }
      out.add(Batch.of(examples, idx));
    }
    return out;
  }

  /**
   * Seeded draws: the i-th is {@link CounterRng#bits}(seed, i), SplitMix64, independent of the JDK.
   */
  static final class Draws {
    private final long seed;
    private long index;

    Draws(long seed) {
      this.seed = seed;
    }

    /**
     * Uniform in [0, bound) from 31 random bits, rejecting the biased tail (as java.util.Random).
     */
    int nextInt(int bound) {
      while (true) {
        int bits = (int) (CounterRng.bits(seed, index++) >>> 33);
        int val = bits % bound;
        if (bits - val + (bound - 1) >= 0) {
          return val;
        }
      }
    }
  }
}
