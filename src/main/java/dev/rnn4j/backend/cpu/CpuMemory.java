package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.f;
import static dev.rnn4j.backend.cpu.CpuViews.i;
import static dev.rnn4j.backend.cpu.CpuViews.sameSize;

import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU backend's memory (the twin of the CUDA backend's {@code CudaMemory}): tensors allocated
 * from the {@link CpuMemoryPool}, the set of those still open, transfers from and to the heap,
 * whole-tensor copies and fills, and the release of every open tensor when the backend closes.
 * Tensors name the backend, not this class, as their owner. Thread-safe for calls on disjoint
 * tensors.
 */
final class CpuMemory {
  /** The backend's logger: the warning is about the backend's close. */
  private static final Logger LOG = LoggerFactory.getLogger(CpuBackend.class);

  private final CpuBackend backend;

  /**
   * Off-heap blocks. {@link dev.rnn4j.backend.CpuOptions#checkMemory} turns on its checking mode:
   * canaries around every tensor, verified at close and at backend close, double closes refused,
   * allocation sites recorded (see {@link CpuMemoryPool}, {@link #openTensors}).
   */
  private final CpuMemoryPool pool;

  private final Set<CpuTensor> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  CpuMemory(CpuBackend backend, CpuMemoryPool pool) {
    this.backend = backend;
    this.pool = pool;
  }

  /** The backend that owns the tensors. */
  CpuBackend backend() {
    return backend;
  }

  /** Number of tensors allocated and not yet closed (for leak checks). */
  int liveTensors() {
    return live.size();
  }

  /** The tensors still open, with their allocation sites in checking mode. */
  OpenTensorReport openTensors() {
    return OpenTensorReport.of(new ArrayList<>(live));
  }

  void released(CpuTensor t) {
    live.remove(t);
  }

  CpuMemoryPool pool() {
    return pool;
  }

  boolean closed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the CPU backend is closed");
    }
  }

  Tensor zeros(DType dtype, Shape shape) {
    checkOpen();
    CpuTensor t = new CpuTensor(this, dtype, shape);
    live.add(t);
    return t;
  }

  /** A FLOAT32 tensor of n elements left uninitialised, for buffers a kernel overwrites. */
  Tensor scratch(long n) {
    checkOpen();
    CpuTensor t = new CpuTensor(this, DType.FLOAT32, Shape.of((int) Math.max(1, n)), false);
    live.add(t);
    return t;
  }

  Tensor upload(float[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "upload: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    Tensor t = zeros(DType.FLOAT32, s);
    f(t).put(0, data);
    return t;
  }

  Tensor uploadInts(int[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "uploadInts: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    Tensor t = zeros(DType.INT32, s);
    i(t).put(0, data);
    return t;
  }

  float[] download(Tensor t) {
    float[] out = new float[(int) t.numel()];
    f(t).get(0, out);
    return out;
  }

  int[] downloadInts(Tensor t) {
    int[] out = new int[(int) t.numel()];
    i(t).get(0, out);
    return out;
  }

  void copy(Tensor src, Tensor dst) {
    sameSize("copy", src, dst);
    if (src.dtype() != dst.dtype()) {
      throw new IllegalArgumentException("copy: " + src.dtype() + " into " + dst.dtype());
    }
    if (src.dtype() == DType.FLOAT32) {
      f(dst).put(0, f(src), 0, (int) src.numel());
    } else {
      i(dst).put(0, i(src), 0, (int) src.numel());
    }
  }

  /**
   * Marks the memory closed (later allocations throw), releases every tensor still open and closes
   * the pool. In checking mode it first logs the open tensors, and a damaged block (its canaries
   * overwritten) does not stop the others from being released: the first such failure is thrown at
   * the end.
   */
  void close() {
    closed = true;
    if (pool.checking() && !live.isEmpty()) {
      LOG.warn("rnn4j: CPU backend closed with {}", openTensors());
    }
    IllegalStateException damaged = null;
    for (CpuTensor t : new ArrayList<>(live)) {
      try {
        t.release(true);
      } catch (IllegalStateException e) { // checking mode: a damaged block; close the rest
        damaged = damaged == null ? e : damaged;
      }
    }
    pool.close();
    if (damaged != null) {
      throw damaged;
    }
  }
}
