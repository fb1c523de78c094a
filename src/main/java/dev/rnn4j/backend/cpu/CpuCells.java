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
    FloatBuffer p = f(pre.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer hs = f(h.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        4,
        (b, j0, j1) ->
            loops.rnnForward(
                act, p, pre.offset(), pre.ld(), bias, hs, h.offset(), h.ld(), lens, t, b, j0, j1));
  }

  void rnnBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t) {
    int rows = h.rows();
    int hid = h.cols();
    checkCell("rnnCellBackward", dh, rows, hid, "dh");
    checkCell("rnnCellBackward", dPre, rows, hid, "dPre");
    FloatBuffer hs = f(h.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dps = f(dPre.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        1,
        (b, j0, j1) ->
            ExactCells.rnnBackward(
                act,
                hs,
                h.offset(),
                h.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dps,
                dPre.offset(),
                dPre.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }

  void lstmForward(Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    checkCell("lstmCellForward", gates, rows, 4 * hid, "gates");
    checkCell("lstmCellForward", cPrev, rows, hid, "cPrev");
    checkCell("lstmCellForward", c, rows, hid, "c");
    checkCell("lstmCellForward", h, rows, hid, "h");
    FloatBuffer g = f(gates.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer cp = f(cPrev.tensor());
    FloatBuffer cs = f(c.tensor());
    FloatBuffer hs = f(h.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) ->
            loops.lstmForward(
                g,
                gates.offset(),
                gates.ld(),
                bias,
                hid,
                cp,
                cPrev.offset(),
                cPrev.ld(),
                cs,
                c.offset(),
                c.ld(),
                hs,
                h.offset(),
                h.ld(),
                lens,
                t,
                b,
                j0,
                j1));
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
    FloatBuffer g = f(gates.tensor());
    FloatBuffer cs = f(c.tensor());
    FloatBuffer cp = f(cPrev.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dcs = f(dc);
    FloatBuffer dg = f(dGates.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        10,
        (b, j0, j1) ->
            loops.lstmBackward(
                g,
                gates.offset(),
                gates.ld(),
                hid,
                cs,
                c.offset(),
                c.ld(),
                cp,
                cPrev.offset(),
                cPrev.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dcs,
                dg,
                dGates.offset(),
                dGates.ld(),
                lens,
                t,
                b,
                j0,
                j1));
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
    FloatBuffer xg = f(xGates.tensor());
    FloatBuffer hg = f(hGates.tensor());
    FloatBuffer bias = f(biasHh);
    FloatBuffer hp = f(hPrev.tensor());
    FloatBuffer hs = f(h.tensor());
    FloatBuffer ss = f(saved.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        20,
        (b, j0, j1) ->
            loops.gruForward(
                xg,
                xGates.offset(),
                xGates.ld(),
                hg,
                hGates.offset(),
                hGates.ld(),
                bias,
                hid,
                hp,
                hPrev.offset(),
                hPrev.ld(),
                hs,
                h.offset(),
                h.ld(),
                ss,
                saved.offset(),
                saved.ld(),
                lens,
                t,
                b,
                j0,
                j1));
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
    FloatBuffer ss = f(saved.tensor());
    FloatBuffer hp = f(hPrev.tensor());
    FloatBuffer dhs = f(dh.tensor());
    FloatBuffer dx = f(dxGates.tensor());
    FloatBuffer dhg = f(dhGates.tensor());
    FloatBuffer dp = f(dhPrev.tensor());
    IntBuffer lens = lens(lengths);
    forCells(
        rows,
        hid,
        8,
        (b, j0, j1) ->
            ExactCells.gruBackward(
                ss,
                saved.offset(),
                saved.ld(),
                hid,
                hp,
                hPrev.offset(),
                hPrev.ld(),
                dhs,
                dh.offset(),
                dh.ld(),
                dx,
                dxGates.offset(),
                dxGates.ld(),
                dhg,
                dhGates.offset(),
                dhGates.ld(),
                dp,
                dhPrev.offset(),
                dhPrev.ld(),
                lens,
                t,
                b,
                j0,
                j1));
  }
}
