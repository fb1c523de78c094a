package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.FusedSequence;
import dev.rnn4j.backend.GemmOperand;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * One layer in one direction: the scan over time (Appleyard et al. 2016). Forward is one GEMM for
 * the input projection of all T steps, then per step one recurrent GEMM and one fused cell call
 * (for LSTM both through {@link Backend#lstmStepForward}, which the CUDA backend runs as one kernel
 * for small batches). Backward runs the cells back through time with one recurrent GEMM per step,
 * then one GEMM each for dW_ih, dW_hh and dX over all steps. Parameter gradients accumulate (+=);
 * dX, dh0 and dc0 are overwritten. Reverse directions reuse this class on time-reversed sequences.
 * Where the backend has a fused whole-sequence kernel ({@link Backend#fusedSequence}), batches
 * without lengths (every sequence T steps long) run through it instead.
 *
 * <p>Layouts (row-major, batch-first): x (B, T, I), y (B, T, H), gate buffers (B, T, G·H).
 */
final class RecurrentDirection {
  final CellType type;
  final int inputSize;
  final int hidden;
  final Parameter wIh; // (G·H, I)
  final Parameter wHh; // (G·H, H)
  final Parameter bIh; // (G·H)
  final Parameter bHh; // (G·H)
  private final FusedSequence fused; // null: per-step cells only

  /** Sequences shorter than this run the per-step cells even where a fused kernel exists. */
  static final int FUSED_MIN_STEPS = 4;

  RecurrentDirection(
      CellType type,
      int inputSize,
      int hidden,
      Parameter wIh,
      Parameter wHh,
      Parameter bIh,
      Parameter bHh) {
    this.type = type;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.wIh = wIh;
    this.wHh = wHh;
    this.bIh = bIh;
    this.bHh = bHh;
    this.fused = wIh.value().backend().fusedSequence(type.sequenceCell(), inputSize, hidden);
  }

  /** What backward needs from one forward run. Owns its tensors except x and y. */
  static final class Cache implements AutoCloseable {
    final Tensors owned = new Tensors();
    Tensor x; // (B, T, I), not owned
    Tensor y; // (B, T, H), not owned
    Tensor lengths; // (B) or null, not owned
    Tensor gates; // LSTM: activated (B, T, 4H); GRU: saved (B, T, 4H)
    Tensor cells; // LSTM: (B, T, H)
    Tensor h0; // (B, H)
    Tensor c0; // (B, H), LSTM
    FusedSequence.Saved fused; // the fused kernel's state, or null

    @Override
    public void close() {
      owned.close();
      if (fused != null) {
        fused.close();
        fused = null;
      }
    }
  }

  /**
   * Runs the direction. h0, c0: (B, H) views or null for zeros. Writes y (B, T, H) and, for LSTM,
   * the view cN (B, H) when not null. Returns the cache when {@code training}, else null (no
   * activations kept).
   */
  Cache forward(Tensor x, Tensor lengths, Mat h0, Mat c0, Tensor y, Mat cN, boolean training) {
    Backend be = wIh.value().backend();
    int[] d = x.shape().dims();
    int batch = d[0];
    int steps = d[1];
    int g = type.gates() * hidden;
    // A fused kernel repacks the weights on every call: for a step or two (decoding, input
    // feeding) the per-step path, which uses them as they are, is cheaper.
    if (fused != null
        && lengths == null
        && steps >= FUSED_MIN_STEPS
        && (!training || fused.forTraining())) {
      FusedSequence.Saved saved =
          fused.forward(
              x, h0, c0, wIh.value(), wHh.value(), bIh.value(), bHh.value(), y, cN, training);
      if (!training) {
        return null;
      }
      Cache cache = new Cache();
      cache.fused = saved;
      cache.x = x;
      cache.y = y;
      return cache;
    }
    Cache cache = new Cache();
    try (Tensors tmp = new Tensors()) {
      Tensors keep = training ? cache.owned : tmp;
      Tensor h0t = keep.add(be.zeros(batch, hidden));
      if (h0 != null) {
        be.copy(h0, Mat.of(h0t));
      }
      // Input projection for all steps: (B·T, I) · W_ihᵀ + b_ih -> (B·T, G·H).
      Tensor proj = (type == CellType.LSTM ? keep : tmp).add(be.zeros(batch, steps, g));
      Mat projAll = Mat.of(proj);
      be.gemm(Mat.of(x).rows(0, batch * steps), false, Mat.of(wIh.value()), true, projAll, 1f, 0f);
      be.addRowVector(projAll, bIh.value());
      // W_hh is read at every step: prepared once (the CPU's bf16 mode converts it once, in the
      // layout its products want). Where the backend keeps no copy of its own and there are
      // several steps, transpose W_hh once (H, G·H) for a plain NN product, 1.25-1.45x faster in
      // oneDNN than NT at these shapes (measured here); a short run (e.g. one decoding step) does
      // not repay the transpose.
      GemmOperand w = be.prepare(Mat.of(wHh.value()), true);
      try {
        if (w.prepared() == null && steps >= 4) {
          Tensor whhT = tmp.add(be.zeros(hidden, g));
          be.transpose(Mat.of(wHh.value()), Mat.of(whhT));
          w = new GemmOperand(Mat.of(whhT), false, null);
        }
        forwardSteps(cache, keep, tmp, h0t, c0, cN, proj, w, y, lengths, batch, steps, g, training);
      } finally {
        w.close();
      }
      if (type == CellType.LSTM) {
        cache.gates = proj;
      }
      cache.h0 = h0t;
      cache.x = x;
      cache.y = y;
      cache.lengths = lengths;
      if (!training) {
        cache.close();
        return null;
      }
      return cache;
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  /** The per-step loop of {@link #forward}: fills y (and the cache's saved state when training). */
  private void forwardSteps(
      Cache cache,
      Tensors keep,
      Tensors tmp,
      Tensor h0t,
      Mat c0,
      Mat cN,
      Tensor proj,
      GemmOperand w,
      Tensor y,
      Tensor lengths,
      int batch,
      int steps,
      int g,
      boolean training) {
    Backend be = proj.backend();
    switch (type) {
      case RNN_TANH, RNN_RELU -> {
        for (int t = 0; t < steps; t++) {
          Mat pre = Mat.step(proj, t);
          be.gemm(t == 0 ? Mat.of(h0t) : Mat.step(y, t - 1), false, w, pre, 1f, 1f);
          be.rnnCellForward(type.activation(), pre, bHh.value(), Mat.step(y, t), lengths, t);
        }
      }
      case LSTM -> {
        Tensor c0t = keep.add(be.zeros(batch, hidden));
        if (c0 != null) {
          be.copy(c0, Mat.of(c0t));
        }
        Tensor cells = training ? keep.add(be.zeros(batch, steps, hidden)) : null;
        Tensor[] pingPong =
            training
                ? null
                : new Tensor[] {tmp.add(be.zeros(batch, hidden)), tmp.add(be.zeros(batch, hidden))};
        Mat cPrev = Mat.of(c0t);
        for (int t = 0; t < steps; t++) {
          Mat hPrev = t == 0 ? Mat.of(h0t) : Mat.step(y, t - 1);
          Mat c = training ? Mat.step(cells, t) : Mat.of(pingPong[t & 1]);
          be.lstmStepForward(
              hPrev, w, Mat.step(proj, t), bHh.value(), cPrev, c, Mat.step(y, t), lengths, t);
          cPrev = c;
        }
        if (cN != null) {
          be.copy(cPrev, cN);
        }
        cache.cells = cells;
        cache.c0 = c0t;
      }
      case GRU -> {
        Tensor hGates = tmp.add(be.zeros(batch, g));
        Tensor saved = keep.add(be.zeros(batch, steps, 4 * hidden));
        for (int t = 0; t < steps; t++) {
          Mat hPrev = t == 0 ? Mat.of(h0t) : Mat.step(y, t - 1);
          be.gemm(hPrev, false, w, Mat.of(hGates), 1f, 0f);
          be.gruCellForward(
              Mat.step(proj, t),
              Mat.of(hGates),
              bHh.value(),
              hPrev,
              Mat.step(y, t),
              Mat.step(saved, t),
              lengths,
              t);
        }
        cache.gates = saved;
      }
    }
  }

  /**
   * Back through time. dy (B, T, H) is the gradient of y and is used as workspace (overwritten);
   * dhN, dcN (B, H) or null. Writes dx (B, T, I), dh0 (B, H), dc0 (B, H) for LSTM (null to skip
   * dx); accumulates into the parameter gradients.
   */
  void backward(Cache cache, Tensor dy, Tensor dhN, Tensor dcN, Tensor dx, Mat dh0, Mat dc0) {
    if (cache.fused != null) {
      fused.backward(
          cache.fused,
          dy,
          dhN,
          dcN,
          wIh.value(),
          wHh.value(),
          bIh.value(),
          bHh.value(),
          dx,
          dh0,
          dc0,
          wIh.grad(),
          wHh.grad(),
          bIh.grad(),
          bHh.grad());
      return;
    }
    Backend be = wIh.value().backend();
    Tensor x = cache.x;
    Tensor y = cache.y;
    Tensor lengths = cache.lengths;
    int[] d = x.shape().dims();
    int batch = d[0];
    int steps = d[1];
    int g = type.gates() * hidden;
    try (Tensors tmp = new Tensors();
        GemmOperand whh = be.prepare(Mat.of(wHh.value()), false)) {
      if (dhN != null) {
        be.scatterAddLastStep(dhN, lengths, dy);
      }
      be.fill(dh0, 0f);
      Tensor dxGates = tmp.add(be.zeros(batch, steps, g));
      Tensor dhGates = dxGates;
      switch (type) {
        case RNN_TANH, RNN_RELU -> {
          for (int t = steps - 1; t >= 0; t--) {
            Mat dPre = Mat.step(dxGates, t);
            be.rnnCellBackward(
                type.activation(), Mat.step(y, t), Mat.step(dy, t), dPre, lengths, t);
            be.gemm(dPre, false, whh, t == 0 ? dh0 : Mat.step(dy, t - 1), 1f, 1f);
          }
        }
        case LSTM -> {
          Tensor dc = tmp.add(be.zeros(batch, hidden));
          if (dcN != null) {
            be.copy(dcN, dc);
          }
          for (int t = steps - 1; t >= 0; t--) {
            Mat dG = Mat.step(dxGates, t);
            Mat cPrev = t == 0 ? Mat.of(cache.c0) : Mat.step(cache.cells, t - 1);
            be.lstmCellBackward(
                Mat.step(cache.gates, t),
                Mat.step(cache.cells, t),
                cPrev,
                Mat.step(dy, t),
                dc,
                dG,
                lengths,
                t);
            be.gemm(dG, false, whh, t == 0 ? dh0 : Mat.step(dy, t - 1), 1f, 1f);
          }
          if (dc0 != null) {
            be.copy(Mat.of(dc), dc0);
          }
        }
        case GRU -> {
          dhGates = tmp.add(be.zeros(batch, steps, g));
          for (int t = steps - 1; t >= 0; t--) {
            Mat hPrev = t == 0 ? Mat.of(cache.h0) : Mat.step(y, t - 1);
            Mat dhPrev = t == 0 ? dh0 : Mat.step(dy, t - 1);
            Mat dHg = Mat.step(dhGates, t);
            be.gruCellBackward(
                Mat.step(cache.gates, t),
                hPrev,
                Mat.step(dy, t),
                Mat.step(dxGates, t),
                dHg,
                dhPrev,
                lengths,
                t);
            be.gemm(dHg, false, whh, dhPrev, 1f, 1f);
          }
        }
      }
      int rows = batch * steps;
      Mat dX = Mat.of(dxGates);
      Mat dH = Mat.of(dhGates);
      // h_{t-1} for every step: [h0, y[:, 0:T-1]] -> (B, T, H).
      Tensor hPrevAll = tmp.add(be.zeros(batch, steps, hidden));
      be.copy(Mat.of(cache.h0), new Mat(hPrevAll, 0, batch, hidden, steps * hidden));
      if (steps > 1) {
        be.copy(
            new Mat(y, 0, batch, (steps - 1) * hidden, steps * hidden),
            new Mat(hPrevAll, hidden, batch, (steps - 1) * hidden, steps * hidden));
      }
      Mat xAll = Mat.of(x).rows(0, rows);
      be.gemm(dX, true, xAll, false, Mat.of(wIh.grad()), 1f, 1f);
      be.gemm(dH, true, Mat.of(hPrevAll), false, Mat.of(wHh.grad()), 1f, 1f);
      be.sumRows(dX, bIh.grad(), 1f);
      be.sumRows(dH, bHh.grad(), 1f);
      if (dx != null) {
        be.gemm(dX, false, Mat.of(wIh.value()), false, Mat.of(dx).rows(0, rows), 1f, 0f);
      }
    }
  }
}
