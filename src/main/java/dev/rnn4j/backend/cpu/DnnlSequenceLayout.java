package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.closeAll;
import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.floats;
import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.mem;
import static dev.rnn4j.backend.cpu.DnnlSequencePrimitives.run;

import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;

/**
 * How one {@link DnnlSequence} layer's parameters map between rnn4j (PyTorch's layouts) and oneDNN:
 * the sizes, the gate order, the biases, the weights packed into the primitives' layouts on every
 * call, and the weight and bias gradients added back into rnn4j's. LSTM gates (i, f, g, o) are
 * oneDNN's order, so its weights are used as they are; GRU's (r, z, n) become oneDNN's (u = z, r, o
 * = n), so its weights and weight gradients pass through a copy with the first two gate blocks
 * swapped. oneDNN takes one bias per gate: b_ih + b_hh for RNN and LSTM, and for GRU's four (b_iz +
 * b_hz, b_ir + b_hr, b_in, b_hn). Immutable.
 */
final class DnnlSequenceLayout {
  private final CpuBackend be;
  final SequenceCell cell;
  final int in;
  final int hid;

  /** Gate blocks of the weights: 4 (LSTM), 3 (GRU) or 1 (RNN). */
  final int gates;

  /** Gate blocks of oneDNN's bias: as {@link #gates}, but 4 for GRU. */
  final int biasGates;

  DnnlSequenceLayout(CpuBackend be, SequenceCell cell, int inputSize, int hiddenSize) {
    this.be = be;
    this.cell = cell;
    this.in = inputSize;
    this.hid = hiddenSize;
    this.gates = cell.gates();
    this.biasGates = cell == SequenceCell.GRU ? 4 : gates;
  }

  /** PyTorch (r, z, n) gate blocks of a (3H, K) matrix into oneDNN's (z, r, n), or back. */
  void swapFirstGates(Tensor src, Tensor dst, int k) {
    // (3, H·K) views: rows are the gate blocks.
    int block = hid * k;
    be.copy(new Mat(src, 0, 1, block, block), new Mat(dst, block, 1, block, block));
    be.copy(new Mat(src, block, 1, block, block), new Mat(dst, 0, 1, block, block));
    be.copy(new Mat(src, 2L * block, 1, block, block), new Mat(dst, 2L * block, 1, block, block));
  }

  /** Weights in the user layout the primitive reads: the parameter itself, or a GRU copy. */
  Tensor userWeights(Tensor w, int k, List<Tensor> tmp) {
    if (cell != SequenceCell.GRU) {
      return w;
    }
    Tensor t = be.zeros(gates * hid, k);
    tmp.add(t);
    swapFirstGates(w, t, k);
    return t;
  }

  /** oneDNN's bias from PyTorch's two. */
  Tensor bias(Tensor bIh, Tensor bHh) {
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

  /** PyTorch's two bias gradients += a part's oneDNN bias gradient. */
  void addBiasGrad(Tensor db, Tensor dbIh, Tensor dbHh) {
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

  /**
   * W_ih and W_hh reordered into the primitive's layouts {@code wl} and {@code wi}, the two
   * reorders on two threads.
   */
  Tensor[] pack(
      reorder toLayer,
      memory.desc wl,
      reorder toIter,
      memory.desc wi,
      DnnlSequencePrimitives p,
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

  /** grad (G·H, K) += a part's weight gradient, from the primitive's layout. */
  void addWeightGrad(
      DnnlSequencePrimitives p, reorder from, memory.desc packed, Tensor dw, Tensor grad, int k) {
    memory.desc user = k == in ? p.wLayerUser : p.wIterUser;
    List<memory> open = new ArrayList<>();
    List<Tensor> tmp = new ArrayList<>();
    try {
      if (cell != SequenceCell.GRU) {
        run(from, mem(open, packed, dw, 0), mem(open, user, grad, 0));
        return;
      }
      Tensor plain = be.zeros(gates * hid, k);
      tmp.add(plain);
      run(from, mem(open, packed, dw, 0), mem(open, user, plain, 0));
      Tensor torchOrder = be.zeros(gates * hid, k);
      tmp.add(torchOrder);
      swapFirstGates(plain, torchOrder, k);
      be.axpby(1f, torchOrder, 1f, grad);
    } finally {
      closeAll(open);
      for (Tensor t : tmp) {
        t.close();
      }
    }
  }
}
