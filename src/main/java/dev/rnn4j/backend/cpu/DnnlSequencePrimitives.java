package dev.rnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import dev.rnn4j.backend.SequenceCell;
import dev.rnn4j.tensor.Tensor;
import java.util.List;
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
 * The oneDNN primitives and memory layouts of one {@link DnnlSequence} for one (rows, T, training):
 * the forward primitive (LSTM, linear-before-reset GRU or vanilla RNN; for training also its
 * backward), the descriptors of the user layouts ({@code ntc} sequences, {@code ldnc} states,
 * {@code ldgoi} weights, {@code ldgo} bias) and of the packed weight layouts the primitives chose,
 * and the reorders between them (for training also from the packed weight gradients back, adding
 * into the caller's gradients except for GRU, whose gradients go through a scratch copy). Every
 * primitive takes a caller-provided scratchpad. Built once per key and cached by {@link
 * DnnlSequence}; immutable. The static helpers at the end wrap tensors as oneDNN memories and run a
 * reorder, for {@link DnnlSequence} and {@link DnnlSequenceLayout}.
 */
final class DnnlSequencePrimitives {
  private static final engine ENGINE = DnnlRuntime.ENGINE;

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

  DnnlSequencePrimitives(DnnlSequenceLayout layout, int rows, int steps, boolean training) {
    SequenceCell cell = layout.cell;
    int in = layout.in;
    int hid = layout.hid;
    int gates = layout.gates;
    int biasGates = layout.biasGates;
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

  /** A oneDNN memory over {@code t} from element {@code offset}; closed by the caller's list. */
  static memory mem(List<memory> open, memory.desc d, Tensor t, long offset) {
    memory m = new memory(d, ENGINE, CpuViews.cpu(t).pointer().getPointer(offset));
    open.add(m);
    return m;
  }

  static void closeAll(List<memory> open) {
    for (memory m : open) {
      m.close();
    }
    open.clear();
  }

  static void run(reorder r, memory from, memory to) {
    try (IntMemoryMap args = new IntMemoryMap()) {
      r.execute(DnnlRuntime.stream(), args.put(DNNL_ARG_FROM, from).put(DNNL_ARG_TO, to));
    }
  }

  /** Floats needed to hold a buffer of layout {@code d}. */
  static long floats(memory.desc d) {
    return (d.get_size() + 3) / 4;
  }
}
