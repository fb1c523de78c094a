package dev.rnn4j.nn;

import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensors allocated together and released together: add each as it is allocated, close the group
 * once (also when an exception cuts the work short, so nothing leaks).
 */
final class Tensors implements AutoCloseable {
  private final List<Tensor> owned = new ArrayList<>();

  /** Takes ownership of t and returns it. */
  Tensor add(Tensor t) {
    owned.add(t);
    return t;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    owned.clear();
    if (first != null) {
      throw first;
    }
  }
}
