package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuViews.f;
import static dev.rnn4j.backend.cpu.CpuViews.lens;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The CPU twin of {@code CudaCells} ({@code cuda/rnn.cu}, {@code lstm.cu}, {@code gru.cu}): checks
 * the views' shapes, then runs one cell step over rows × blocks of {@value #COL_BLOCK} columns,
 * split over {@link CpuParallel}. The loops are {@link CellLoops}: {@link VecCells} (the default)
 * or {@link ExactCells} (the reference), as {@code CpuOptions.activations} chose; the backward
 * passes of the RNN and GRU cells are {@link ExactCells}' in both cases. Formulas, padding rules
 * and what accumulates are those of {@link dev.rnn4j.backend.Backend}.
 */
final class CpuCells {
  /** Columns of one work unit in the per-step cell loops. */
  private static final int COL_BLOCK = 128;

  private final CpuParallel parallel;

  /** The cells' tanh and σ: {@link VecCells} or {@link ExactCells}. */
  private final CellLoops loops;

  CpuCells(CpuParallel parallel, CellLoops loops) {
    this.parallel = parallel;
    this.loops = loops;
  }

  /** Runs body over rows × column blocks of width COL_BLOCK, in parallel when large enough. */
  private void forCells(int rows, int cols, int costPerElement, CellBody body) {
    int blocks = (cols + COL_BLOCK - 1) / COL_BLOCK;
    parallel.forRange(
        rows * blocks,
        (long) Math.min(cols, COL_BLOCK) * costPerElement,
        (lo, hi) -> {
          for (int u = lo; u < hi; u++) {
            int b = u / blocks;
            int j0 = (u % blocks) * COL_BLOCK;
            body.run(b, j0, Math.min(cols, j0 + COL_BLOCK));
          }
        });
  }

  @FunctionalInterface
  private interface CellBody {
    void run(int b, int j0, int j1);
  }

  private static void checkCell(String op, Mat m, int rows, int cols, String what) {
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

  void rnnForward(Activation act, Mat pre, Tensor biasHh, Mat h, Tensor lengths, int t) {
    int rows = pre.rows();
    int hid = pre.cols();
    checkCell("rnnCellForward", h, rows, hid, "h");
    RowView p = RowView.of(pre);
    FloatBuffer bias = f(biasHh);
    RowView hs = RowView.of(h);
    IntBuffer lens = lens(lengths);
    forCells(rows, hid, 4, (b, j0, j1) -> loops.rnnForward(act, p, bias, hs, lens, t, b, j0, j1));
  }

  void rnnBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t) {
    int rows = h.rows();
    int hid = h.cols();
    checkCell("rnnCellBackward", dh, rows, hid, "dh");
    checkCell("rnnCellBackward", dPre, rows, hid, "dPre");
    RowView hs = RowView.of(h);
    RowView dhs = RowView.of(dh);
    RowView dps = RowView.of(dPre);
    IntBuffer lens = lens(lengths);
    forCells(
        rows, hid, 1, (b, j0, j1) -> ExactCells.rnnBackward(act, hs, dhs, dps, lens, t, b, j0, j1));
  }

  void lstmForward(Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    checkCell("lstmCellForward", gates, rows, 4 * hid, "gates");
    checkCell("lstmCellForward", cPrev, rows, hid, "cPrev");
    checkCell("lstmCellForward", c, rows, hid, "c");
    checkCell("lstmCellForward", h, rows, hid, "h");
    RowView g = RowView.of(gates);
    FloatBuffer bias = f(biasHh);
    RowView cp = RowView.of(cPrev);
    RowView cs = RowView.of(c);
    RowView hs = RowView.of(h);
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) -> loops.lstmForward(g, bias, hid, cp, cs, hs, lens, t, b, j0, j1));
  }

  void lstmBackward(
      Mat gates, Mat c, Mat cPrev, Mat dh, Tensor dc, Mat dGates, Tensor lengths, int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    checkCell("lstmCellBackward", c, rows, hid, "c");
    checkCell("lstmCellBackward", cPrev, rows, hid, "cPrev");
    checkCell("lstmCellBackward", dh, rows, hid, "dh");
    checkCell("lstmCellBackward", dGates, rows, 4 * hid, "dGates");
    if (dc.numel() != (long) rows * hid) {
      throw new IllegalArgumentException(
          "lstmCellBackward: dc " + dc.shape() + " is not (" + rows + ", " + hid + ")");
    }
    RowView g = RowView.of(gates);
    RowView cs = RowView.of(c);
    RowView cp = RowView.of(cPrev);
    RowView dhs = RowView.of(dh);
    FloatBuffer dcs = f(dc);
    RowView dg = RowView.of(dGates);
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        10,
        (b, j0, j1) -> loops.lstmBackward(g, hid, cs, cp, dhs, dcs, dg, lens, t, b, j0, j1));
  }

  void gruForward(
      Mat xGates, Mat hGates, Tensor biasHh, Mat hPrev, Mat h, Mat saved, Tensor lengths, int t) {
    int rows = xGates.rows();
    int hid = xGates.cols() / 3;
    checkCell("gruCellForward", xGates, rows, 3 * hid, "xGates");
    checkCell("gruCellForward", hGates, rows, 3 * hid, "hGates");
    checkCell("gruCellForward", hPrev, rows, hid, "hPrev");
    checkCell("gruCellForward", h, rows, hid, "h");
    checkCell("gruCellForward", saved, rows, 4 * hid, "saved");
    RowView xg = RowView.of(xGates);
    RowView hg = RowView.of(hGates);
    FloatBuffer bias = f(biasHh);
    RowView hp = RowView.of(hPrev);
    RowView hs = RowView.of(h);
    RowView ss = RowView.of(saved);
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) -> loops.gruForward(xg, hg, bias, hid, hp, hs, ss, lens, t, b, j0, j1));
  }

  void gruBackward(
      Mat saved, Mat hPrev, Mat dh, Mat dxGates, Mat dhGates, Mat dhPrev, Tensor lengths, int t) {
    int rows = saved.rows();
    int hid = saved.cols() / 4;
    checkCell("gruCellBackward", hPrev, rows, hid, "hPrev");
    checkCell("gruCellBackward", dh, rows, hid, "dh");
    checkCell("gruCellBackward", dxGates, rows, 3 * hid, "dxGates");
    checkCell("gruCellBackward", dhGates, rows, 3 * hid, "dhGates");
    checkCell("gruCellBackward", dhPrev, rows, hid, "dhPrev");
    RowView ss = RowView.of(saved);
    RowView hp = RowView.of(hPrev);
    RowView dhs = RowView.of(dh);
    RowView dx = RowView.of(dxGates);
    RowView dhg = RowView.of(dhGates);
    RowView dp = RowView.of(dhPrev);
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        8,
        (b, j0, j1) -> ExactCells.gruBackward(ss, hid, hp, dhs, dx, dhg, dp, lens, t, b, j0, j1));
  }
}
