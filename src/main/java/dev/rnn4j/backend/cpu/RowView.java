package dev.rnn4j.backend.cpu;

import dev.rnn4j.tensor.Mat;
import java.nio.FloatBuffer;

/**
 * A strided (rows, N) view of a float buffer, the operand of the cell loops ({@link CellLoops}):
 * element (b, j) is {@code buf[offset + b·ld + j]}. Built once per op from a {@link Mat}, outside
 * the per-row loop, so the loops allocate nothing.
 */
record RowView(FloatBuffer buf, long offset, int ld) {
  /** The view of a matrix on the CPU backend. */
  static RowView of(Mat m) {
    return new RowView(CpuViews.f(m.tensor()), m.offset(), m.ld());
  }

  /** The buffer index of element (b, 0). */
  int row(int b) {
    return (int) (offset + (long) b * ld);
  }
}
