package dev.rnn4j.backend.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A caching device-memory allocator: freed blocks are kept in per-size-class lists and handed out
 * again, so a training step that allocates the same shapes as the previous one asks the driver for
 * nothing after warm-up ({@code cuMemAlloc}/{@code cuMemFree} synchronise the device and cost tens
 * of microseconds each).
 *
 * <p>Sizes are rounded up to a size class: a multiple of 512 bytes up to 1 MiB, above that a
 * multiple of 1/8 of the next lower power of two (at most 12.5 % waste). Blocks are never split or
 * merged; reuse needs the same size class. When the driver is out of memory, every cached block is
 * freed and the allocation retried once; if it still fails, {@link CudaOutOfMemoryException} says
 * how much was asked, how much is free and how much this allocator holds.
 *
 * <p>Reuse is safe without events because every operation runs on one stream (see {@link Device}):
 * work queued after the reuse runs after work queued before the free. Thread-safe.
 */
final class CachingAllocator implements AutoCloseable {
  private static final long SMALL = 1L << 20;
  private static final long SMALL_GRANULE = 512;

  private final Device device;
  private final Map<Long, ArrayDeque<Long>> cached = new HashMap<>(); // size class -> addresses
  private final Map<Long, Long> live = new HashMap<>(); // address -> size class
  private long liveBytes;
  private long cachedBytes;
  private long peakBytes;
  private long driverAllocs;
  private long driverFrees;
  private boolean closed;

  CachingAllocator(Device device) {
    this.device = device;
  }

  /** The size class holding {@code bytes} (at least one granule). */
  static long sizeClass(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative allocation size " + bytes);
    }
    long b = Math.max(bytes, 1);
    if (b <= SMALL) {
      return (b + SMALL_GRANULE - 1) / SMALL_GRANULE * SMALL_GRANULE;
    }
    long step = Long.highestOneBit(b) >>> 3;
    return (b + step - 1) / step * step;
  }

  /**
   * A block of at least {@code bytes}. {@code what} describes the request for the out-of-memory
   * message (e.g. the tensor's shape).
   */
  synchronized long allocate(long bytes, String what) {
    if (closed) {
      throw new IllegalStateException("the CUDA backend is closed");
    }
    long size = sizeClass(bytes);
    ArrayDeque<Long> list = cached.get(size);
    long address;
    if (list != null && !list.isEmpty()) {
      address = list.pop();
      cachedBytes -= size;
    } else {
      address = device.alloc(size);
      if (address == 0) {
        long released = cachedBytes;
        emptyCache();
        address = device.alloc(size);
        if (address == 0) {
          throw outOfMemory(size, what, released);
        }
      }
      driverAllocs++;
    }
    live.put(address, size);
    liveBytes += size;
    peakBytes = Math.max(peakBytes, liveBytes + cachedBytes);
    return address;
  }

  /** Returns a block to the cache (it is not freed to the driver); a no-op after {@link #close}. */
  synchronized void release(long address) {
    if (closed) {
      return; // close() has freed every block
    }
    Long size = live.remove(address);
    if (size == null) {
      throw new IllegalStateException(
          "release of device address 0x"
              + Long.toHexString(address)
              + " this allocator did not give out");
    }
    liveBytes -= size;
    cached.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    cachedBytes += size;
  }

  /** Frees every cached block to the driver. */
  synchronized void emptyCache() {
    RuntimeException first = null;
    for (ArrayDeque<Long> list : cached.values()) {
      while (!list.isEmpty()) {
        long a = list.pop();
        try {
          device.free(a);
          driverFrees++;
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    cached.clear();
    cachedBytes = 0;
    if (first != null) {
      throw first;
    }
  }

  private CudaOutOfMemoryException outOfMemory(long size, String what, long released) {
    long free = -1;
    long total = -1;
    try {
      long[] info = device.memoryInfo();
      free = info[0];
      total = info[1];
    } catch (RuntimeException e) {
      // keep -1: the message says "unknown"
    }
    String msg =
        "CUDA out of memory: asked for "
            + mib(size)
            + " for "
            + what
            + " on "
            + device.describe()
            + "; the driver reports "
            + (free < 0 ? "unknown" : mib(free))
            + " free of "
            + (total < 0 ? "unknown" : mib(total))
            + "; this backend holds "
            + mib(liveBytes)
            + " in "
            + live.size()
            + " live blocks and released "
            + mib(released)
            + " of cached blocks before retrying. Close tensors you no longer need or use"
            + " smaller batches.";
    return new CudaOutOfMemoryException(msg, size, free);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  /** Bytes in blocks handed out and not yet released. */
  synchronized long liveBytes() {
    return liveBytes;
  }

  /** Bytes in cached (free, not returned) blocks. */
  synchronized long cachedBytes() {
    return cachedBytes;
  }

  /** Largest live + cached total so far. */
  synchronized long peakBytes() {
    return peakBytes;
  }

  /** Number of {@code alloc} calls made to the driver so far (flat after warm-up). */
  synchronized long driverAllocations() {
    return driverAllocs;
  }

  /** Number of {@code free} calls made to the driver so far. */
  synchronized long driverFrees() {
    return driverFrees;
  }

  /**
   * Frees every block, cached and live, to the driver (later releases are no-ops). Keeps going when
   * a free fails and throws the first failure at the end.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    try {
      emptyCache();
    } catch (RuntimeException e) {
      first = e;
    }
    List<Long> addresses = new ArrayList<>(live.keySet());
    for (long a : addresses) {
      try {
        device.free(a);
        driverFrees++;
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
      liveBytes -= live.remove(a);
    }
    if (first != null) {
      throw first;
    }
  }
}
