package dev.rnn4j.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape: a list of non-negative dimensions, row-major (the last dimension is
 * contiguous).
 */
public final class Shape {
  private final int[] dims;
  private final long numel;

  private Shape(int[] dims) {
    this.dims = dims;
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + ": dimension " + i + " is negative");
      }
      n = Math.multiplyExact(n, dims[i]);
    }
    this.numel = n;
  }

  /** A shape with the given dimensions; throws if any is negative. */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code i}; negative {@code i} counts from the end. */
  public int dim(int i) {
    int k = i < 0 ? dims.length + i : i;
    if (k < 0 || k >= dims.length) {
      throw new IndexOutOfBoundsException("dimension " + i + " of shape " + this);
    }
    return dims[k];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Total number of elements (the product of the dimensions). */
  public long numel() {
    return numel;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
