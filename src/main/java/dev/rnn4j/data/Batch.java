package dev.rnn4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of B examples, row-major, ready to upload. With S the longest source and T the
 * longest target plus one:
 *
 * <ul>
 *   <li>{@code source} (B, S): source ids, then {@link Vocabulary#PAD};
 *   <li>{@code sourceLengths} (B): real source lengths, each in [1, S];
 *   <li>{@code sourceMask} (B, S): 1 for real steps, 0 for padding;
 *   <li>{@code targetInput} (B, T): {@link Vocabulary#BOS}, y, then PAD (decoder input);
 *   <li>{@code targetOutput} (B, T): y, {@link Vocabulary#EOS}, then PAD (decoder target);
 *   <li>{@code targetLengths} (B): |y| + 1, each in [1, T];
 *   <li>{@code targetMask} (B, T): 1 where {@code targetOutput} is real (EOS included), else 0;
 *   <li>{@code indices} (B): position of each row's example in the list it came from.
 * </ul>
 *
 * <p>The arrays are owned by the batch; do not modify them. Thread-safety: safe to share once
 * built.
 */
public record Batch(
    int size,
    int sourceSteps,
    int targetSteps,
    int[] source,
    int[] sourceLengths,
    int[] sourceMask,
    int[] targetInput,
    int[] targetOutput,
    int[] targetLengths,
    int[] targetMask,
    int[] indices) {

  /**
   * Pads {@code examples[indices[0]], examples[indices[1]], ...} into one batch.
   *
   * @throws IllegalArgumentException if {@code indices} is empty or an index is out of range
   */
  public static Batch of(List<Example> examples, int[] indices) {
    int b = indices.length;
    if (b == 0) {
      throw new IllegalArgumentException("a batch needs at least one example");
    }
    int s = 0;
    int t = 0;
    for (int i : indices) {
      if (i < 0 || i >= examples.size()) {
        throw new IllegalArgumentException(
            "example index " + i + " is outside [0, " + examples.size() + ")");
      }
      Example e = examples.get(i);
      s = Math.max(s, e.source().length);
      t = Math.max(t, e.target().length + 1);
    }
    int[] src = new int[b * s];
    int[] srcLen = new int[b];
    int[] srcMask = new int[b * s];
    int[] tgtIn = new int[b * t];
    int[] tgtOut = new int[b * t];
    int[] tgtLen = new int[b];
    int[] tgtMask = new int[b * t];
    // PAD is 0, so the fresh arrays are already padded.
    for (int r = 0; r < b; r++) {
      Example e = examples.get(indices[r]);
      int[] x = e.source();
      int[] y = e.target();
      System.arraycopy(x, 0, src, r * s, x.length);
      Arrays.fill(srcMask, r * s, r * s + x.length, 1);
      srcLen[r] = x.length;
      tgtIn[r * t] = Vocabulary.BOS;
      System.arraycopy(y, 0, tgtIn, r * t + 1, y.length);
      System.arraycopy(y, 0, tgtOut, r * t, y.length);
      tgtOut[r * t + y.length] = Vocabulary.EOS;
      Arrays.fill(tgtMask, r * t, r * t + y.length + 1, 1);
      tgtLen[r] = y.length + 1;
    }
    return new Batch(
        b, s, t, src, srcLen, srcMask, tgtIn, tgtOut, tgtLen, tgtMask, indices.clone());
  }

  /** Number of real target tokens (EOS included): the sum of {@code targetLengths}. */
  public int targetTokens() {
    int n = 0;
    for (int len : targetLengths) {
      n += len;
    }
    return n;
  }
}
