package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;

/**
 * A tensor in device memory: a block from the backend's {@link CachingAllocator}, row-major, 4
 * bytes per element. Closing returns the block to the cache. Not thread-safe (see {@link Tensor}).
 */
final class CudaTensor implements Tensor {
  private final CudaBackend backend;
  private final Shape shape;
  private final DType dtype;
  private final long address;
  private volatile boolean closed;

  CudaTensor(CudaBackend backend, DType dtype, Shape shape, long address) {
    this.backend = backend;
    this.shape = shape;
    this.dtype = dtype;
    this.address = address;
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
    return closed;
  }

  /** Device address of element 0; throws if closed. */
  long address() {
    if (closed) {
      throw new IllegalStateException("tensor " + shape + " " + dtype + " is closed");
    }
    return address;
  }

  /** Device address of element {@code index}. */
  long address(long index) {
    return address() + 4 * index;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      backend.released(this, address);
    }
  }

  @Override
  public String toString() {
    return "CudaTensor" + shape + " " + dtype + (closed ? " (closed)" : "");
  }
}
