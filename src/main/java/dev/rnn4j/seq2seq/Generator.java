package dev.rnn4j.seq2seq;

import static dev.rnn4j.seq2seq.Resources.own;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Init;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The output layer and the training loss. Logits = h̃ W_gᵀ + b_g with {@code generator.weight} (V,
 * H) — or the decoder embedding when tied — and {@code generator.bias} (V). The loss is the
 * label-smoothed cross-entropy over target tokens, or with copy attention the pointer-generator
 * mixture's negative log-likelihood ({@link CopyGenerator}, {@link CopyLoss}); the coverage loss
 * (weight λ) is computed beside it. Decoding turns one step's h̃ into log-probabilities ({@link
 * #emit}). Parameter gradients accumulate. Thread-safety as the model.
 */
final class Generator implements Module {
  private final Backend be;
  private final Seq2SeqConfig cfg;
  private final Parameter weight; // (V, H): own, or the decoder embedding when tied
  private final boolean tied;
  private final Parameter bias; // (V)
  private final CopyGenerator copy; // null without copy attention

  /**
   * Draws W_g (unless {@code tiedWeight}, the decoder embedding, is given), b_g and the copy
   * switch's weights from {@code rng}, in that order.
   */
  Generator(Backend be, Seq2SeqConfig cfg, Parameter tiedWeight, SplittableRandom rng) {
    this.be = be;
    this.cfg = cfg;
    this.tied = tiedWeight != null;
    float bound = (float) (1 / Math.sqrt(cfg.decoderHidden()));
    List<AutoCloseable> made = new ArrayList<>();
    try {
      this.weight =
          tied
              ? tiedWeight
              : own(
                  made,
                  new Parameter(
                      "generator.weight",
                      be.upload(
                          Init.uniform(rng, cfg.tgtVocab() * cfg.decoderHidden(), bound),
                          cfg.tgtVocab(),
                          cfg.decoderHidden())));
      this.bias =
          own(
              made,
              new Parameter(
                  "generator.bias",
                  be.upload(Init.uniform(rng, cfg.tgtVocab(), bound), cfg.tgtVocab())));
      this.copy = cfg.copyAttention() ? new CopyGenerator(be, cfg.decoderHidden(), rng) : null;
    } catch (RuntimeException e) {
      Resources.closeAll(made);
      throw e;
    }
  }

  /** W_g (unless tied), b_g, then the copy switch's w and b. */
  @Override
  public List<Parameter> parameters() {
    List<Parameter> p = new ArrayList<>();
    if (!tied) {
      p.add(weight);
    }
    p.add(bias);
    if (copy != null) {
      p.addAll(copy.parameters());
    }
    return p;
  }

  @Override
  public Backend backend() {
    return be;
  }

  /** Whether the output mixes in copies of source tokens (pointer-generator). */
  boolean copies() {
    return copy != null;
  }

  /**
   * What the loss's backward needs: {@code probs} (B·T, V), the logits overwritten by the
   * cross-entropy's softmax (owned by the forward's list); with copy attention or coverage, the
   * pointer-generator result (or null), p_gen per row and the gradient of the attention weights
   * (B·T·S on the host).
   */
  record Forward(
      Tensor probs,
      double loss,
      double coverage,
      CopyLoss.Result pointer,
      float[] gate,
      float[] dAttention) {}

  /**
   * The loss of the states h̃ (B, T, H) (after dropout) against {@code targets} (B·T, −1 for
   * padding; {@code hostTargets} the same on the host): the cross-entropy (or the copy mixture's
   * NLL) summed over tokens and the λ-weighted coverage loss of the attention weights, which {@code
   * attention} supplies (B, T, S) when copying or coverage needs them. Tensors go to {@code open}.
   */
  Forward forward(
      Tensor states,
      Tensor targets,
      int[] hostTargets,
      Seq2SeqBatch batch,
      float smoothing,
      float gradScale,
      boolean train,
      Supplier<Tensor> attention,
      List<AutoCloseable> open) {
    int rows = Mat.of(states).rows();
    Tensor logits = own(open, be.zeros(rows, cfg.tgtVocab()));
    be.gemm(Mat.of(states), false, Mat.of(weight.value()), true, Mat.of(logits), 1f, 0f);
    be.addRowVector(Mat.of(logits), bias.value());
    Tensor losses = own(open, be.zeros(rows));
    if (copy != null && smoothing > 0) {
      throw new IllegalArgumentException(
          "label smoothing "
              + smoothing
              + " does not combine with copy attention (the copy distribution has no uniform"
              + " share); train with label smoothing 0");
    }
    double loss = be.crossEntropyForward(logits, targets, -1, smoothing, logits, losses);
    if (copy == null && cfg.coverageLoss() == 0f) {
      return new Forward(logits, loss, 0, null, null, null);
    }
    int b = batch.size();
    int s = batch.srcLen();
    int t = batch.tgtLen();
    float[] attn = be.download(attention.get());
    CopyLoss.Result pointer = null;
    float[] gate = null;
    float[] dAttn = null; // the copy loss's, or zeros for the coverage loss alone (training only)
    if (copy != null) {
      gate = copy.gate(states);
      pointer =
          CopyLoss.pointerGenerator(
              gate,
              be.download(losses),
              attn,
              batch.src(),
              batch.srcLengths(),
              hostTargets,
              b,
              t,
              s,
              cfg.tgtVocab(),
              gradScale);
      dAttn = pointer.dAttn();
      loss = pointer.loss();
    }
    double coverage = 0;
    if (cfg.coverageLoss() > 0) {
      if (train && dAttn == null) {
        dAttn = new float[b * t * s];
      }
      coverage =
          CopyLoss.coverage(
              attn,
              batch.srcLengths(),
              batch.tgtLengths(),
              b,
              t,
              s,
              cfg.coverageLoss(),
              gradScale,
              train ? dAttn : null);
    }
    return new Forward(logits, loss, coverage, pointer, gate, dAttn);
  }

  /**
   * Backward of {@link #forward} scaled by {@code gradScale}: adds the generator's parameter
   * gradients and returns d/dh̃ (B, T, H) (owned by {@code open}); {@code f.probs} is overwritten.
   */
  Tensor backward(
      Forward f,
      Tensor states,
      Tensor targets,
      float smoothing,
      float gradScale,
      List<AutoCloseable> open) {
    Tensor probs = f.probs();
    if (f.pointer() == null) {
      be.crossEntropyBackward(probs, targets, -1, smoothing, gradScale, probs);
    } else {
      // dLogits = rowScale · (p − onehot(y)); rowScale carries gradScale.
      be.crossEntropyBackward(probs, targets, -1, 0f, 1f, probs);
      try (Tensor rowScale = be.upload(f.pointer().rowScale(), Mat.of(probs).rows())) {
        be.scaleRows(probs, rowScale);
      }
    }
    be.gemm(Mat.of(probs), true, Mat.of(states), false, Mat.of(weight.grad()), 1f, 1f);
    be.sumRows(Mat.of(probs), bias.grad(), 1f);
    Tensor dStates = own(open, be.zeros(states.shape().dims()));
    be.gemm(Mat.of(probs), false, Mat.of(weight.value()), false, Mat.of(dStates), 1f, 0f);
    if (f.pointer() != null) {
      copy.gateBackward(f.pointer().dGate(), f.gate(), states, dStates);
    }
    return dStates;
  }

  /**
   * The source tokens copy attention can copy, per hypothesis: ids (N, S) and lengths (N) on the
   * host.
   */
  record CopySources(int[] ids, int[] lengths, int srcLen) {}

  /**
   * One decoding step: log-probabilities of h̃ (N, H) into {@code logits} (N, W) (and into {@code
   * logProbs} on the host unless null), the attention weights (N, S) into {@code attnOut} unless it
   * or {@code attnWeights} is null. W is V, or with copy attention V plus the source-only words'
   * ids of {@code sources}, and the log-probabilities are those of the pointer-generator mixture.
   */
  void emit(
      Tensor hTilde,
      Tensor attnWeights,
      Tensor logits,
      float[] logProbs,
      float[] attnOut,
      CopySources sources) {
    int rows = Mat.of(hTilde).rows();
    boolean extended = logits.numel() != (long) rows * cfg.tgtVocab();
    if (extended && copy == null) {
      throw new IllegalArgumentException(
          "log-probability tensor "
              + logits.shape()
              + " is wider than the vocabulary ("
              + rows
              + ", "
              + cfg.tgtVocab()
              + "), but only a copy-attention model extends it");
    }
    try (Tensor scores = extended ? be.zeros(rows, cfg.tgtVocab()) : null) {
      Tensor vocabScores = extended ? scores : logits;
      be.gemm(Mat.of(hTilde), false, Mat.of(weight.value()), true, Mat.of(vocabScores), 1f, 0f);
      be.addRowVector(Mat.of(vocabScores), bias.value());
      if (copy == null) {
        be.logSoftmax(logits, logits);
      } else {
        mixCopy(hTilde, attnWeights, vocabScores, logits, sources);
      }
    }
    if (logProbs != null) {
      float[] lp = be.download(logits);
      System.arraycopy(lp, 0, logProbs, 0, lp.length);
    }
    if (attnOut != null && attnWeights != null) {
      float[] w = be.download(attnWeights);
      System.arraycopy(w, 0, attnOut, 0, w.length);
    }
  }

  /**
   * scores (N, V) → log of the pointer-generator mixture (N, W) in {@code out} (which may be {@code
   * scores} when W = V): the log-softmax on the backend, the mixture on the host ({@link
   * CopyGenerator#mixLog}: one addition per entry, a logarithm only for the copied ones; a device
   * kernel for it is future work).
   */
  private void mixCopy(
      Tensor hTilde, Tensor attnWeights, Tensor scores, Tensor out, CopySources sources) {
    be.logSoftmax(scores, scores);
    float[] logp = be.download(scores);
    float[] gate = copy.gate(hTilde);
    float[] attn = be.download(attnWeights);
    int width = (int) (out.numel() / gate.length);
    float[] mixed =
        CopyGenerator.mixLog(
            logp, gate, attn, sources.ids(), sources.lengths(), sources.srcLen(), width);
    try (Tensor u = be.upload(mixed, gate.length, width)) {
      be.copy(u, out);
    }
  }
}
