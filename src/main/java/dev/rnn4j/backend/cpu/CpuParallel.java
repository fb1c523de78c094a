package dev.rnn4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

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
  private final ForkJoinPool pool;

  CpuParallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
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
    chunks = Math.min(chunks, n);
    if (chunks <= 1 || pool == null) {
      body.run(0, n);
      return;
    }
    pool.invoke(new Chunk(body, n, chunks, 0, chunks));
  }

  private static final class Chunk extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient RangeBody body;
    private final int n;
    private final int chunks;
    private final int lo;
    private final int hi;

    Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        body.run((int) ((long) n * lo / chunks), (int) ((long) n * hi / chunks));
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
