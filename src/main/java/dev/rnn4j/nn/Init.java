package dev.rnn4j.nn;

import java.util.SplittableRandom;

/** Parameter initialisation shared by the modules (PyTorch's defaults). */
public final class Init {
  private Init() {}

  /** n values from U(-bound, bound), drawn in order from {@code rng}. */
  public static float[] uniform(SplittableRandom rng, int n, float bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    return v;
  }
}
