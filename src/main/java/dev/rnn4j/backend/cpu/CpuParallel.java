package dev.rnn4j.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits loops across a fixed set of Java threads: the caller runs the first chunk, {@code threads
 * - 1} workers run the others. Workers spin briefly after each region before parking, so the many
 * short regions of a recurrent time loop (a GEMM and a cell per step) do not each pay a thread
 * wake-up. Work below a size threshold stays on the calling thread. One region runs at a time; a
 * caller that finds the workers busy (another thread's region) runs its loop alone. oneDNN runs
 * single-threaded beside it (OMP_NUM_THREADS=1), so the cores are never oversubscribed.
 */
final class CpuParallel implements AutoCloseable {
  /** A loop body over the half-open range [from, to). */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  /** Elementwise work (in elements) below which a loop stays on the calling thread. */
  static final int MIN_PARALLEL_WORK = 16_384;

  /** How long an idle worker spins for the next region before parking. */
  private static final long SPIN_NANOS = 200_000;

  private final int threads;
  private final Thread[] workers;
  private final ReentrantLock region = new ReentrantLock();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean shutdown;
  private volatile long generation;
  private volatile RangeBody body;
  private volatile int n;
  private volatile int chunks;
  private volatile RuntimeException failure;

  CpuParallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int w = 0; w < workers.length; w++) {
      int chunk = w + 1;
      workers[w] = new Thread(() -> work(chunk), "rnn4j-cpu-" + chunk);
      workers[w].setDaemon(true);
      workers[w].start();
    }
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
    int c = (int) Math.min(threads, Math.max(1, (long) n * costPerItem / MIN_PARALLEL_WORK));
    forChunks(n, Math.min(c, n), body);
  }

  private static int bound(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  /** Runs body over [0, n) in {@code chunks} (at most {@code threads}) contiguous chunks. */
  void forChunks(int n, int chunks, RangeBody body) {
    chunks = Math.min(chunks, threads);
    // Inline when small, when nested inside a region of this thread, or when another thread's
    // region holds the workers.
    if (chunks <= 1 || region.isHeldByCurrentThread() || !region.tryLock()) {
      body.run(0, n);
      return;
    }
    try {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.failure = null;
      pending.set(chunks - 1);
      generation++; // publishes the fields above to the workers
      for (int w = 0; w < chunks - 1; w++) {
        LockSupport.unpark(workers[w]);
      }
      RuntimeException mine = null;
      try {
        body.run(0, bound(n, chunks, 1));
      } catch (RuntimeException e) {
        mine = e;
      }
      while (pending.get() > 0) {
        Thread.onSpinWait();
      }
      this.body = null;
      RuntimeException theirs = failure;
      if (mine != null) {
        throw mine;
      }
      if (theirs != null) {
        throw theirs;
      }
    } finally {
      region.unlock();
    }
  }

  private void work(int chunk) {
    long seen = 0;
    while (!shutdown) {
      long g = generation;
      if (g != seen) {
        seen = g;
        int c = chunks;
        if (chunk < c) {
          try {
            body.run(bound(n, c, chunk), bound(n, c, chunk + 1));
          } catch (RuntimeException e) {
            failure = e;
          } finally {
            pending.decrementAndGet();
          }
        }
        continue;
      }
      long until = System.nanoTime() + SPIN_NANOS;
      while (generation == seen && !shutdown && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      if (generation == seen && !shutdown) {
        LockSupport.park(this);
      }
    }
  }

  @Override
  public void close() {
    shutdown = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
