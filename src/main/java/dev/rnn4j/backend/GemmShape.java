package dev.rnn4j.backend;

import dev.rnn4j.tensor.Mat;

/**
 * The sizes of C = op(A) · op(B): op(A) (m, k), op(B) (k, n), C (m, n), checked once for every
 * backend.
 */
public record GemmShape(int m, int n, int k) {
  /** Validates the views and returns the sizes; the message names all three shapes. */
  public static GemmShape of(Mat a, boolean transA, Mat b, boolean transB, Mat c) {
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException(
          "gemm: op(A) is "
              + m
              + "x"
              + k
              + ", op(B) is "
              + kb
              + "x"
              + n
              + ", C is "
              + c.rows()
              + "x"
              + c.cols()
              + "; expected (M,K)·(K,N) -> (M,N)");
    }
    return new GemmShape(m, n, k);
  }
}
