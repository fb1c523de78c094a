package dev.rnn4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits loops across a fixed pool of Java threads. Work below a size threshold runs on the calling
 * thread, so small steps pay no hand-off. The pool's threads never run while oneDNN's OpenMP
 * threads do (every call returns before the next starts), so the two never oversubscribe the cores.
 */
final class CpuParallel implements AutoCloseable {
  /** A loop body over the half-open range [from, to). */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  /** Elementwise work (in elements) below which a loop stays on the calling thread. */
  static final int MIN_PARALLEL_WORK = 16_384;

  private final int threads;
  private final ForkJoinPool pool; // threads - 1 workers; the caller runs one chunk itself

  CpuParallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
  }

  int threads() {
    return threads;
  }

  /**
   * Runs body over [0, n), split into at most {@code threads} chunks when {@code n * costPerItem}
   * is large enough to pay for the hand-off.
   */
  void forRange(int n, long costPerItem, RangeBody body) {
    if (n <= 0) {
      return;
    }
    int chunks = (int) Math.min(threads, Math.max(1, (long) n * costPerItem / MIN_PARALLEL_WORK));
    forChunks(n, Math.min(chunks, n), body);
  }

  /** Runs body over [0, n) in exactly {@code chunks} contiguous chunks (the caller runs one). */
  void forChunks(int n, int chunks, RangeBody body) {
    if (chunks <= 1 || pool == null) {
      body.run(0, n);
      return;
    }
    ForkJoinTask<?>[] others = new ForkJoinTask<?>[chunks - 1];
    for (int c = 1; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      others[c - 1] = pool.submit(() -> body.run(from, to));
    }
    RuntimeException failure = null;
    try {
      body.run(0, (int) ((long) n / chunks));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (ForkJoinTask<?> t : others) {
      try {
        t.join();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
