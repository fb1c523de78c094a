package dev.rnn4j.backend.cpu;

import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Recycles off-heap blocks of closed tensors: a training step allocates the same shapes every time,
 * and reusing warm blocks saves malloc/munmap and the page faults of fresh memory (about a tenth of
 * a large LSTM step). Blocks are grouped by capacity (rounded up to 1,024 elements); at most {@code
 * maxCachedBytes} stay cached, the rest are freed. Thread-safe.
 *
 * <p><b>Checking mode</b> ({@code checking} true; the CPU backend's {@code rnn4j.cpu.checkMemory}):
 * each block is allocated with {@link #GUARD} canary words before and after it, and the pointer
 * handed out starts past the front canary. Both canaries are verified when the block comes back
 * ({@link #give}) and when the pool closes; a block given back twice is refused; a cached block is
 * filled with a poison word and verified when reused, which catches writes after close. A failure
 * throws {@link IllegalStateException} naming the owner (the tensor's shape) and its allocation
 * site, and the damaged block is left allocated rather than handed to malloc's free.
 */
final class CpuMemoryPool implements AutoCloseable {
  /** Canary floats before and after each block in checking mode (64 bytes: alignment is kept). */
  static final int GUARD = 16;

  /** The canary word (an ordinary float, -7.9998...; any write of data changes it). */
  static final int CANARY = 0xC0FFEE5A;

  /** The word a cached block is filled with in checking mode. */
  static final int POISON = 0xA5A5A5A5;

  private final long maxCachedBytes;
  private final boolean checking;
  private final Map<Long, ArrayDeque<FloatPointer>> free = new HashMap<>();
  private long cachedBytes;

  /** Checking mode: the blocks handed out and the cached ones, by the address handed out. */
  private final Map<Long, Guarded> taken = new HashMap<>();

  private final Map<Long, Guarded> cached = new HashMap<>();

  /** A block allocated with canaries: {@code raw} holds GUARD + cap + GUARD floats. */
  private static final class Guarded {
    final FloatPointer raw;
    final FloatPointer data;
    final long cap;
    String owner = "a block";
    Throwable site;

    Guarded(FloatPointer raw, long cap) {
      this.raw = raw;
      this.cap = cap;
      this.data = raw.getPointer(GUARD).capacity(cap);
    }
  }

  CpuMemoryPool(long maxCachedBytes) {
    this(maxCachedBytes, false);
  }

  CpuMemoryPool(long maxCachedBytes, boolean checking) {
    this.maxCachedBytes = maxCachedBytes;
    this.checking = checking;
  }

  /** Whether blocks carry canaries and owners (see the class comment). */
  boolean checking() {
    return checking;
  }

  static long capacityFor(long elements) {
    long n = Math.max(1, elements);
    return n < 1024 ? n : (n + 1023) & ~1023L;
  }

  /** A block of at least {@code elements} floats, contents undefined. */
  FloatPointer take(long elements) {
    return take(elements, "a block", null);
  }

  /**
   * A block of at least {@code elements} floats, contents undefined. In checking mode {@code owner}
   * (e.g. "tensor (4, 8) FLOAT32") and {@code site} (where it was allocated; may be null) appear in
   * failure messages.
   */
  synchronized FloatPointer take(long elements, String owner, Throwable site) {
    long cap = capacityFor(elements);
    ArrayDeque<FloatPointer> q = free.get(cap);
    FloatPointer p = null;
    if (q != null && !q.isEmpty()) {
      cachedBytes -= 4 * cap;
      p = q.pop();
    }
    if (!checking) {
      return p != null ? p : allocate(cap);
    }
    Guarded g;
    if (p != null) {
      g = cached.remove(p.address());
      String damage = damage(g, true);
      if (damage != null) {
        throw failure(g, damage + " while it was cached (written after close)");
      }
    } else {
      FloatPointer raw = allocate(cap + 2 * GUARD);
      g = new Guarded(raw, cap);
      fill(raw, 0, GUARD, CANARY);
      fill(raw, GUARD + cap, GUARD, CANARY);
    }
    g.owner = owner;
    g.site = site;
    taken.put(g.data.address(), g);
    return g.data;
  }

  private static FloatPointer allocate(long floats) {
    FloatPointer p = new FloatPointer(floats);
    if (p.isNull()) {
      throw new OutOfMemoryError("could not allocate " + 4 * floats + " bytes off-heap");
    }
    return p;
  }

  /** Returns a block from {@link #take}; frees it when the cache is full. */
  synchronized void give(FloatPointer p) {
    long cap = p.capacity();
    if (checking) {
      Guarded g = taken.remove(p.address());
      if (g == null) {
        Guarded c = cached.get(p.address());
        throw new IllegalStateException(
            "off-heap memory check: "
                + (c != null
                    ? c.owner + " was given back twice (double free)" + siteLine(c.site)
                    : "a block at 0x" + Long.toHexString(p.address()) + " was not handed out here")
                + "; close each tensor once, from one thread");
      }
      String damage = damage(g, false);
      if (damage != null) {
        throw failure(g, damage);
      }
      cap = g.cap;
      if (cachedBytes + 4 * cap > maxCachedBytes) {
        g.raw.close();
        return;
      }
      fill(g.raw, GUARD, cap, POISON);
      cached.put(g.data.address(), g);
    } else if (cachedBytes + 4 * cap > maxCachedBytes) {
      p.close();
      return;
    }
    cachedBytes += 4 * cap;
    free.computeIfAbsent(cap, k -> new ArrayDeque<>()).push(p);
  }

  synchronized long cachedBytes() {
    return cachedBytes;
  }

  /**
   * Frees the cached blocks. In checking mode first verifies every block, cached or still handed
   * out, and throws {@link IllegalStateException} listing the damaged ones (which stay allocated).
   */
  @Override
  public synchronized void close() {
    List<String> damaged = new ArrayList<>();
    IllegalStateException first = null;
    if (checking) {
      for (Guarded g : taken.values()) {
        String d = damage(g, false);
        if (d != null) {
          IllegalStateException e = failure(g, d);
          first = first == null ? e : first;
          damaged.add(e.getMessage());
        }
      }
      for (Guarded g : List.copyOf(cached.values())) {
        String d = damage(g, true);
        if (d != null) {
          IllegalStateException e = failure(g, d + " while it was cached (written after close)");
          first = first == null ? e : first;
          damaged.add(e.getMessage());
          cached.remove(g.data.address());
        }
      }
    }
    for (ArrayDeque<FloatPointer> q : free.values()) {
      for (FloatPointer p : q) {
        Guarded g = checking ? cached.remove(p.address()) : null;
        if (g != null) {
          g.raw.close();
        } else if (!checking) {
          p.close();
        }
      }
    }
    free.clear();
    cached.clear();
    cachedBytes = 0;
    if (first != null) {
      throw damaged.size() == 1
          ? first
          : new IllegalStateException(
              "off-heap memory check: " + damaged.size() + " damaged blocks:\n" + damaged, first);
    }
  }

  /** What is wrong with a block's canaries (and, if cached, its poison), or null when intact. */
  private static String damage(Guarded g, boolean poisoned) {
    IntBuffer words = new IntPointer(g.raw).asBuffer();
    int cap = (int) g.cap;
    for (int i = GUARD - 1; i >= 0; i--) {
      int w = words.get(i);
      if (w != CANARY) {
        return "the canary " + (GUARD - i) + " float(s) before the start was overwritten" + got(w);
      }
    }
    for (int i = 0; i < GUARD; i++) {
      int w = words.get(GUARD + cap + i);
      if (w != CANARY) {
        return "a write went past the end of its "
            + g.cap
            + " floats (the canary "
            + i
            + " float(s) past the end was overwritten"
            + got(w)
            + ")";
      }
    }
    if (poisoned) {
      for (int i = 0; i < cap; i++) {
        int w = words.get(GUARD + i);
        if (w != POISON) {
          return "float " + i + " of its " + g.cap + " was overwritten" + got(w);
        }
      }
    }
    return null;
  }

  private static String got(int w) {
    return String.format(": 0x%08x, %g", w, Float.intBitsToFloat(w));
  }

  private static IllegalStateException failure(Guarded g, String what) {
    return new IllegalStateException(
        "off-heap memory check: " + g.owner + ": " + what + siteLine(g.site), g.site);
  }

  private static String siteLine(Throwable site) {
    return site == null ? "" : "; allocated at " + AllocationSite.of(site);
  }

  private static void fill(FloatPointer p, long from, long n, int word) {
    IntBuffer words = new IntPointer(p).asBuffer();
    for (int i = (int) from; i < from + n; i++) {
      words.put(i, word);
    }
  }
}
