package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** SGD with optional momentum, as {@code torch.optim.SGD} (no dampening, no Nesterov). */
public final class Sgd implements Optimizer {
  private final float momentum;
  private float lr;
  private long step;
  private final Map<Parameter, Tensor> buffers = new IdentityHashMap<>();

  public Sgd(float lr, float momentum) {
    if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException(
          "SGD: need lr > 0 and 0 <= momentum < 1, got lr=" + lr + " momentum=" + momentum);
    }
    this.lr = lr;
    this.momentum = momentum;
  }

  @Override
  public void step(List<Parameter> parameters) {
    step++;
    for (Parameter p : parameters) {
      Tensor buf =
          momentum == 0
              ? p.grad()
              : buffers.computeIfAbsent(
                  p, k -> k.value().backend().zeros(k.value().dtype(), k.value().shape()));
      p.value().backend().sgdUpdate(p.value(), p.grad(), buf, lr, momentum);
    }
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
    buffers.values().forEach(Tensor::close);
    buffers.clear();
  }
}
