package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A lookup table as PyTorch's {@code nn.Embedding}: weight (V, E) initialised N(0, 1), with an
 * optional padding index whose row starts at zero and receives no gradient. Thread-safety as {@link
 * RecurrentLayer}.
 */
public final class Embedding implements Module {
  private final Backend backend;
  private final int vocab;
  private final int dim;
  private final int paddingIdx;
  private final Parameter weight;

  /**
   * @param name parameter name (e.g. {@code encoder.embedding.weight})
   * @param paddingIdx the padding id in [0, V), or -1 for none
   */
  public Embedding(Backend backend, String name, int vocab, int dim, int paddingIdx, long seed) {
    if (vocab < 1 || dim < 1) {
      throw new IllegalArgumentException(
          "Embedding sizes must be >= 1, got vocab=" + vocab + " dim=" + dim);
    }
    if (paddingIdx < -1 || paddingIdx >= vocab) {
      throw new IllegalArgumentException(
          "paddingIdx " + paddingIdx + " is outside [0, " + vocab + ") (use -1 for none)");
    }
    this.backend = backend;
    this.vocab = vocab;
    this.dim = dim;
    this.paddingIdx = paddingIdx;
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[vocab * dim];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) gaussian(r);
    }
    if (paddingIdx >= 0) {
      java.util.Arrays.fill(w, paddingIdx * dim, (paddingIdx + 1) * dim, 0f);
    }
    this.weight = new Parameter(name, backend.upload(w, vocab, dim));
  }

  static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  public int vocabSize() {
    return vocab;
  }

  public int dim() {
    return dim;
  }

  public Parameter weight() {
    return weight;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight);
  }

  /** out (N, E) = weight[ids]; ids INT32 with N entries of any shape. */
  public Tensor forward(Tensor ids, int... outDims) {
    if (ids.dtype() != DType.INT32) {
      throw new IllegalArgumentException("Embedding ids must be INT32, got " + ids.dtype());
    }
    Tensor out = backend.zeros(outDims);
    if (out.numel() != ids.numel() * dim) {
      out.close();
      throw new IllegalArgumentException(
          "Embedding output shape " + out.shape() + " does not hold " + ids.numel() + " x " + dim);
    }
    try {
      backend.embeddingGather(weight.value(), ids, out);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** weight.grad[ids[n]] += dOut[n] (skipping the padding index). */
  public void backward(Tensor ids, Tensor dOut) {
    backend.embeddingScatterAdd(dOut, ids, paddingIdx, weight.grad());
  }
}
