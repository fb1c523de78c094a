package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A tensor in off-heap memory allocated by JavaCPP, read by oneDNN's sgemm in place and by Java
 * loops through a direct buffer view. Not thread-safe (see {@link Tensor}), except that its memory
 * goes back to the pool exactly once even when two threads close it at the same time.
 *
 * <p>In the backend's checking mode ({@code rnn4j.cpu.checkMemory}) the tensor records where it was
 * allocated and where it was first closed; a second close by its user throws {@link
 * IllegalStateException} naming both (a close by {@link CpuBackend#close} of a tensor still open
 * does not count), and the pool checks the canaries around its memory (see {@link CpuMemoryPool}).
 */
final class CpuTensor implements Tensor {
  private final CpuBackend backend;
  private final CpuMemory store; // where it was allocated; its block goes back there
  private final Shape shape;
  private final DType dtype;
  private Pointer memory;
  private FloatPointer block; // the pooled allocation behind memory
  private FloatBuffer floats;
  private IntBuffer ints;
  private final AtomicBoolean released = new AtomicBoolean();
  private final Throwable site; // checking mode: where it was allocated, else null
  private Throwable closeSite; // checking mode: where it was first closed (null: by the backend)

  CpuTensor(CpuMemory store, DType dtype, Shape shape) {
    this(store, dtype, shape, true);
  }

  /** A tensor whose elements are zero, or (zero false) whatever its recycled memory held. */
  CpuTensor(CpuMemory store, DType dtype, Shape shape, boolean zero) {
    if (shape.numel() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor "
              + shape
              + " has "
              + shape.numel()
              + " elements; the CPU backend holds at most "
              + Integer.MAX_VALUE
              + " per tensor");
    }
    this.backend = store.backend();
    this.store = store;
    this.shape = shape;
    this.dtype = dtype;
    long n = Math.max(1, shape.numel());
    CpuMemoryPool pool = store.pool();
    site = pool.checking() ? new Throwable("tensor allocated here") : null;
    FloatPointer p =
        site == null ? pool.take(n) : pool.take(n, "tensor " + shape + " " + dtype, site);
    if (zero) {
      Pointer.memset(p, 0, 4 * n);
    }
    block = p;
    if (dtype == DType.FLOAT32) {
      memory = p;
      floats = p.asBuffer();
    } else {
      IntPointer ip = new IntPointer(p);
      memory = ip;
      ints = ip.asBuffer();
    }
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public boolean isClosed() {
    return released.get();
  }

  /** Where the tensor was allocated (checking mode), else null. */
  Throwable allocationSite() {
    return site;
  }

  /** The FLOAT32 elements as a direct buffer (absolute indexing only). */
  FloatBuffer floats() {
    if (memory == null) {
      throw new IllegalStateException("tensor " + shape + " is closed");
    }
    if (floats == null) {
      throw new IllegalArgumentException("expected a FLOAT32 tensor, got INT32 " + shape);
    }
    return floats;
  }

  /** The INT32 elements as a direct buffer (absolute indexing only). */
  IntBuffer ints() {
    if (memory == null) {
      throw new IllegalStateException("tensor " + shape + " is closed");
    }
    if (ints == null) {
      throw new IllegalArgumentException("expected an INT32 tensor, got FLOAT32 " + shape);
    }
    return ints;
  }

  /** The whole allocation (either element type), for memset. */
  FloatPointer block() {
    if (memory == null) {
      throw new IllegalStateException("tensor " + shape + " is closed");
    }
    return block;
  }

  /** The native memory, for sgemm. */
  FloatPointer pointer() {
    floats();
    return block;
  }

  @Override
  public void close() {
    release(false);
  }

  /** Closes the tensor; {@code byBackend}: as part of closing the backend. */
  void release(boolean byBackend) {
    if (!released.compareAndSet(false, true)) {
      if (site != null && !byBackend && closeSite != null) {
        throw new IllegalStateException(
            "off-heap memory check: tensor "
                + shape
                + " "
                + dtype
                + " closed twice: first closed at "
                + AllocationSite.of(closeSite)
                + ", allocated at "
                + AllocationSite.of(site)
                + "; close each tensor once (the first close's stack trace is the cause)",
            closeSite);
      }
      return;
    }
    if (site != null && !byBackend) {
      closeSite = new Throwable("tensor first closed here");
    }
    FloatPointer b = block;
    memory = null;
    floats = null;
    ints = null;
    block = null;
    store.released(this);
    store.pool().give(b);
  }

  @Override
  public String toString() {
    return "CpuTensor" + shape + " " + dtype + (memory == null ? " (closed)" : "");
  }
}
