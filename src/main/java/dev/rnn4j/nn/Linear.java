package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * y = x W^T + b, as PyTorch's {@code nn.Linear}: weight (out, in), bias (out), initialised
 * U(-1/√in, 1/√in). Inputs are (N, in) matrices (any leading shape flattened into rows). Gradients
 * of W and b accumulate; the input gradient is returned. Thread-safety as {@link RecurrentLayer}.
 */
public final class Linear implements Module {
  private final Backend backend;
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param prefix name prefix of the parameters ("" gives {@code weight} and {@code bias})
   * @param withBias whether there is a bias
   */
  public Linear(Backend backend, String prefix, int in, int out, boolean withBias, long seed) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("Linear sizes must be >= 1, got in=" + in + " out=" + out);
    }
    this.backend = backend;
    this.in = in;
    this.out = out;
    SplittableRandom r = new SplittableRandom(seed);
    float bound = (float) (1 / Math.sqrt(in));
    this.weight =
        new Parameter(prefix + "weight", backend.upload(Init.uniform(r, out * in, bound), out, in));
    this.bias =
        withBias
            ? new Parameter(prefix + "bias", backend.upload(Init.uniform(r, out, bound), out))
            : null;
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  private Mat rows(String what, Tensor x, int cols) {
    if (x.dtype() != DType.FLOAT32 || x.shape().rank() < 1 || x.shape().dim(-1) != cols) {
      throw new IllegalArgumentException(
          "Linear "
              + what
              + ": expected FLOAT32 (..., "
              + cols
              + "), got "
              + x.dtype()
              + " "
              + x.shape());
    }
    return Mat.of(x);
  }

  /** y (N, out) = x (N, in) W^T + b, into a new tensor. */
  public Tensor forward(Tensor x) {
    Mat xm = rows("input", x, in);
    Tensor y = backend.zeros(xm.rows(), out);
    forward(xm, Mat.of(y));
    return y;
  }

  /** y = x W^T + b into a given (N, out) view. */
  public void forward(Mat x, Mat y) {
    backend.gemm(x, false, Mat.of(weight.value()), true, y, 1f, 0f);
    if (bias != null) {
      backend.addRowVector(y, bias.value());
    }
  }

  /**
   * Accumulates dW += dy^T x and db += Σ dy; writes dx = dy W into {@code dx} (null to skip). x (N,
   * in), dy (N, out), dx (N, in).
   */
  public void backward(Mat x, Mat dy, Mat dx) {
    backend.gemm(dy, true, x, false, Mat.of(weight.grad()), 1f, 1f);
    if (bias != null) {
      backend.sumRows(dy, bias.grad(), 1f);
    }
    if (dx != null) {
      backend.gemm(dy, false, Mat.of(weight.value()), false, dx, 1f, 0f);
    }
  }
}
