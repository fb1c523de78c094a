package dev.rnn4j.data;

import java.util.Arrays;

/**
 * One training pair as token ids, without BOS or EOS (the {@link Batcher} adds them). The arrays
 * are not copied; do not modify them afterwards.
 *
 * @param source source ids, at least one
 * @param target target ids, possibly none
 */
public record Example(int[] source, int[] target) {
  public Example {
    if (source == null || source.length == 0) {
      throw new IllegalArgumentException(
          "source must hold at least one id; filter empty sources when reading the corpus");
    }
    if (target == null) {
      throw new IllegalArgumentException("target is null; use an empty array for no target");
    }
    checkIds("source", source);
    checkIds("target", target);
  }

  private static void checkIds(String side, int[] ids) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0) {
        throw new IllegalArgumentException(
            side + " id " + i + " is negative (" + ids[i] + ") in " + Arrays.toString(ids));
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e
        && Arrays.equals(source, e.source)
        && Arrays.equals(target, e.target);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(source) + Arrays.hashCode(target);
  }

  @Override
  public String toString() {
    return "Example" + Arrays.toString(source) + " -> " + Arrays.toString(target);
  }
}
