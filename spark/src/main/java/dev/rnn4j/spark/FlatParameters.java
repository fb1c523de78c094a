package dev.rnn4j.spark;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.util.List;

/**
 * All parameters (or gradients) of a model as one flat host vector: the concatenation of each
 * tensor's row-major elements in {@code parameters()} order. This is what travels between driver
 * and executors. Setters overwrite (=), they do not accumulate.
 */
final class FlatParameters {
  private FlatParameters() {}

  /** Σ numel over the parameters. */
  static int size(List<Parameter> ps) {
    long n = 0;
    for (Parameter p : ps) {
      n += p.value().numel();
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          n + " parameters do not fit one Java array; rnn4j-spark handles up to 2^31 - 1");
    }
    return (int) n;
  }

  static float[] values(List<Parameter> ps) {
    return gather(ps, false);
  }

  static float[] gradients(List<Parameter> ps) {
    return gather(ps, true);
  }

  static void setValues(List<Parameter> ps, float[] flat) {
    scatter(ps, flat, false);
  }

  static void setGradients(List<Parameter> ps, float[] flat) {
    scatter(ps, flat, true);
  }

  private static float[] gather(List<Parameter> ps, boolean grads) {
    float[] out = new float[size(ps)];
    int off = 0;
    for (Parameter p : ps) {
      Tensor t = grads ? p.grad() : p.value();
      float[] h = t.backend().download(t);
      System.arraycopy(h, 0, out, off, h.length);
      off += h.length;
    }
    return out;
  }

  private static void scatter(List<Parameter> ps, float[] flat, boolean grads) {
    int n = size(ps);
    if (flat.length != n) {
      throw new IllegalArgumentException(
          "flat vector has "
              + flat.length
              + " entries, the model has "
              + n
              + " parameters; were driver and executors given different model shapes?");
    }
    int off = 0;
    for (Parameter p : ps) {
      Tensor t = grads ? p.grad() : p.value();
      Backend be = t.backend();
      int len = (int) t.numel();
      float[] part = new float[len];
      System.arraycopy(flat, off, part, 0, len);
      try (Tensor up = be.upload(part, t.shape().dims())) {
        be.copy(up, t);
      }
      off += len;
    }
  }
}
