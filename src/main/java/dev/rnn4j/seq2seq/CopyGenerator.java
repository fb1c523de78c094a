package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Init;
import dev.rnn4j.nn.Module;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The copy switch of a pointer-generator output layer (See et al. 2017, in OpenNMT-py's form):
 * p_gen = σ(w · h̃ + b) from the attentional state h̃, and p(w) = p_gen · softmax(W_g h̃ + b_g)[w]
 * + (1 − p_gen) · Σ_{i: x_i = w} a_i, the attention a over source ids x in the same (joint)
 * vocabulary. The loss arithmetic lives in {@link CopyLoss}; this class holds w (1, H) and b (1)
 * and moves data between them and the backend. Thread-safety as the model.
 */
final class CopyGenerator implements Module {
  private final Backend be;
  private final Parameter weight; // (1, H)
  private final Parameter bias; // (1)

  CopyGenerator(Backend be, int hidden, SplittableRandom rng) {
    this.be = be;
    float bound = (float) (1 / Math.sqrt(hidden));
    this.weight =
        new Parameter(
            "generator.copy.weight", be.upload(Init.uniform(rng, hidden, bound), 1, hidden));
    this.bias = new Parameter("generator.copy.bias", be.upload(new float[] {0f}, 1));
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  @Override
  public Backend backend() {
    return be;
  }

  /** p_gen (N) on the host for states h̃ (N, H) (any leading shape with N rows). */
  float[] gate(Tensor states) {
    int rows = Mat.of(states).rows();
    try (Tensor z = be.zeros(rows, 1)) {
      be.gemm(Mat.of(states), false, Mat.of(weight.value()), true, Mat.of(z), 1f, 0f);
      be.addRowVector(Mat.of(z), bias.value());
      float[] g = be.download(z);
      for (int r = 0; r < rows; r++) {
        g[r] = (float) (1 / (1 + Math.exp(-g[r])));
      }
      return g;
    }
  }

  /**
   * Backward of {@link #gate}: from dp_gen (N) and p_gen (N) on the host, accumulates w's and b's
   * gradients and adds d/dh̃ into {@code dStates} (N, H).
   */
  void gateBackward(float[] dGate, float[] gate, Tensor states, Tensor dStates) {
    int rows = gate.length;
    float[] dz = new float[rows];
    for (int r = 0; r < rows; r++) {
      dz[r] = dGate[r] * gate[r] * (1 - gate[r]);
    }
    try (Tensor d = be.upload(dz, rows, 1)) {
      be.gemm(Mat.of(d), true, Mat.of(states), false, Mat.of(weight.grad()), 1f, 1f);
      be.sumRows(Mat.of(d), bias.grad(), 1f);
      be.gemm(Mat.of(d), false, Mat.of(weight.value()), false, Mat.of(dStates), 1f, 1f);
    }
  }

  /**
   * The mixed log-distribution of one decoding step, on the host: from the generator's softmax
   * probs (N, V), p_gen (N), attention (N, S) and the source ids (N, S) each hypothesis reads (its
   * first {@code lengths[n]} count), writes log p (N, W) into {@code out}, W ≥ V: the ids V … W − 1
   * are source-only words, which only copying gives probability.
   */
  static void mix(
      float[] probs, float[] gate, float[] attn, int[] srcIds, int[] lengths, int s, float[] out) {
    int n = gate.length;
    int v = probs.length / n;
    int width = out.length / n;
    for (int r = 0; r < n; r++) {
      float g = gate[r];
      for (int w = 0; w < width; w++) {
        out[r * width + w] = w < v ? g * probs[r * v + w] : 0f;
      }
      for (int i = 0; i < lengths[r]; i++) {
        out[r * width + srcIds[r * s + i]] += (1 - g) * attn[r * s + i];
      }
      for (int w = 0; w < width; w++) {
        out[r * width + w] = (float) Math.log(Math.max(CopyLoss.MIN_PROB, out[r * width + w]));
      }
    }
  }

  /**
   * {@link #mix} from the generator's log-probabilities, in place and without a logarithm per
   * entry: an entry no source position copies becomes log p_gen + log p (floored at log {@link
   * CopyLoss#MIN_PROB}), and only the at most S copied entries of a row are computed in full,
   * log(p_gen · p + (1 − p_gen) · copy). Equal to {@link #mix} up to float rounding, and more exact
   * for probabilities below float's range in p. Ids V … W − 1 are source-only words: only copying
   * gives them probability, and an entry no position copies is floored.
   *
   * @param logp (N, V) log-softmax of the logits; replaced by the mixture's log-probabilities when
   *     W = V
   * @return the mixture's log-probabilities (N, W): {@code logp} itself when W = V
   */
  static float[] mixLog(
      float[] logp, float[] gate, float[] attn, int[] srcIds, int[] lengths, int s, int width) {
    int n = gate.length;
    int v = logp.length / n;
    float floor = (float) Math.log(CopyLoss.MIN_PROB);
    float[] out = logp;
    if (width != v) {
      out = new float[n * width];
      java.util.Arrays.fill(out, floor);
      for (int r = 0; r < n; r++) {
        System.arraycopy(logp, r * v, out, r * width, v);
      }
    }
    mixRows(out, gate, attn, srcIds, lengths, s, v, width, floor);
    return out;
  }

  /** {@link #mixLog} on rows of width W whose first V entries hold the log-softmax. */
  private static void mixRows(
      float[] logp,
      float[] gate,
      float[] attn,
      int[] srcIds,
      int[] lengths,
      int s,
      int v,
      int width,
      float floor) {
    int n = gate.length;
    double[] mass = new double[width];
    int[] touched = new int[s];
    float[] exact = new float[s];
    for (int r = 0; r < n; r++) {
      int off = r * width;
      double g = gate[r];
      int k = 0;
      for (int i = 0; i < lengths[r]; i++) {
        int w = srcIds[r * s + i];
        if (mass[w] == 0) {
          touched[k++] = w;
        }
        mass[w] += (1 - g) * attn[r * s + i];
      }
      for (int j = 0; j < k; j++) {
        int w = touched[j];
        double p = (w < v ? g * Math.exp(logp[off + w]) : 0) + mass[w];
        exact[j] = (float) Math.log(Math.max(CopyLoss.MIN_PROB, p));
        mass[w] = 0;
      }
      float lg = (float) Math.log(g);
      for (int w = off; w < off + v; w++) {
        logp[w] = Math.max(floor, logp[w] + lg);
      }
      for (int j = 0; j < k; j++) {
        logp[off + touched[j]] = exact[j];
      }
    }
  }
}
