package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.closeAll;
import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.floats;
import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.mem;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.FusedSequence;
import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;

/**
 * One layer direction over full-length sequences through oneDNN's RNN primitives (LSTM, GRU as
 * oneDNN's "linear before reset" GRU, which is PyTorch's formulation, and vanilla RNN), forward and
 * backward, with the weights reordered into the primitive's packed layout on every call (they
 * change every training step).
 *
 * <p>Layout mapping: rnn4j's batch-first (B, T, F) is oneDNN's {@code ntc}; states (B, H) are
 * {@code ldnc} with one layer and one direction; PyTorch's weights (G·H, K) are {@code ldgoi}. The
 * gate orders and biases are mapped by {@link DnnlSequenceLayout}; the primitives and their layouts
 * are {@link DnnlSequencePrimitives}. This class runs them: the batch parts, the weights packed per
 * call, the state saved for backward and the gradients added into the caller's.
 *
 * <p>Threads: with oneDNN single-threaded (OMP_NUM_THREADS=1) the batch is split across the
 * backend's threads, each running the primitive on its rows; parameter gradients of the parts are
 * added afterwards. Otherwise one call runs on oneDNN's own threads. Primitives are built once per
 * (rows, T, training) and cached; calls are thread-safe.
 */
final class DnnlSequence implements FusedSequence {
  /** Rows below which a batch part does not pay for its own primitive call. */
  private static final int MIN_PART_ROWS = 4;

  private final CpuBackend be;
  private final DnnlSequenceLayout layout;
  private final SequenceCell cell;
  private final int in;
  private final int hid;
  private final boolean forTraining;
  private final ConcurrentHashMap<Long, DnnlSequencePrimitives> cache = new ConcurrentHashMap<>();

  /**
   * The fused sequence for {@code be}'s layers as {@code policy} ({@link CpuOptions#fusedRnn})
   * says: {@code AUTO} (the default) for inference and not for training, {@code ALWAYS} for both,
   * {@code NEVER} never (null: layers run the per-step cells). Training is faster in the per-step
   * loop since the cells' activations are vectorized ({@link VecCells}): oneDNN's backward on a
   * batch half per thread is the slow part (docs/PERFORMANCE.md, "Fused sequences").
   */
  static DnnlSequence of(
      CpuBackend be, CpuOptions.FusedRnn policy, SequenceCell cell, int inputSize, int hiddenSize) {
    if (policy == CpuOptions.FusedRnn.NEVER) {
      return null;
    }
    return new DnnlSequence(be, cell, inputSize, hiddenSize, policy == CpuOptions.FusedRnn.ALWAYS);
  }

  DnnlSequence(
      CpuBackend be, SequenceCell cell, int inputSize, int hiddenSize, boolean forTraining) {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException(
          "input and hidden sizes must be >= 1, got " + inputSize + " and " + hiddenSize);
    }
    this.be = be;
    this.layout = new DnnlSequenceLayout(be, cell, inputSize, hiddenSize);
    this.cell = cell;
    this.in = inputSize;
    this.hid = hiddenSize;
    this.forTraining = forTraining;
  }

  @Override
  public boolean forTraining() {
    return forTraining;
  }

  private DnnlSequencePrimitives prims(int rows, int steps, boolean training) {
    long key = ((long) rows << 33) | ((long) steps << 1) | (training ? 1 : 0);
    return cache.computeIfAbsent(
        key, k -> new DnnlSequencePrimitives(layout, rows, steps, training));
  }

  /** Row ranges of the batch parts. */
  private int[] parts(int batch) {
    int n = 1;
    if (be.splitsGemm()) {
      n = Math.max(1, Math.min(be.threads(), batch / MIN_PART_ROWS));
    }
    int[] bounds = new int[n + 1];
    for (int i = 0; i <= n; i++) {
      bounds[i] = (int) ((long) batch * i / n);
    }
    return bounds;
  }

  /** What backward needs; owns its tensors. */
  private static final class State implements Saved {
    final List<Tensor> owned = new ArrayList<>();
    int[] bounds;
    int steps;
    Tensor x;
    Tensor y;
    Tensor h0;
    Tensor c0;
    Tensor hN;
    Tensor cN;
    Tensor[] workspaces;

    Tensor own(Tensor t) {
      owned.add(t);
      return t;
    }

    @Override
    public void close() {
      for (Tensor t : owned) {
        t.close();
      }
      owned.clear();
    }
  }

  private void checkMat(String what, Mat m, int rows) {
    if (m != null && (m.rows() != rows || m.cols() != hid || m.ld() != hid)) {
      throw new IllegalArgumentException(
          what + ": expected a contiguous (" + rows + ", " + hid + ") view, got " + m);
    }
  }

  /** A (B, H) tensor holding a view's values, or zeros for null. */
  private Tensor stateCopy(Mat m, int batch) {
    Tensor t = be.zeros(batch, hid);
    if (m != null) {
      be.copy(m, Mat.of(t));
    }
    return t;
  }

  @Override
  public Saved forward(
      Tensor x,
      Mat h0,
      Mat c0,
      Tensor wIh,
      Tensor wHh,
      Tensor bIh,
      Tensor bHh,
      Tensor y,
      Mat cN,
      boolean training) {
    int batch = x.shape().dim(0);
    int steps = x.shape().dim(1);
    checkMat("h0", h0, batch);
    checkMat("c0", c0, batch);
    checkMat("cN", cN, batch);
    boolean lstm = cell == SequenceCell.LSTM;
    State st = new State();
    List<Tensor> tmp = new ArrayList<>();
    try {
      st.bounds = parts(batch);
      st.steps = steps;
      st.x = x;
      st.y = y;
      List<Tensor> keep = training ? st.owned : tmp;
      st.h0 = add(keep, stateCopy(h0, batch));
      st.c0 = lstm ? add(keep, stateCopy(c0, batch)) : null;
      st.hN = add(keep, be.zeros(batch, hid));
      st.cN = lstm ? add(keep, be.zeros(batch, hid)) : null;
      int nParts = st.bounds.length - 1;
      st.workspaces = new Tensor[nParts];
      DnnlSequencePrimitives p0 = prims(st.bounds[1], steps, training);
      Tensor[] w = layout.pack(p0.toLayer, p0.wLayer, p0.toIter, p0.wIter, p0, wIh, wHh, tmp);
      Tensor wl = w[0];
      Tensor wi = w[1];
      Tensor bias = add(tmp, layout.bias(bIh, bHh));
      DnnlSequencePrimitives[] ps = new DnnlSequencePrimitives[nParts];
      for (int i = 0; i < nParts; i++) {
        ps[i] = prims(st.bounds[i + 1] - st.bounds[i], steps, training);
        if (training) {
          st.workspaces[i] = st.own(be.scratch(floats(ps[i].workspace)));
        }
      }
      be.parallel()
          .forChunks(
              nParts,
              nParts,
              (from, to) -> {
                for (int i = from; i < to; i++) {
                  forwardPart(ps[i], st, i, wl, wi, bias);
                }
              });
      if (cN != null) {
        be.copy(Mat.of(st.cN), cN);
      }
      if (!training) {
        st.close();
        return null;
      }
      return st;
    } catch (RuntimeException e) {
      st.close();
      throw e;
    } finally {
      for (Tensor t : tmp) {
        t.close();
      }
    }
  }

  private static Tensor add(List<Tensor> list, Tensor t) {
    list.add(t);
    return t;
  }

  private void forwardPart(
      DnnlSequencePrimitives p, State st, int part, Tensor wl, Tensor wi, Tensor bias) {
    int b0 = st.bounds[part];
    long tRows = (long) b0 * st.steps;
    List<memory> open = new ArrayList<>();
    try {
      IntMemoryMap args = new IntMemoryMap();
      args.put(DNNL_ARG_SRC_LAYER, mem(open, p.src, st.x, tRows * in));
      args.put(DNNL_ARG_SRC_ITER, mem(open, p.state, st.h0, (long) b0 * hid));
      args.put(DNNL_ARG_WEIGHTS_LAYER, mem(open, p.wLayer, wl, 0));
      args.put(DNNL_ARG_WEIGHTS_ITER, mem(open, p.wIter, wi, 0));
      args.put(DNNL_ARG_BIAS, mem(open, p.bias, bias, 0));
      args.put(DNNL_ARG_DST_LAYER, mem(open, p.dst, st.y, tRows * hid));
      args.put(DNNL_ARG_DST_ITER, mem(open, p.state, st.hN, (long) b0 * hid));
      if (cell == SequenceCell.LSTM) {
        args.put(DNNL_ARG_SRC_ITER_C, mem(open, p.state, st.c0, (long) b0 * hid));
        args.put(DNNL_ARG_DST_ITER_C, mem(open, p.state, st.cN, (long) b0 * hid));
      }
      if (p.workspace != null) {
        args.put(DNNL_ARG_WORKSPACE, mem(open, p.workspace, st.workspaces[part], 0));
      }
      Tensor pad = be.scratch(floats(p.fwdPad));
      try {
        args.put(DNNL_ARG_SCRATCHPAD, mem(open, p.fwdPad, pad, 0));
        p.fwd.execute(DnnlRuntime.stream(), args);
      } finally {
        pad.close();
      }
      args.close();
    } finally {
      closeAll(open);
    }
  }

  @Override
  public void backward(
      Saved saved,
      Tensor dy,
      Tensor dhN,
      Tensor dcN,
      Tensor wIh,
      Tensor wHh,
      Tensor bIh,
      Tensor bHh,
      Tensor dx,
      Mat dh0,
      Mat dc0,
      Tensor dWih,
      Tensor dWhh,
      Tensor dbIh,
      Tensor dbHh) {
    if (!(saved instanceof State st) || st.workspaces == null) {
      throw new IllegalArgumentException("backward needs the saved state of a training forward");
    }
    if (st.owned.isEmpty()) {
      throw new IllegalStateException("the saved state of this forward has been closed");
    }
    int batch = st.x.shape().dim(0);
    int steps = st.steps;
    checkMat("dh0", dh0, batch);
    checkMat("dc0", dc0, batch);
    boolean lstm = cell == SequenceCell.LSTM;
    int nParts = st.bounds.length - 1;
    List<Tensor> tmp = new ArrayList<>();
    try {
      DnnlSequencePrimitives[] ps = new DnnlSequencePrimitives[nParts];
      for (int i = 0; i < nParts; i++) {
        ps[i] = prims(st.bounds[i + 1] - st.bounds[i], steps, true);
      }
      DnnlSequencePrimitives p0 = ps[0];
      Tensor[] w = layout.pack(p0.toLayerB, p0.wLayerB, p0.toIterB, p0.wIterB, p0, wIh, wHh, tmp);
      Tensor wl = w[0];
      Tensor wi = w[1];
      Tensor bias = add(tmp, layout.bias(bIh, bHh));
      Tensor dhNt = dhN != null ? dhN : add(tmp, be.zeros(batch, hid));
      Tensor dcNt = null;
      if (lstm) {
        dcNt = dcN != null ? dcN : add(tmp, be.zeros(batch, hid));
      }
      Tensor dxT = dx != null ? dx : add(tmp, be.scratch((long) batch * steps * in));
      Tensor dh0T = add(tmp, be.zeros(batch, hid));
      Tensor dc0T = lstm ? add(tmp, be.zeros(batch, hid)) : null;
      Tensor[] dwl = new Tensor[nParts];
      Tensor[] dwi = new Tensor[nParts];
      Tensor[] db = new Tensor[nParts];
      for (int i = 0; i < nParts; i++) {
        // Zeroed: oneDNN adds into the weight gradients.
        dwl[i] = add(tmp, be.zeros((int) floats(ps[i].dwLayer)));
        dwi[i] = add(tmp, be.zeros((int) floats(ps[i].dwIter)));
        db[i] = add(tmp, be.zeros(layout.biasGates * hid));
      }
      Tensor dcNf = dcNt;
      be.parallel()
          .forChunks(
              nParts,
              nParts,
              (from, to) -> {
                for (int i = from; i < to; i++) {
                  backwardPart(
                      ps[i], st, i, wl, wi, bias, dy, dhNt, dcNf, dxT, dh0T, dc0T, dwl[i], dwi[i],
                      db[i]);
                }
              });
      if (dh0 != null) {
        be.copy(Mat.of(dh0T), dh0);
      }
      if (dc0 != null) {
        be.copy(Mat.of(dc0T), dc0);
      }
      // dW_ih on one thread, dW_hh on another; the parts of one gradient add in order.
      be.parallel()
          .forChunks(
              2,
              2,
              (from, to) -> {
                for (int k = from; k < to; k++) {
                  for (int i = 0; i < nParts; i++) {
                    if (k == 0) {
                      layout.addWeightGrad(
                          ps[i], ps[i].fromDwLayer, ps[i].dwLayer, dwl[i], dWih, in);
                    } else {
                      layout.addWeightGrad(
                          ps[i], ps[i].fromDwIter, ps[i].dwIter, dwi[i], dWhh, hid);
                    }
                  }
                }
              });
      for (int i = 0; i < nParts; i++) {
        layout.addBiasGrad(db[i], dbIh, dbHh);
      }
    } finally {
      for (Tensor t : tmp) {
        t.close();
      }
    }
  }

  private void backwardPart(
      DnnlSequencePrimitives p,
      State st,
      int part,
      Tensor wl,
      Tensor wi,
      Tensor bias,
      Tensor dy,
      Tensor dhN,
      Tensor dcN,
      Tensor dx,
      Tensor dh0,
      Tensor dc0,
      Tensor dwl,
      Tensor dwi,
      Tensor db) {
    int b0 = st.bounds[part];
    long tRows = (long) b0 * st.steps;
    long sOff = (long) b0 * hid;
    List<memory> open = new ArrayList<>();
    try {
      IntMemoryMap args = new IntMemoryMap();
      args.put(DNNL_ARG_SRC_LAYER, mem(open, p.src, st.x, tRows * in));
      args.put(DNNL_ARG_SRC_ITER, mem(open, p.state, st.h0, sOff));
      args.put(DNNL_ARG_WEIGHTS_LAYER, mem(open, p.wLayerB, wl, 0));
      args.put(DNNL_ARG_WEIGHTS_ITER, mem(open, p.wIterB, wi, 0));
      args.put(DNNL_ARG_BIAS, mem(open, p.bias, bias, 0));
      args.put(DNNL_ARG_DST_LAYER, mem(open, p.dst, st.y, tRows * hid));
      args.put(DNNL_ARG_DST_ITER, mem(open, p.state, st.hN, sOff));
      args.put(DNNL_ARG_WORKSPACE, mem(open, p.workspace, st.workspaces[part], 0));
      args.put(DNNL_ARG_DIFF_DST_LAYER, mem(open, p.dst, dy, tRows * hid));
      args.put(DNNL_ARG_DIFF_DST_ITER, mem(open, p.state, dhN, sOff));
      args.put(DNNL_ARG_DIFF_SRC_LAYER, mem(open, p.src, dx, tRows * in));
      args.put(DNNL_ARG_DIFF_SRC_ITER, mem(open, p.state, dh0, sOff));
      args.put(DNNL_ARG_DIFF_WEIGHTS_LAYER, mem(open, p.dwLayer, dwl, 0));
      args.put(DNNL_ARG_DIFF_WEIGHTS_ITER, mem(open, p.dwIter, dwi, 0));
      args.put(DNNL_ARG_DIFF_BIAS, mem(open, p.bias, db, 0));
      if (cell == SequenceCell.LSTM) {
        args.put(DNNL_ARG_SRC_ITER_C, mem(open, p.state, st.c0, sOff));
        args.put(DNNL_ARG_DST_ITER_C, mem(open, p.state, st.cN, sOff));
        args.put(DNNL_ARG_DIFF_DST_ITER_C, mem(open, p.state, dcN, sOff));
        args.put(DNNL_ARG_DIFF_SRC_ITER_C, mem(open, p.state, dc0, sOff));
      }
      Tensor pad = be.scratch(floats(p.bwdPad));
      try {
        args.put(DNNL_ARG_SCRATCHPAD, mem(open, p.bwdPad, pad, 0));
        p.bwd.execute(DnnlRuntime.stream(), args);
      } finally {
        pad.close();
      }
      args.close();
    } finally {
      closeAll(open);
    }
  }
}
