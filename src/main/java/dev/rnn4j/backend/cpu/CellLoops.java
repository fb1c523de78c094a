package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Activation;
import dev.rnn4j.backend.CpuOptions;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The cell loops that exist in two versions with the same arguments: {@link ExactCells}, the exact
 * reference, and {@link VecCells}, the vectorizable one with rational tanh/σ. {@link CpuBackend}
 * picks one when it is built ({@code rnn4j.cpu.activations}). Each call handles one row b and
 * columns [j0, j1) of one time step; gate orders and formulas are documented on {@link
 * dev.rnn4j.backend.Backend}. A row b is padding when {@code t >= lengths[b]}. Operands are strided
 * {@link RowView}s of the step's matrices.
 *
 * <p>Thread-safety: implementations hold no state between calls; threads pass disjoint rows or
 * columns.
 */
interface CellLoops {
  /**
   * The loops for the cells' tanh and σ as {@link CpuOptions#activations} says: {@link VecCells}'
   * vectorizable rational approximation (relative error under 3.4e-7; the default), or {@link
   * ExactCells}' Math.exp-based reference (within one float ulp, 10-30x slower per activation).
   */
  static CellLoops of(CpuOptions.Activations activations) {
    return activations == CpuOptions.Activations.EXACT ? ExactCells.INSTANCE : VecCells.INSTANCE;
  }

  /** y[k] = tanh(x[k]) for k in [lo, hi). */
  void tanh(FloatBuffer x, FloatBuffer y, int lo, int hi);

  /** RNN forward for row b, columns [j0, j1). pre, h (B, H). */
  void rnnForward(
      Activation act,
      RowView pre,
      FloatBuffer bias,
      RowView h,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1);

  /** LSTM forward for row b, columns [j0, j1) of H. gates (B, 4H); cPrev, c, h (B, H). */
  void lstmForward(
      RowView gates,
      FloatBuffer bias,
      int hidden,
      RowView cPrev,
      RowView c,
      RowView h,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1);

  /**
   * LSTM backward for row b, columns [j0, j1). gates, dGates (B, 4H); c, cPrev, dh (B, H); dc (B,
   * H) contiguous, in: dc_t, out: dc_{t-1}.
   */
  void lstmBackward(
      RowView gates,
      int hidden,
      RowView c,
      RowView cPrev,
      RowView dh,
      FloatBuffer dc,
      RowView dGates,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1);

  /**
   * GRU forward for row b, columns [j0, j1). xGates, hGates (B, 3H); hPrev, h (B, H); saved (B,
   * 4H).
   */
  void gruForward(
      RowView xGates,
      RowView hGates,
      FloatBuffer bias,
      int hidden,
      RowView hPrev,
      RowView h,
      RowView saved,
      IntBuffer lengths,
      int t,
      int b,
      int j0,
      int j1);
}
