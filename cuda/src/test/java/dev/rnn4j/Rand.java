package dev.rnn4j;

import java.util.SplittableRandom;

/**
 * Seeded test data.
 *
 * <p>A copy of the core module's {@code src/test/java/dev/rnn4j/Rand.java}: the modules share no
 * test classes, since a test-jar dependency breaks {@code mvn -Dmaven.test.skip=true package}
 * (Maven resolves test-scoped dependencies that such a build never makes).
 */
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
