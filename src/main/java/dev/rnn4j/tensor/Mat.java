package dev.rnn4j.tensor;

/**
 * A 2-D row-major view into a tensor: element (r, c) lives at {@code offset + r * ld + c}. Views
 * cost nothing and hold no memory; they let one primitive work on a time step of a (B, T, F)
 * sequence (offset {@code t * F}, {@code ld = T * F}) without copying.
 *
 * @param tensor the tensor viewed
 * @param offset element offset of (0, 0)
 * @param rows number of rows
 * @param cols number of columns
 * @param ld leading dimension: elements between the starts of consecutive rows ({@code >= cols})
 */
public record Mat(Tensor tensor, long offset, int rows, int cols, int ld) {
  public Mat {
    if (tensor == null) {
      throw new NullPointerException("Mat: tensor is null");
    }
    if (rows < 0 || cols < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "Mat: rows, cols and offset must be >= 0, got rows="
              + rows
              + " cols="
              + cols
              + " offset="
              + offset);
    }
    if (ld < cols) {
      throw new IllegalArgumentException("Mat: ld " + ld + " is smaller than cols " + cols);
    }
    long last = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
    if (last > tensor.numel()) {
      throw new IllegalArgumentException(
          "Mat: view rows="
              + rows
              + " cols="
              + cols
              + " ld="
              + ld
              + " offset="
              + offset
              + " reaches element "
              + last
              + " of a tensor with only "
              + tensor.numel()
              + " elements "
              + tensor.shape());
    }
  }

  /** The whole tensor as a matrix: the last dimension is the columns, the rest are rows. */
  public static Mat of(Tensor t) {
    Shape s = t.shape();
    int cols = s.rank() == 0 ? 1 : s.dim(-1);
    long rows = cols == 0 ? 0 : s.numel() / cols;
    return new Mat(t, 0, Math.toIntExact(rows), cols, Math.max(cols, 1));
  }

  /** Time step {@code t} of a (B, T, F) tensor: a (B, F) view with ld {@code T * F}. */
  public static Mat step(Tensor seq, int t) {
    Shape s = seq.shape();
    if (s.rank() != 3) {
      throw new IllegalArgumentException("Mat.step: expected a (B, T, F) tensor, got " + s);
    }
    int steps = s.dim(1);
    int f = s.dim(2);
    if (t < 0 || t >= steps) {
      throw new IndexOutOfBoundsException("Mat.step: step " + t + " of " + steps);
    }
    return new Mat(seq, (long) t * f, s.dim(0), f, steps * f);
  }

  /** Columns {@code [from, from + n)} of this view. */
  public Mat cols(int from, int n) {
    if (from < 0 || n < 0 || from + n > cols) {
      throw new IndexOutOfBoundsException(
          "Mat.cols: [" + from + ", " + (from + n) + ") of " + cols + " columns");
    }
    return new Mat(tensor, offset + from, rows, n, ld);
  }

  /** Rows {@code [from, from + n)} of this view. */
  public Mat rows(int from, int n) {
    if (from < 0 || n < 0 || from + n > rows) {
      throw new IndexOutOfBoundsException(
          "Mat.rows: [" + from + ", " + (from + n) + ") of " + rows + " rows");
    }
    return new Mat(tensor, offset + (long) from * ld, n, cols, ld);
  }

  @Override
  public String toString() {
    return "Mat[" + rows + "x" + cols + ", ld=" + ld + ", offset=" + offset + "]";
  }
}
