package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * Launchers of the fused cell kernels ({@code cuda/rnn.cu}, {@code lstm.cu}, {@code gru.cu}): one
 * thread per (b, j), grid-stride, so any B and H work. Checks the views' shapes, then launches.
 * Formulas and padding rules are those of {@link dev.rnn4j.backend.Backend}.
 */
final class CudaCells {
  private final Device device;
  private final int maxBlocks;
  private final int fusedStepMaxBatch;

  /**
   * Launchers on {@code device}; LSTM steps of batches up to {@code fusedStepMaxBatch} (0 to {@link
   * #FUSED_STEP_LIMIT}, as {@link CudaOptions} checked it) run fused.
   */
  CudaCells(Device device, int maxBlocks, int fusedStepMaxBatch) {
    this.device = device;
    this.maxBlocks = maxBlocks;
    this.fusedStepMaxBatch = fusedStepMaxBatch;
  }

  /** Batches up to this size run {@link #lstmStep} fused; larger ones GEMM, then cell. */
  int fusedStepMaxBatch() {
    return fusedStepMaxBatch;
  }

  private void launch(Kernel k, int rows, int hid, KernelArgs args) {
    long n = (long) rows * hid;
    if (n > 0) {
      device.launch(LaunchConfig.linear(k, n, maxBlocks), args);
    }
  }

  private static int act(Activation a) {
    return a == Activation.TANH ? 0 : 1;
  }

  void rnnForward(Activation act, Mat pre, Tensor biasHh, Mat h, Tensor lengths, int t) {
    String op = "rnnCellForward";
    int rows = pre.rows();
    int hid = pre.cols();
    Views.shape(op, h, rows, hid, "h");
    checkBias(op, biasHh, hid);
    launch(
        Kernel.RNN_CELL_FORWARD,
        rows,
        hid,
        new KernelArgs()
            .ptr(Views.of(op, pre))
            .i(pre.ld())
            .ptr(Views.floats(op, biasHh))
            .ptr(Views.of(op, h))
            .i(h.ld())
            .ptr(Views.lengths(op, lengths, rows))
            .i(t)
            .i(rows)
            .i(hid)
            .i(act(act)));
  }

  void rnnBackward(Activation act, Mat h, Mat dh, Mat dPre, Tensor lengths, int t) {
    String op = "rnnCellBackward";
    int rows = h.rows();
    int hid = h.cols();
    Views.shape(op, dh, rows, hid, "dh");
    Views.shape(op, dPre, rows, hid, "dPre");
    launch(
        Kernel.RNN_CELL_BACKWARD,
        rows,
        hid,
        new KernelArgs()
            .ptr(Views.of(op, h))
            .i(h.ld())
            .ptr(Views.of(op, dh))
            .i(dh.ld())
            .ptr(Views.of(op, dPre))
            .i(dPre.ld())
            .ptr(Views.lengths(op, lengths, rows))
            .i(t)
            .i(rows)
            .i(hid)
            .i(act(act)));
  }

  void lstmForward(Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    String op = "lstmCellForward";
    launch(
        Kernel.LSTM_CELL_FORWARD,
        gates.rows(),
        gates.cols() / 4,
        lstmCellArgs(op, new KernelArgs(), gates, biasHh, cPrev, c, h, lengths, t));
  }

  /**
   * Checks the views of one LSTM cell step and appends its arguments, in the order both {@code
   * lstm_cell_forward_f32} and the tail of {@code lstm_step_forward_f32} take them: gates, gLd,
   * bias, cPrev, cpLd, c, cLd, h, hLd, lengths, t, B, H.
   */
  private static KernelArgs lstmCellArgs(
      String op,
      KernelArgs args,
      Mat gates,
      Tensor biasHh,
      Mat cPrev,
      Mat c,
      Mat h,
      Tensor lengths,
      int t) {
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    Views.shape(op, gates, rows, 4 * hid, "gates");
    Views.shape(op, cPrev, rows, hid, "cPrev");
    Views.shape(op, c, rows, hid, "c");
    Views.shape(op, h, rows, hid, "h");
    checkBias(op, biasHh, 4 * hid);
    return args.ptr(Views.of(op, gates))
        .i(gates.ld())
        .ptr(Views.floats(op, biasHh))
        .ptr(Views.of(op, cPrev))
        .i(cPrev.ld())
        .ptr(Views.of(op, c))
        .i(c.ld())
        .ptr(Views.of(op, h))
        .i(h.ld())
        .ptr(Views.lengths(op, lengths, rows))
        .i(t)
        .i(rows)
        .i(hid);
  }

  /**
   * The largest batch the fused step kernel is checked for (its parity test ran 1 to 32); larger
   * batches run cuBLAS, then the cell kernel. {@link CudaOptions#fusedStepMaxBatch} may lower it.
   */
  static final int FUSED_STEP_LIMIT = CudaOptions.FUSED_STEP_LIMIT;

  /**
   * Whether {@link #lstmStep} takes this step: a batch of at most {@link #fusedStepMaxBatch} rows,
   * W_hh given as a plain contiguous (H, 4H) matrix (the transposed copy {@code RecurrentDirection}
   * makes for several steps), not a backend-prepared or transposed operand, and hPrev with the
   * partial sums fitting in a block's shared memory.
   */
  boolean fusesStep(Mat hPrev, GemmOperand w) {
    Mat wt = w.mat();
    int rows = hPrev.rows();
    int hid = hPrev.cols();
    return rows <= fusedStepMaxBatch
        && rows >= 1
        && !w.transposed()
        && w.prepared() == null
        && wt.rows() == hid
        && wt.cols() == 4 * hid
        && wt.ld() == 4 * hid
        && stepSharedBytes(rows, hid) <= device.maxSharedBytes();
  }

  /** Dynamic shared memory of the fused step: hPrev (B, H) and 16 warps' partial sums. */
  static long stepSharedBytes(int rows, int hid) {
    return 4L * ((((long) rows * hid + 3) & ~3L) + 512L * rows);
  }

  /**
   * One LSTM step in one launch ({@code lstm_step_forward_f32}): gates += hPrev · wt, then the cell
   * of {@link #lstmForward}. hPrev (B, H), wt = W_hh^T (H, 4H) contiguous; callers check {@link
   * #fusesStep}. Grid: one block of 512 threads per 8 hidden units.
   */
  void lstmStep(
      Mat hPrev, Mat wt, Mat gates, Tensor biasHh, Mat cPrev, Mat c, Mat h, Tensor lengths, int t) {
    String op = "lstmStepForward";
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    Views.shape(op, hPrev, rows, hid, "hPrev");
    Views.shape(op, wt, hid, 4 * hid, "W_hh^T");
    long shared = stepSharedBytes(rows, hid);
    if (rows < 1
        || rows > FUSED_STEP_LIMIT
        || wt.ld() != 4 * hid
        || shared > device.maxSharedBytes()) {
      throw new IllegalArgumentException(
          op
              + ": needs 1 to "
              + FUSED_STEP_LIMIT
              + " rows, a contiguous W_hh^T and at most "
              + device.maxSharedBytes()
              + " bytes of shared memory, got "
              + rows
              + " rows, ld "
              + wt.ld()
              + ", "
              + shared
              + " bytes");
    }
    KernelArgs head = new KernelArgs().ptr(Views.of(op, hPrev)).i(hPrev.ld()).ptr(Views.of(op, wt));
    device.launch(
        new LaunchConfig(Kernel.LSTM_STEP_FORWARD, (hid + 7) / 8, 1, 1, 512, 1, 1, (int) shared),
        lstmCellArgs(op, head, gates, biasHh, cPrev, c, h, lengths, t));
  }

  void lstmBackward(
      Mat gates, Mat c, Mat cPrev, Mat dh, Tensor dc, Mat dGates, Tensor lengths, int t) {
    String op = "lstmCellBackward";
    int rows = gates.rows();
    int hid = gates.cols() / 4;
    Views.shape(op, gates, rows, 4 * hid, "gates");
    Views.shape(op, c, rows, hid, "c");
    Views.shape(op, cPrev, rows, hid, "cPrev");
    Views.shape(op, dh, rows, hid, "dh");
    Views.shape(op, dGates, rows, 4 * hid, "dGates");
    if (dc.numel() != (long) rows * hid) {
      throw new IllegalArgumentException(
          op + ": dc " + dc.shape() + " is not (" + rows + ", " + hid + ")");
    }
    launch(
        Kernel.LSTM_CELL_BACKWARD,
        rows,
        hid,
        new KernelArgs()
            .ptr(Views.of(op, gates))
            .i(gates.ld())
            .ptr(Views.of(op, c))
            .i(c.ld())
            .ptr(Views.of(op, cPrev))
            .i(cPrev.ld())
            .ptr(Views.of(op, dh))
            .i(dh.ld())
            .ptr(Views.floats(op, dc))
            .ptr(Views.of(op, dGates))
            .i(dGates.ld())
            .ptr(Views.lengths(op, lengths, rows))
            .i(t)
            .i(rows)
            .i(hid));
  }

  void gruForward(
      Mat xGates, Mat hGates, Tensor biasHh, Mat hPrev, Mat h, Mat saved, Tensor lengths, int t) {
    String op = "gruCellForward";
    int rows = xGates.rows();
    int hid = xGates.cols() / 3;
    Views.shape(op, xGates, rows, 3 * hid, "xGates");
    Views.shape(op, hGates, rows, 3 * hid, "hGates");
    Views.shape(op, hPrev, rows, hid, "hPrev");
    Views.shape(op, h, rows, hid, "h");
    Views.shape(op, saved, rows, 4 * hid, "saved");
    checkBias(op, biasHh, 3 * hid);
    launch(
        Kernel.GRU_CELL_FORWARD,
        rows,
        hid,
        new KernelArgs()
            .ptr(Views.of(op, xGates))
            .i(xGates.ld())
            .ptr(Views.of(op, hGates))
            .i(hGates.ld())
            .ptr(Views.floats(op, biasHh))
            .ptr(Views.of(op, hPrev))
            .i(hPrev.ld())
            .ptr(Views.of(op, h))
            .i(h.ld())
            .ptr(Views.of(op, saved))
            .i(saved.ld())
            .ptr(Views.lengths(op, lengths, rows))
            .i(t)
            .i(rows)
            .i(hid));
  }

  void gruBackward(
      Mat saved, Mat hPrev, Mat dh, Mat dxGates, Mat dhGates, Mat dhPrev, Tensor lengths, int t) {
    String op = "gruCellBackward";
    int rows = saved.rows();
    int hid = saved.cols() / 4;
    Views.shape(op, saved, rows, 4 * hid, "saved");
    Views.shape(op, hPrev, rows, hid, "hPrev");
    Views.shape(op, dh, rows, hid, "dh");
    Views.shape(op, dxGates, rows, 3 * hid, "dxGates");
    Views.shape(op, dhGates, rows, 3 * hid, "dhGates");
    Views.shape(op, dhPrev, rows, hid, "dhPrev");
    launch(
        Kernel.GRU_CELL_BACKWARD,
        rows,
        hid,
        new KernelArgs()
            .ptr(Views.of(op, saved))
            .i(saved.ld())
            .ptr(Views.of(op, hPrev))
            .i(hPrev.ld())
            .ptr(Views.of(op, dh))
            .i(dh.ld())
            .ptr(Views.of(op, dxGates))
            .i(dxGates.ld())
            .ptr(Views.of(op, dhGates))
            .i(dhGates.ld())
            .ptr(Views.of(op, dhPrev))
            .i(dhPrev.ld())
            .ptr(Views.lengths(op, lengths, rows))
            .i(t)
            .i(rows)
            .i(hid));
  }

  private static void checkBias(String op, Tensor bias, int n) {
    if (bias.numel() != n) {
      throw new IllegalArgumentException(
          op + ": bias_hh has " + bias.numel() + " elements, expected " + n);
    }
  }
}
