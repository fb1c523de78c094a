package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * A partial sum sent from executors to the driver: the summed loss and target tokens of some
 * examples, a vector (summed gradients, or summed parameters for averaging), and how many
 * contributions the vector holds. A null vector stands for zeros (a shard with nothing to add).
 */
record Partial(double lossSum, long tokens, long count, float[] vector) implements Serializable {
  static final Partial ZERO = new Partial(0, 0, 0, null);

  /** this + other, elementwise in float, into a new array (inputs unchanged). */
  Partial plus(Partial o) {
    float[] v;
    if (vector == null) {
      v = o.vector;
    } else if (o.vector == null) {
      v = vector;
    } else {
      if (vector.length != o.vector.length) {
        throw new IllegalStateException(
            "partial sums of different sizes: " + vector.length + " and " + o.vector.length);
      }
      v = new float[vector.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = vector[i] + o.vector[i];
      }
    }
    return new Partial(lossSum + o.lossSum, tokens + o.tokens, count + o.count, v);
  }
}
