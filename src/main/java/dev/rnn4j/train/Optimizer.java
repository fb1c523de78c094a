package dev.rnn4j.train;

import dev.rnn4j.nn.Parameter;
import java.util.List;

/**
 * Updates parameters from their gradients. Holds per-parameter state (moments) on the parameters'
 * backend: close it when done. Not thread-safe.
 */
public interface Optimizer extends AutoCloseable {
  /** One update of every parameter from its current gradient. */
  void step(List<Parameter> parameters);

  /** The learning rate used by the next step. */
  float learningRate();

  /** Sets the learning rate (schedules call this between steps). */
  void setLearningRate(float lr);

  /** Number of steps taken. */
  long steps();

  @Override
  void close();
}
