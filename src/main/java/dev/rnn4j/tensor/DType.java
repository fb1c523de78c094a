package dev.rnn4j.tensor;

/** Element type of a {@link Tensor}. Every element, of either type, is 4 bytes wide. */
public enum DType {
  /** IEEE-754 single precision: activations, weights, gradients. */
  FLOAT32,
  /** Signed 32-bit integers: token ids, class targets, sequence lengths. */
  INT32;

  /** Bytes per element (4 for both types). */
  public int byteSize() {
    return 4;
  }
}
