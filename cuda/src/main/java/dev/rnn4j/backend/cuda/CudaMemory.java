package dev.rnn4j.backend.cuda;

import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA backend's memory (the twin of the CPU backend's {@code CpuMemory}): tensors from the
 * {@link CachingAllocator}, the set of those still open, transfers between host and device,
 * whole-tensor copies and fills, and closing every open tensor when the backend closes. Tensors
 * name the backend, not this class, as their owner. Thread-safe: the allocator is guarded and the
 * set is concurrent.
 */
final class CudaMemory {
  private final CudaBackend backend;
  private final Device device;
  private final CachingAllocator allocator;
  private final Set<CudaTensor> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  CudaMemory(CudaBackend backend, Device device, CachingAllocator allocator) {
    this.backend = backend;
    this.device = device;
    this.allocator = allocator;
  }

  /** Number of tensors allocated and not yet closed (for leak checks). */
  int liveTensors() {
    return live.size();
  }

  void released(CudaTensor t, long address) {
    if (live.remove(t)) {
      allocator.release(address);
    }
  }

  boolean closed() {
    return closed;
  }

  /**
   * Marks the memory closed (later allocations throw) and closes every tensor still open; keeps
   * going when one fails and returns the first failure, or null.
   */
  RuntimeException closeTensors() {
    closed = true;
    RuntimeException first = null;
    for (CudaTensor t : new ArrayList<>(live)) {
      try {
        t.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    return first;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the CUDA backend is closed");
    }
  }

  private CudaTensor allocate(DType dtype, Shape shape) {
    checkOpen();
    if (shape.numel() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensor "
              + shape
              + " has "
              + shape.numel()
              + " elements; a tensor holds at most "
              + Integer.MAX_VALUE);
    }
    long bytes = 4 * Math.max(1, shape.numel());
    long address = allocator.allocate(bytes, dtype + " tensor " + shape);
    CudaTensor t = new CudaTensor(backend, dtype, shape, address);
    live.add(t);
    return t;
  }

  Tensor zeros(DType dtype, Shape shape) {
    CudaTensor t = allocate(dtype, shape);
    try {
      device.fill32(t.address(), 0, Math.max(1, shape.numel()));
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  Tensor upload(float[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "upload: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    CudaTensor t = allocate(DType.FLOAT32, s);
    try {
      if (data.length > 0) {
        device.copyToDevice(t.address(), data, data.length);
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  Tensor uploadInts(int[] data, int... dims) {
    Shape s = Shape.of(dims);
    if (data.length != s.numel()) {
      throw new IllegalArgumentException(
          "uploadInts: " + data.length + " values do not fill shape " + s + " (" + s.numel() + ")");
    }
    CudaTensor t = allocate(DType.INT32, s);
    try {
      if (data.length > 0) {
        device.copyToDevice(t.address(), data, data.length);
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  float[] download(Tensor t) {
    float[] out = new float[(int) t.numel()];
    long src = Views.floats("download", t);
    if (out.length > 0) {
      device.copyToHost(out, src, out.length);
    }
    return out;
  }

  int[] downloadInts(Tensor t) {
    int[] out = new int[(int) t.numel()];
    long src = Views.ints("downloadInts", t);
    if (out.length > 0) {
      device.copyToHost(out, src, out.length);
    }
    return out;
  }

  void copy(Tensor src, Tensor dst) {
    Views.sameSize("copy", src, dst);
    if (src.dtype() != dst.dtype()) {
      throw new IllegalArgumentException("copy: " + src.dtype() + " into " + dst.dtype());
    }
    if (src.numel() > 0) {
      device.copyOnDevice(Views.cuda(dst).address(), Views.cuda(src).address(), 4 * src.numel());
    }
  }

  void fill(Tensor x, float value) {
    if (x.numel() > 0) {
      device.fill32(Views.floats("fill", x), Float.floatToRawIntBits(value), x.numel());
    }
  }
}
