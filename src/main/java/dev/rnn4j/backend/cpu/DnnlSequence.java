package dev.rnn4j.backend.cpu;

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
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import dev.rnn4j.backend.FusedSequence;
import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.global.dnnl.rnn_direction;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.lbr_gru_backward;
import org.bytedeco.dnnl.lbr_gru_forward;
import org.bytedeco.dnnl.lstm_backward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.vanilla_rnn_backward;
import org.bytedeco.dnnl.vanilla_rnn_forward;
import org.bytedeco.javacpp.LongPointer;

/**
 * One layer direction over full-length sequences through oneDNN's RNN primitives (LSTM, GRU as
 * oneDNN's "linear before reset" GRU, which is PyTorch's formulation, and vanilla RNN), forward and
 * backward, with the weights reordered into the primitive's packed layout on every call (they
 * change every training step).
 *
 * <p>Layout mapping: rnn4j's batch-first (B, T, F) is oneDNN's {@code ntc}; states (B, H) are
 * {@code ldnc} with one layer and one direction; PyTorch's weights (G·H, K) are {@code ldgoi}. LSTM
 * gates (i, f, g, o) are oneDNN's order; GRU's (r, z, n) become oneDNN's (u = z, r, o = n), and its
 * four biases are (b_iz + b_hz, b_ir + b_hr, b_in, b_hn); RNN and LSTM take b_ih + b_hh.
 *
 * <p>Threads: with oneDNN single-threaded (OMP_NUM_THREADS=1) the batch is split across the
 * backend's threads, each running the primitive on its rows; parameter gradients of the parts are
 * added afterwards. Otherwise one call runs on oneDNN's own threads. Primitives are built once per
 * (rows, T, training) and cached; calls are thread-safe.
 */
final class DnnlSequence implements FusedSequence {
  /** Rows below which a batch part does not pay for its own primitive call. */
  private static final int MIN_PART_ROWS = 4;

  private static final engine ENGINE = DnnlRuntime.ENGINE;

  private final CpuBackend be;
  private final SequenceCell cell;
  private final int in;
  private final int hid;
  private final int gates;
  private final int biasGates;
  private final boolean forTraining;
  private final ConcurrentHashMap<Long, Prims> cache = new ConcurrentHashMap<>();

  DnnlSequence(
      CpuBackend be, SequenceCell cell, int inputSize, int hiddenSize, boolean forTraining) {
    if (inputSize < 1 || hiddenSize < 1) {
      throw new IllegalArgumentException(
          "input and hidden sizes must be >= 1, got " + inputSize + " and " + hiddenSize);
    }
    this.be = be;
    this.cell = cell;
    this.in = inputSize;
    this.hid = hiddenSize;
    this.gates = cell.gates();
    this.biasGates = cell == SequenceCell.GRU ? 4 : gates;
    this.forTraining = forTraining;
  }

  @Override
  public boolean forTraining() {
    return forTraining;
  }

  private static memory.desc desc(memory.format_tag tag, long... dims) {
    return new memory.desc(new LongPointer(dims), memory.data_type.f32, tag);
  }

  /**
   * Attributes with a caller-provided scratchpad: with oneDNN's default (library-owned) scratchpad
   * one primitive must not run on two threads at once, and the batch parts share primitives.
   */
  private static primitive_attr userPad() {
    primitive_attr attr = new primitive_attr();
    attr.set_scratchpad_mode(scratchpad_mode.user);
    return attr;
  }

  private static reorder reorder(memory.desc from, memory.desc to, boolean accumulate) {
    primitive_attr attr = userPad();
    if (accumulate) {
      post_ops ops = new post_ops();
      ops.append_sum();
      attr.set_post_ops(ops);
    }
    reorder.primitive_desc pd = new reorder.primitive_desc(ENGINE, from, ENGINE, to, attr, false);
    if (pd.scratchpad_desc().get_size() != 0) {
      throw new IllegalStateException("oneDNN reorder " + from + " -> " + to + " wants scratch");
    }
    return new reorder(pd);
  }

  private static long floats(memory.desc d) {
    return (d.get_size() + 3) / 4;
  }

  /** The primitives and layouts for one (rows, T, training). */
  private final class Prims {
    final memory.desc src;
    final memory.desc state;
    final memory.desc dst;
    final memory.desc bias;
    final memory.desc wLayerUser;
    final memory.desc wIterUser;
    final memory.desc wLayer;
    final memory.desc wIter;
    final memory.desc workspace;
    final primitive fwd;
    final memory.desc fwdPad;
    final memory.desc bwdPad;
    final reorder toLayer;
    final reorder toIter;
    // Training only.
    final memory.desc src1;
    final memory.desc wLayerB;
    final memory.desc wIterB;
    final memory.desc dwLayer;
    final memory.desc dwIter;
    final primitive bwd;
    final reorder toLayerB;
    final reorder toIterB;
    final reorder fromDwLayer;
    final reorder fromDwIter;

    Prims(int rows, int steps, boolean training) {
      src = desc(memory.format_tag.ntc, steps, rows, in);
      src1 = src;
      state = desc(memory.format_tag.ldnc, 1, 1, rows, hid);
      dst = desc(memory.format_tag.ntc, steps, rows, hid);
      bias = desc(memory.format_tag.ldgo, 1, 1, biasGates, hid);
      wLayerUser = desc(memory.format_tag.ldgoi, 1, 1, in, gates, hid);
      wIterUser = desc(memory.format_tag.ldgoi, 1, 1, hid, gates, hid);
      memory.desc wlAny = desc(memory.format_tag.any, 1, 1, in, gates, hid);
      memory.desc wiAny = desc(memory.format_tag.any, 1, 1, hid, gates, hid);
      prop_kind prop = training ? prop_kind.forward_training : prop_kind.forward_inference;
      rnn_direction dir = rnn_direction.unidirectional_left2right;
      rnn_primitive_desc_base fpd;
      rnn_primitive_desc_base bpd = null;
      primitive b = null;
      switch (cell) {
        case LSTM -> {
          lstm_forward.primitive_desc pd =
              new lstm_forward.primitive_desc(
                  ENGINE, prop, dir, src, state, state, wlAny, wiAny, bias, dst, state, state,
                  userPad(), false);
          fwd = new lstm_forward(pd);
          fpd = pd;
          if (training) {
            lstm_backward.primitive_desc bd =
                new lstm_backward.primitive_desc(
                    ENGINE,
                    prop_kind.backward,
                    dir,
                    src,
                    state,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    state,
                    src,
                    state,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    state,
                    pd,
                    userPad(),
                    false);
            b = new lstm_backward(bd);
            bpd = bd;
          }
        }
        case GRU -> {
          lbr_gru_forward.primitive_desc pd =
              new lbr_gru_forward.primitive_desc(
                  ENGINE, prop, dir, src, state, wlAny, wiAny, bias, dst, state, userPad(), false);
          fwd = new lbr_gru_forward(pd);
          fpd = pd;
          if (training) {
            lbr_gru_backward.primitive_desc bd =
                new lbr_gru_backward.primitive_desc(
                    ENGINE,
                    prop_kind.backward,
                    dir,
                    src,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    src,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    pd,
                    userPad(),
                    false);
            b = new lbr_gru_backward(bd);
            bpd = bd;
          }
        }
        default -> {
          algorithm act =
              cell == SequenceCell.RNN_TANH ? algorithm.eltwise_tanh : algorithm.eltwise_relu;
          vanilla_rnn_forward.primitive_desc pd =
              new vanilla_rnn_forward.primitive_desc(
                  ENGINE, prop, act, dir, src, state, wlAny, wiAny, bias, dst, state, userPad(),
                  false);
          fwd = new vanilla_rnn_forward(pd);
          fpd = pd;
          if (training) {
            vanilla_rnn_backward.primitive_desc bd =
                new vanilla_rnn_backward.primitive_desc(
                    ENGINE,
                    prop_kind.backward,
                    act,
                    dir,
                    src,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    src,
                    state,
                    wlAny,
                    wiAny,
                    bias,
                    dst,
                    state,
                    pd,
                    userPad(),
                    false);
            b = new vanilla_rnn_backward(bd);
            bpd = bd;
          }
        }
      }
      fwdPad = fpd.scratchpad_desc();
      bwdPad = training ? bpd.scratchpad_desc() : null;
      wLayer = fpd.weights_layer_desc();
      wIter = fpd.weights_iter_desc();
      workspace = training ? fpd.workspace_desc() : null;
      toLayer = reorder(wLayerUser, wLayer, false);
      toIter = reorder(wIterUser, wIter, false);
      bwd = b;
      if (training) {
        wLayerB = bpd.weights_layer_desc();
        wIterB = bpd.weights_iter_desc();
        dwLayer = bpd.diff_weights_layer_desc();
        dwIter = bpd.diff_weights_iter_desc();
        toLayerB = reorder(wLayerUser, wLayerB, false);
        toIterB = reorder(wIterUser, wIterB, false);
        // GRU gradients pass through a scratch copy (its gate order differs); the others add
        // straight into the caller's gradients.
        boolean acc = cell != SequenceCell.GRU;
        fromDwLayer = reorder(dwLayer, wLayerUser, acc);
        fromDwIter = reorder(dwIter, wIterUser, acc);
      } else {
        wLayerB = wIterB = dwLayer = dwIter = null;
        toLayerB = toIterB = fromDwLayer = fromDwIter = null;
      }
    }
  }

  private Prims prims(int rows, int steps, boolean training) {
    long key = ((long) rows << 33) | ((long) steps << 1) | (training ? 1 : 0);
    return cache.computeIfAbsent(key, k -> new Prims(rows, steps, training));
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

  /** A oneDNN memory over {@code t} from element {@code offset}; closed by the caller's list. */
  private static memory mem(List<memory> open, memory.desc d, Tensor t, long offset) {
    memory m = new memory(d, ENGINE, CpuViews.cpu(t).pointer().getPointer(offset));
    open.add(m);
    return m;
  }

  private static void closeAll(List<memory> open) {
    for (memory m : open) {
      m.close();
    }
    open.clear();
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

  /** PyTorch (r, z, n) gate blocks of a (3H, K) matrix into oneDNN's (z, r, n), or back. */
  private void swapFirstGates(Tensor src, Tensor dst, int k) {
    // (3, H·K) views: rows are the gate blocks.
    int block = hid * k;
    be.copy(new Mat(src, 0, 1, block, block), new Mat(dst, block, 1, block, block));
    be.copy(new Mat(src, block, 1, block, block), new Mat(dst, 0, 1, block, block));
    be.copy(new Mat(src, 2L * block, 1, block, block), new Mat(dst, 2L * block, 1, block, block));
  }

  /** Weights in the user layout the primitive reads: the parameter itself, or a GRU copy. */
  private Tensor userWeights(Tensor w, int k, List<Tensor> tmp) {
    if (cell != SequenceCell.GRU) {
      return w;
    }
    Tensor t = be.zeros(gates * hid, k);
    tmp.add(t);
    swapFirstGates(w, t, k);
    return t;
  }

  /** oneDNN's bias from PyTorch's two. */
  private Tensor bias(Tensor bIh, Tensor bHh) {
    Tensor b = be.zeros(biasGates * hid);
    FloatBuffer o = CpuViews.cpu(b).floats();
    FloatBuffer bi = CpuViews.cpu(bIh).floats();
    FloatBuffer bh = CpuViews.cpu(bHh).floats();
    int h = hid;
    if (cell == SequenceCell.GRU) {
      for (int j = 0; j < h; j++) {
        o.put(j, bi.get(h + j) + bh.get(h + j)); // u = z
        o.put(h + j, bi.get(j) + bh.get(j)); // r
        o.put(2 * h + j, bi.get(2 * h + j)); // b_in
        o.put(3 * h + j, bh.get(2 * h + j)); // b_hn
      }
    } else {
      for (int j = 0; j < gates * h; j++) {
        o.put(j, bi.get(j) + bh.get(j));
      }
    }
    return b;
  }

  private static void run(reorder r, memory from, memory to) {
    try (IntMemoryMap args = new IntMemoryMap()) {
      r.execute(DnnlRuntime.stream(), args.put(DNNL_ARG_FROM, from).put(DNNL_ARG_TO, to));
    }
  }

  /**
   * W_ih and W_hh reordered into the primitive's layouts {@code wl} and {@code wi}, the two
   * reorders on two threads.
   */
  private Tensor[] pack(
      reorder toLayer,
      memory.desc wl,
      reorder toIter,
      memory.desc wi,
      Prims p,
      Tensor wIh,
      Tensor wHh,
      List<Tensor> tmp) {
    Tensor[] src = {userWeights(wIh, in, tmp), userWeights(wHh, hid, tmp)};
    Tensor[] dst = {packed(wl, tmp), packed(wi, tmp)};
    be.parallel()
        .forChunks(
            2,
            2,
            (from, to) -> {
              for (int k = from; k < to; k++) {
                List<memory> open = new ArrayList<>();
                try {
                  if (k == 0) {
                    run(toLayer, mem(open, p.wLayerUser, src[0], 0), mem(open, wl, dst[0], 0));
                  } else {
                    run(toIter, mem(open, p.wIterUser, src[1], 0), mem(open, wi, dst[1], 0));
                  }
                } finally {
                  closeAll(open);
                }
              }
            });
    return dst;
  }

  /** An uninitialised buffer for a layout the primitive fills. */
  private Tensor packed(memory.desc d, List<Tensor> tmp) {
    Tensor t = be.scratch(floats(d));
    tmp.add(t);
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
      Prims p0 = prims(st.bounds[1], steps, training);
      Tensor[] w = pack(p0.toLayer, p0.wLayer, p0.toIter, p0.wIter, p0, wIh, wHh, tmp);
      Tensor wl = w[0];
      Tensor wi = w[1];
      Tensor bias = add(tmp, bias(bIh, bHh));
      Prims[] ps = new Prims[nParts];
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

  private void forwardPart(Prims p, State st, int part, Tensor wl, Tensor wi, Tensor bias) {
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
      Prims[] ps = new Prims[nParts];
      for (int i = 0; i < nParts; i++) {
        ps[i] = prims(st.bounds[i + 1] - st.bounds[i], steps, true);
      }
      Prims p0 = ps[0];
      Tensor[] w = pack(p0.toLayerB, p0.wLayerB, p0.toIterB, p0.wIterB, p0, wIh, wHh, tmp);
      Tensor wl = w[0];
      Tensor wi = w[1];
      Tensor bias = add(tmp, bias(bIh, bHh));
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
        db[i] = add(tmp, be.zeros(biasGates * hid));
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
                      addWeightGrad(ps[i], ps[i].fromDwLayer, ps[i].dwLayer, dwl[i], dWih, in);
                    } else {
                      addWeightGrad(ps[i], ps[i].fromDwIter, ps[i].dwIter, dwi[i], dWhh, hid);
                    }
                  }
                }
              });
      for (int i = 0; i < nParts; i++) {
        addBiasGrad(db[i], dbIh, dbHh);
      }
    } finally {
      for (Tensor t : tmp) {
        t.close();
      }
    }
  }

  private void backwardPart(
      Prims p,
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

  /** grad (G·H, K) += a part's weight gradient, from the primitive's layout. */
  private void addWeightGrad(
      Prims p, reorder from, memory.desc packed, Tensor dw, Tensor grad, int k) {
    memory.desc user = k == in ? p.wLayerUser : p.wIterUser;
    List<memory> open = new ArrayList<>();
    List<Tensor> tmp = new ArrayList<>();
    try {
      if (cell != SequenceCell.GRU) {
        run(from, mem(open, packed, dw, 0), mem(open, user, grad, 0));
        return;
      }
      Tensor plain = add(tmp, be.zeros(gates * hid, k));
      run(from, mem(open, packed, dw, 0), mem(open, user, plain, 0));
      Tensor torchOrder = add(tmp, be.zeros(gates * hid, k));
      swapFirstGates(plain, torchOrder, k);
      be.axpby(1f, torchOrder, 1f, grad);
    } finally {
      closeAll(open);
      for (Tensor t : tmp) {
        t.close();
      }
    }
  }

  /** PyTorch's two bias gradients += a part's oneDNN bias gradient. */
  private void addBiasGrad(Tensor db, Tensor dbIh, Tensor dbHh) {
    FloatBuffer d = CpuViews.cpu(db).floats();
    FloatBuffer gi = CpuViews.cpu(dbIh).floats();
    FloatBuffer gh = CpuViews.cpu(dbHh).floats();
    int h = hid;
    if (cell == SequenceCell.GRU) {
      for (int j = 0; j < h; j++) {
        float u = d.get(j);
        float r = d.get(h + j);
        gi.put(j, gi.get(j) + r);
        gh.put(j, gh.get(j) + r);
        gi.put(h + j, gi.get(h + j) + u);
        gh.put(h + j, gh.get(h + j) + u);
        gi.put(2 * h + j, gi.get(2 * h + j) + d.get(2 * h + j));
        gh.put(2 * h + j, gh.get(2 * h + j) + d.get(3 * h + j));
      }
    } else {
      for (int j = 0; j < gates * h; j++) {
        gi.put(j, gi.get(j) + d.get(j));
        gh.put(j, gh.get(j) + d.get(j));
      }
    }
  }
}
