package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Linear;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The encoder's final states → the decoder's initial states: h0 = tanh(W_h x_h + b_h) and (LSTM) c0
 * = W_c x_c + b_c, where row block l of x holds the final states of encoder layer {@code l + Le -
 * Ld} (both directions side by side; zero where that layer is below 0). Parameters {@code
 * bridge.h.weight} (Hd, D·He), {@code bridge.h.bias}, then {@code bridge.c.*} for LSTM. Parameter
 * gradients accumulate. Thread-safety as the model.
 */
final class Bridge implements Module {
  private final Backend be;
  private final Seq2SeqConfig cfg;
  private final Linear h;
  private final Linear c; // null without a cell state

  /** Draws one seed for W_h, then (LSTM) one for W_c from {@code rng}. */
  Bridge(Backend be, Seq2SeqConfig cfg, SplittableRandom rng) {
    this.be = be;
    this.cfg = cfg;
    int in = cfg.memorySize();
    this.h = new Linear(be, "bridge.h.", in, cfg.decoderHidden(), true, rng.nextLong());
    try {
      this.c =
          cfg.cell().hasCellState()
              ? new Linear(be, "bridge.c.", in, cfg.decoderHidden(), true, rng.nextLong())
              : null;
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> p = new ArrayList<>(h.parameters());
    if (c != null) {
      p.addAll(c.parameters());
    }
    return p;
  }

  @Override
  public Backend backend() {
    return be;
  }

  /**
   * The decoder's initial states h0 (Ld, B, Hd) and c0 (or null), with the bridge inputs of h and c
   * (or null), (Ld·B, D·He), kept for the backward pass.
   */
  record States(Tensor h0, Tensor c0, Tensor inH, Tensor inC) {}

  /** The decoder's initial states from the encoder's; every tensor is owned by {@code open}. */
  States forward(RecurrentOutput enc, int b, List<AutoCloseable> open) {
    int ld = cfg.decoderLayers();
    Tensor inH = own(open, input(enc.hN(), b));
    Tensor h0 = own(open, be.zeros(ld, b, cfg.decoderHidden()));
    h.forward(Mat.of(inH), Mat.of(h0));
    be.tanh(h0, h0);
    Tensor c0 = null;
    Tensor inC = null;
    if (c != null) {
      inC = own(open, input(enc.cN(), b));
      c0 = own(open, be.zeros(ld, b, cfg.decoderHidden()));
      c.forward(Mat.of(inC), Mat.of(c0));
    }
    return new States(h0, c0, inH, inC);
  }

  /**
   * Gradients of the encoder's final states {dhN (Le·D, B, He), dcN or null} from the decoder's dh0
   * and dc0; adds the bridge's parameter gradients. Owned by {@code open}.
   */
  Tensor[] backward(States s, Tensor dh0, Tensor dc0, int b, List<AutoCloseable> open) {
    int ld = cfg.decoderLayers();
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor dPre = own(open, be.zeros(ld, b, cfg.decoderHidden()));
    be.tanhBackward(s.h0(), dh0, dPre, 0f);
    Tensor dIn = own(open, be.zeros(ld * b, dirs * he));
    h.backward(Mat.of(s.inH()), Mat.of(dPre), Mat.of(dIn));
    Tensor dhN = own(open, scatter(dIn, b));
    Tensor dcN = null;
    if (c != null) {
      c.backward(Mat.of(s.inC()), Mat.of(dc0), Mat.of(dIn));
      dcN = own(open, scatter(dIn, b));
    }
    return new Tensor[] {dhN, dcN};
  }

  /** Encoder layer feeding decoder layer l, or -1 for none. */
  private int sourceLayer(int l) {
    int e = l + cfg.encoderLayers() - cfg.decoderLayers();
    return e >= 0 ? e : -1;
  }

  /** (Ld·B, D·He): row block l holds encoder layer sourceLayer(l), directions side by side. */
  private Tensor input(Tensor states, int b) {
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor in = be.zeros(cfg.decoderLayers() * b, dirs * he);
    for (int l = 0; l < cfg.decoderLayers(); l++) {
      int e = sourceLayer(l);
      for (int d = 0; e >= 0 && d < dirs; d++) {
        be.copy(
            Mat.of(states).rows((e * dirs + d) * b, b), Mat.of(in).rows(l * b, b).cols(d * he, he));
      }
    }
    return in;
  }

  /** The transpose of {@link #input}: (Ld·B, D·He) back to (Le·D, B, He), zero elsewhere. */
  private Tensor scatter(Tensor dIn, int b) {
    int dirs = cfg.bidirectional() ? 2 : 1;
    int he = cfg.encoderHidden();
    Tensor d = be.zeros(cfg.encoderLayers() * dirs, b, he);
    for (int l = 0; l < cfg.decoderLayers(); l++) {
      int e = sourceLayer(l);
      for (int k = 0; e >= 0 && k < dirs; k++) {
        be.copy(Mat.of(dIn).rows(l * b, b).cols(k * he, he), Mat.of(d).rows((e * dirs + k) * b, b));
      }
    }
    return d;
  }
}
