package dev.rnn4j.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Recycles off-heap blocks of closed tensors: a training step allocates the same shapes every time,
 * and reusing warm blocks saves malloc/munmap and the page faults of fresh memory (about a tenth of
 * a large LSTM step). Blocks are grouped by capacity (rounded up to 1,024 elements); at most {@code
 * maxCachedBytes} stay cached, the rest are freed. Thread-safe.
 */
final class CpuMemoryPool implements AutoCloseable {
  private final long maxCachedBytes;
  private final Map<Long, ArrayDeque<FloatPointer>> free = new HashMap<>();
  private long cachedBytes;

  CpuMemoryPool(long maxCachedBytes) {
    this.maxCachedBytes = maxCachedBytes;
  }

  static long capacityFor(long elements) {
    long n = Math.max(1, elements);
    return n < 1024 ? n : (n + 1023) & ~1023L;
  }

  /** A block of at least {@code elements} floats, contents undefined. */
  synchronized FloatPointer take(long elements) {
    long cap = capacityFor(elements);
    ArrayDeque<FloatPointer> q = free.get(cap);
    if (q != null && !q.isEmpty()) {
      cachedBytes -= 4 * cap;
      return q.pop();
    }
    FloatPointer p = new FloatPointer(cap);
    if (p.isNull()) {
      throw new OutOfMemoryError("could not allocate " + 4 * cap + " bytes off-heap");
    }
    return p;
  }

  /** Returns a block from {@link #take}; frees it when the cache is full. */
  synchronized void give(FloatPointer p) {
    long cap = p.capacity();
    if (cachedBytes + 4 * cap > maxCachedBytes) {
      p.close();
      return;
    }
    cachedBytes += 4 * cap;
    free.computeIfAbsent(cap, k -> new ArrayDeque<>()).push(p);
  }

  synchronized long cachedBytes() {
    return cachedBytes;
  }

  @Override
  public synchronized void close() {
    for (ArrayDeque<FloatPointer> q : free.values()) {
      for (FloatPointer p : q) {
        p.close();
      }
    }
    free.clear();
    cachedBytes = 0;
  }
}
