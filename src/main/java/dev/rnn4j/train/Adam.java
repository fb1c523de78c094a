package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015), or AdamW (decoupled weight decay, Loshchilov and Hutter 2019) when
 * weightDecay > 0; the same formulas as {@code torch.optim.Adam}/{@code AdamW}. Moments live on the
 * parameters' backend.
 */
public final class Adam implements Optimizer {
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private float lr;
  private long step;
  private final Map<Parameter, Tensor[]> moments = new IdentityHashMap<>();

  public Adam(float lr, float beta1, float beta2, float eps, float weightDecay) {
    if (!(lr > 0)
        || !(beta1 >= 0 && beta1 < 1)
        || !(beta2 >= 0 && beta2 < 1)
        || !(eps > 0)
        || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "Adam: need lr > 0, 0 <= beta1, beta2 < 1, eps > 0, weightDecay >= 0; got lr="
              + lr
              + " beta1="
              + beta1
              + " beta2="
              + beta2
              + " eps="
              + eps
              + " weightDecay="
              + weightDecay);
    }
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** Adam with PyTorch's defaults (β = 0.9, 0.999; ε = 1e-8; no weight decay). */
  public Adam(float lr) {
    this(lr, 0.9f, 0.999f, 1e-8f, 0f);
  }

  @Override
  public void step(List<Parameter> parameters) {
    step++;
    for (Parameter p : parameters) {
      Tensor[] mv =
          moments.computeIfAbsent(
              p,
              k ->
                  new Tensor[] {
                    k.value().backend().zeros(k.value().dtype(), k.value().shape()),
                    k.value().backend().zeros(k.value().dtype(), k.value().shape())
                  });
      p.value()
          .backend()
          .adamUpdate(p.value(), p.grad(), mv[0], mv[1], lr, beta1, beta2, eps, weightDecay, step);
    }
  }

  /** The first and second moments of a parameter (null before its first step), for checkpoints. */
  public Tensor[] moments(Parameter p) {
    return moments.get(p);
  }

  /** Restores the step count (for resuming from a checkpoint). */
  public void setSteps(long steps) {
    this.step = steps;
  }

  /** Restores a parameter's moments (for resuming from a checkpoint). */
  public void setMoments(Parameter p, float[] m, float[] v) {
    Tensor[] mv = moments.remove(p);
    if (mv != null) {
      mv[0].close();
      mv[1].close();
    }
    int[] dims = p.value().shape().dims();
    moments.put(
        p, new Tensor[] {p.value().backend().upload(m, dims), p.value().backend().upload(v, dims)});
  }

  @Override
  public float learningRate() {
    return lr;
  }

  @Override
  public void setLearningRate(float lr) {
    this.lr = lr;
  }

  @Override
  public long steps() {
    return step;
  }

  @Override
  public void close() {
    for (Tensor[] mv : moments.values()) {
      mv[0].close();
      mv[1].close();
    }
    moments.clear();
  }
}
