package dev.rnn4j.io;

import dev.rnn4j.tensor.Shape;

/**
 * A tensor held in a Java array on the host, row-major, as stored in a {@link SafeTensors} file.
 * The array is shared, not copied: do not modify it while the tensor is in use.
 *
 * <p>Thread-safety: immutable apart from the shared array; safe to share when nobody writes the
 * array.
 */
public final class HostTensor {
  /** Element types, named as in the safetensors header. */
  public enum Dtype {
    /** IEEE-754 single precision. */
    F32(4),
    /** Signed 32-bit integers. */
    I32(4),
    /** Signed 64-bit integers. */
    I64(8);

    private final int byteSize;

    Dtype(int byteSize) {
      this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
      return byteSize;
    }
  }

  private final Dtype dtype;
  private final Shape shape;
  private final Object data;

  private HostTensor(Dtype dtype, Shape shape, Object data, int length) {
    if (shape.numel() != length) {
      throw new IllegalArgumentException(
          "shape "
              + shape
              + " holds "
              + shape.numel()
              + " elements but the data array has "
              + length);
    }
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /** An F32 tensor; {@code data.length} must equal the product of {@code dims}. */
  public static HostTensor ofFloats(float[] data, int... dims) {
    return new HostTensor(Dtype.F32, Shape.of(dims), data, data.length);
  }

  /** An I32 tensor; {@code data.length} must equal the product of {@code dims}. */
  public static HostTensor ofInts(int[] data, int... dims) {
    return new HostTensor(Dtype.I32, Shape.of(dims), data, data.length);
  }

  /** An I64 tensor; {@code data.length} must equal the product of {@code dims}. */
  public static HostTensor ofLongs(long[] data, int... dims) {
    return new HostTensor(Dtype.I64, Shape.of(dims), data, data.length);
  }

  public Dtype dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  /** Number of bytes of the data: elements × element size. */
  public long byteSize() {
    return shape.numel() * dtype.byteSize();
  }

  /** The F32 data (shared); throws if this tensor has another type. */
  public float[] floats() {
    return (float[]) as(Dtype.F32, "floats()");
  }

  /** The I32 data (shared); throws if this tensor has another type. */
  public int[] ints() {
    return (int[]) as(Dtype.I32, "ints()");
  }

  /** The I64 data (shared); throws if this tensor has another type. */
  public long[] longs() {
    return (long[]) as(Dtype.I64, "longs()");
  }

  private Object as(Dtype wanted, String accessor) {
    if (dtype != wanted) {
      String right =
          switch (dtype) {
            case F32 -> "floats()";
            case I32 -> "ints()";
            case I64 -> "longs()";
          };
      throw new IllegalStateException(
          accessor + " on a " + dtype + " tensor " + shape + "; use " + right);
    }
    return data;
  }

  @Override
  public String toString() {
    return dtype + shape.toString();
  }
}
