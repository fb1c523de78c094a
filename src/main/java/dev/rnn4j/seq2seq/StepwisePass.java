package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher-forced decoder pass that runs one {@link Decoder#step} at a time, for the two
 * variants whose step t depends on step t - 1 beyond the RNN state:
 *
 * <ul>
 *   <li><b>input feeding</b> (Luong): step t reads [embedding_t; h̃_{t-1}] (h̃_{-1} = 0);
 *   <li><b>Bahdanau</b>: step t attends with the previous top-layer state h_{t-1} (the bridged
 *       state for t = 0), reads [embedding_t; c_t], and h̃_t = tanh(W_c [c_t; h_t]).
 * </ul>
 *
 * <p>Backward goes back through the steps carrying dh and dc; the variants differ only in the
 * attention's share of a step ({@link #outputGradient}, {@link #fedGradient}): with feeding, the
 * gradient of h̃_t through step t + 1's input joins dH̃_t before attention's backward; with
 * Bahdanau, the context's two gradients (readout and RNN input) add up before the attention scores'
 * backward, and the query's gradient joins the top layer of dh_{t-1}.
 *
 * <p>Shapes: B rows, T steps, embedding E, memory M, decoder hidden H, S source steps.
 */
final class StepwisePass implements DecoderPass {
  private final Backend be;
  private final RecurrentLayer rnn;
  private final LuongAttention attention;
  private final boolean bahdanau;
  private final int b;
  private final int steps;
  private final int e;
  private final int m;
  private final int hd;
  private final int srcLen;
  private final int top; // the decoder's top layer
  private final Tensor hTilde; // (B, T, H)
  private final List<RecurrentOutput> outs = new ArrayList<>();
  private final List<LuongAttention.Step> atts = new ArrayList<>();
  private final boolean feeding;
  private final boolean covered; // coverage attention: step t's scores read Σ_{t'<t} a_t'

  // Backward workspaces (B, 1, ·), owned by the backward pass's list.
  private Tensor dStep; // the total gradient of h̃_t
  private Tensor dFed; // feeding: the gradient of h̃_t through step t + 1's input
  private Tensor dOut; // Bahdanau: the gradient of the RNN output h_t
  private Tensor dQuery; // the gradient of attention's query
  private Tensor dW; // a step's direct attention-weight gradient (B, 1, S), or null
  private Tensor dConcat; // Bahdanau: d[c_t; h_t] of the current step
  private Tensor dCoverage; // coverage: the gradient of step t's coverage input (B, 1, S)
  private Tensor dCoverageLater; // coverage: Σ of the later steps' coverage gradients (B, 1, S)

  /** Runs the forward pass over {@code tgtX} (B, T, E); its tensors are owned by {@code open}. */
  StepwisePass(
      Decoder decoder,
      RecurrentLayer rnn,
      LuongAttention attention,
      Seq2SeqConfig cfg,
      Tensor tgtX,
      Decoder.Memory src,
      Bridge.States init,
      boolean train,
      List<AutoCloseable> open) {
    this.be = decoder.backend();
    this.rnn = rnn;
    this.attention = attention;
    this.bahdanau = cfg.attention() == AttentionType.BAHDANAU;
    this.b = tgtX.shape().dim(0);
    this.steps = tgtX.shape().dim(1);
    this.e = cfg.embedSize();
    this.m = cfg.memorySize();
    this.hd = cfg.decoderHidden();
    this.srcLen = src.memory().shape().dim(1);
    this.top = cfg.decoderLayers() - 1;
    this.feeding = cfg.inputFeeding();
    this.covered = cfg.coverageAttention();
    this.hTilde = own(open, be.zeros(b, steps, hd));
    Tensor h = init.h0();
    Tensor c = init.c0();
    Tensor coverage = covered ? own(open, be.zeros(b, 1, srcLen)) : null;
    for (int t = 0; t < steps; t++) {
      Mat prev = t > 0 && feeding ? Mat.step(hTilde, t - 1) : null;
      Decoder.Step step = decoder.step(tgtX, t, prev, src, coverage, h, c, train, open);
      if (covered && t + 1 < steps) {
        // Each step keeps its own coverage for the backward pass: cov_{t+1} = cov_t + a_t.
        Tensor next = own(open, be.zeros(b, 1, srcLen));
        be.copy(coverage, next);
        be.axpby(1f, step.att().weights(), 1f, next);
        coverage = next;
      }
      be.copy(Mat.of(step.att().out()), Mat.step(hTilde, t));
      outs.add(step.out());
      atts.add(step.att());
      h = step.out().hN();
      c = step.out().cN();
    }
  }

  @Override
  public Tensor hTilde() {
    return hTilde;
  }

  /** The per-step attention weights (B, 1, S) as one (B, T, S) tensor, owned by {@code open}. */
  @Override
  public Tensor weights(List<AutoCloseable> open) {
    Tensor w = own(open, be.zeros(b, steps, srcLen));
    for (int t = 0; t < steps; t++) {
      be.copy(Mat.of(atts.get(t).weights()), Mat.step(w, t));
    }
    return w;
  }

  @Override
  public Tensor[] backward(Tensor dH, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
    dW = dWeights == null && !covered ? null : own(o, be.zeros(b, 1, srcLen));
    if (covered) {
      dCoverage = own(o, be.zeros(b, 1, srcLen));
      dCoverageLater = own(o, be.zeros(b, 1, srcLen));
    }
    Tensor dEmb = own(o, be.zeros(b, steps, e));
    dStep = own(o, be.zeros(b, 1, hd));
    if (bahdanau) {
      dOut = own(o, be.zeros(b, 1, hd));
    } else if (feeding) {
      dFed = own(o, be.zeros(b, 1, hd));
    }
    dQuery = own(o, be.zeros(b, 1, hd));
    Tensor dh = null;
    Tensor dc = null;
    for (int t = steps - 1; t >= 0; t--) {
      be.copy(Mat.step(dH, t), Mat.of(dStep));
      Tensor dRnnOut = outputGradient(t, dMemory, dWeights, o);
      RecurrentGradients g = own(o, rnn.backward(outs.get(t), dRnnOut, dh, dc));
      be.copy(Mat.of(g.input()).cols(0, e), Mat.step(dEmb, t));
      fedGradient(t, g, dMemory, dWeights, o);
      dh = g.h0();
      dc = g.c0();
    }
    return new Tensor[] {dEmb, dh, dc};
  }

  /** From dH̃_t (in dStep), the gradient of step t's RNN output h_t. */
  private Tensor outputGradient(int t, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
    LuongAttention.Step att = atts.get(t);
    if (bahdanau) {
      dConcat = own(o, attention.readoutBackward(att, dStep));
      be.copy(Mat.of(dConcat).cols(m, hd), Mat.of(dOut));
      return dOut;
    }
    if (feeding) {
      be.axpby(1f, dFed, 1f, dStep);
    }
    be.fill(dQuery, 0f);
    stepWeightGradient(t, dWeights);
    attention.backward(att, dStep, dQuery, dMemory, dW, dCoverage);
    addCoverageGradient();
    return dQuery;
  }

  /**
   * The gradient of the fed part of step t's input (columns E.. of {@code g.input()}): with
   * feeding, kept in dFed for step t - 1's h̃; with Bahdanau, the context's, which goes on through
   * the attention scores to the query, the top layer of h_{t-1}, added into {@code g.h0()}.
   */
  private void fedGradient(
      int t, RecurrentGradients g, Tensor dMemory, Tensor dWeights, List<AutoCloseable> o) {
    if (!bahdanau) {
      if (feeding) {
        be.copy(Mat.of(g.input()).cols(e, hd), Mat.of(dFed));
      }
      return;
    }
    // The context fed the readout and the RNN input: add the two gradients.
    Tensor dContext = own(o, be.zeros(b, 1, m));
    be.copy(Mat.of(g.input()).cols(e, m), Mat.of(dContext));
    Tensor dRead = own(o, be.zeros(b, 1, m));
    be.copy(Mat.of(dConcat).cols(0, m), Mat.of(dRead));
    be.axpby(1f, dRead, 1f, dContext);
    be.copy(Mat.of(dContext), Mat.of(dConcat).cols(0, m));
    be.fill(dQuery, 0f);
    stepWeightGradient(t, dWeights);
    attention.attendBackward(atts.get(t), dConcat, dQuery, dMemory, dW, dCoverage);
    addCoverageGradient();
    // The query was the top layer of h_{t-1}.
    Tensor dTop = own(o, be.zeros(b, 1, hd));
    be.copy(Mat.of(g.h0()).rows(top * b, b), Mat.of(dTop));
    be.axpby(1f, dQuery, 1f, dTop);
    be.copy(Mat.of(dTop), Mat.of(g.h0()).rows(top * b, b));
  }

  /**
   * Step t's attention-weight gradient into dW: the direct one (B, T, S) (copying, the coverage
   * loss) if any, plus, with coverage attention, what the later steps' scores sent back through
   * their coverage (a_t is part of every later cov_{t''}).
   */
  private void stepWeightGradient(int t, Tensor dWeights) {
    if (dW == null) {
      return;
    }
    if (dWeights != null) {
      be.copy(Mat.step(dWeights, t), Mat.of(dW));
    } else {
      be.fill(dW, 0f);
    }
    if (covered) {
      be.axpby(1f, dCoverageLater, 1f, dW);
    }
  }

  /** Coverage attention: step t's coverage gradient joins those of the steps after it. */
  private void addCoverageGradient() {
    if (covered) {
      be.axpby(1f, dCoverage, 1f, dCoverageLater);
    }
  }
}
