package dev.rnn4j;

import java.util.SplittableRandom;

/** Seeded test data. */
public final class Rand {
  private Rand() {}

  /** n values uniform in [-scale, scale). */
  public static float[] uniform(long seed, int n, float scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }
}
