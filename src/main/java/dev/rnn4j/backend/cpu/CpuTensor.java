package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A tensor in off-heap memory allocated by JavaCPP, read by oneDNN's sgemm in place and by Java
 * loops through a direct buffer view. Not thread-safe (see {@link Tensor}).
 */
final class CpuTensor implements Tensor {
  private final CpuBackend backend;
  private final Shape shape;
  private final DType dtype;
  private Pointer memory;
  private FloatPointer block; // the pooled allocation behind memory
  private FloatBuffer floats;
  private IntBuffer ints;

  CpuTensor(CpuBackend backend, DType dtype, Shape shape) {
    this(backend, dtype, shape, true);
  }

  /** A tensor whose elements are zero, or (zero false) whatever its recycled memory held. */
  CpuTensor(CpuBackend backend, DType dtype, Shape shape, boolean zero) {
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
    this.backend = backend;
    this.shape = shape;
    this.dtype = dtype;
    long n = Math.max(1, shape.numel());
    FloatPointer p = backend.pool().take(n);
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
    return memory == null;
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
    if (memory != null) {
      memory = null;
      floats = null;
      ints = null;
      backend.pool().give(block);
      block = null;
      backend.released(this);
    }
  }

  @Override
  public String toString() {
    return "CpuTensor" + shape + " " + dtype + (memory == null ? " (closed)" : "");
  }
}
