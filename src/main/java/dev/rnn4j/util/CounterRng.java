package dev.rnn4j.util;

/**
 * A counter-based generator: the value for (seed, index) is a pure function, so dropout masks are
 * the same for any thread split and on every backend. The mix is SplitMix64's finaliser (Steele,
 * Lea and Flood 2014) applied to seed ⊕ golden-ratio multiples of the index; the CUDA kernel
 * computes the same function.
 */
public final class CounterRng {
  private CounterRng() {}

  /** A 64-bit hash of (seed, index). */
  public static long bits(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform float in [0, 1) from the top 24 bits of {@link #bits}. */
  public static float uniform(long seed, long index) {
    return (bits(seed, index) >>> 40) * 0x1.0p-24f;
  }
}
