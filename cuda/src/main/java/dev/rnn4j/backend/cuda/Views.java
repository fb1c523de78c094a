package dev.rnn4j.backend.cuda;

import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/** Device addresses of tensors and views, with the checks every launcher needs. */
final class Views {
  private Views() {}

  static CudaTensor cuda(Tensor t) {
    if (t instanceof CudaTensor c) {
      return c;
    }
    throw new IllegalArgumentException(
        "expected a tensor of the CUDA backend, got " + (t == null ? "null" : t.toString()));
  }

  /** Address of a FLOAT32 tensor's element 0. */
  static long floats(String op, Tensor t) {
    if (t.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          op + ": expected a FLOAT32 tensor, got INT32 " + t.shape());
    }
    return cuda(t).address();
  }

  /** Address of an INT32 tensor's element 0. */
  static long ints(String op, Tensor t) {
    if (t.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          op + ": expected an INT32 tensor, got FLOAT32 " + t.shape());
    }
    return cuda(t).address();
  }

  /** Address of a FLOAT32 view's element (0, 0). */
  static long of(String op, Mat m) {
    if (m.tensor().dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(op + ": expected a view of a FLOAT32 tensor, got " + m);
    }
    return cuda(m.tensor()).address(m.offset());
  }

  /** Address of a lengths tensor (INT32, {@code batch} entries), or 0 for null ("all T"). */
  static long lengths(String op, Tensor lengths, int batch) {
    if (lengths == null) {
      return 0;
    }
    if (lengths.numel() != batch) {
      throw new IllegalArgumentException(
          op + ": lengths has " + lengths.numel() + " entries for a batch of " + batch);
    }
    return ints(op, lengths);
  }

  static void sameSize(String op, Tensor a, Tensor b) {
    if (a.numel() != b.numel()) {
      throw new IllegalArgumentException(op + ": sizes differ, " + a.shape() + " vs " + b.shape());
    }
  }

  static void shape(String op, Mat m, int rows, int cols, String what) {
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException(
          op
              + ": "
              + what
              + " is "
              + m.rows()
              + "x"
              + m.cols()
              + ", expected "
              + rows
              + "x"
              + cols);
    }
  }

  /** (B, T, F) of a rank-3 tensor. */
  static int[] btf(String op, Tensor seq) {
    if (seq.shape().rank() != 3) {
      throw new IllegalArgumentException(op + ": expected a (B, T, F) tensor, got " + seq.shape());
    }
    return seq.shape().dims();
  }
}
