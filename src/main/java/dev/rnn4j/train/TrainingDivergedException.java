package dev.rnn4j.train;

/**
 * Training cannot go on: the loss or the gradients stayed non-finite for too many updates in a row,
 * or a weight became non-finite. The message says what diverged, when, and what to try; the
 * checkpoints saved before it are untouched (a non-finite model is never saved).
 */
public class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
