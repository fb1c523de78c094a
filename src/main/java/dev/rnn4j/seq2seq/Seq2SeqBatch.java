package dev.rnn4j.seq2seq;

import dev.rnn4j.data.Batch;

/**
 * One padded batch of id sequences (row-major, PAD = 0). {@code tgtIn} is BOS + y, {@code tgtOut}
 * is y + EOS, both of length {@code tgtLen}; lengths count real tokens (tgt lengths include the
 * BOS/EOS step).
 */
public record Seq2SeqBatch(
    int size,
    int srcLen,
    int tgtLen,
    int[] src,
    int[] srcLengths,
    int[] tgtIn,
    int[] tgtOut,
    int[] tgtLengths) {
  public Seq2SeqBatch {
    if (size < 1 || srcLen < 1 || tgtLen < 1) {
      throw new IllegalArgumentException(
          "batch sizes must be >= 1, got size=" + size + " srcLen=" + srcLen + " tgtLen=" + tgtLen);
    }
    check("src", src, size * srcLen);
    check("srcLengths", srcLengths, size);
    check("tgtIn", tgtIn, size * tgtLen);
    check("tgtOut", tgtOut, size * tgtLen);
    check("tgtLengths", tgtLengths, size);
    for (int b = 0; b < size; b++) {
      if (srcLengths[b] < 1 || srcLengths[b] > srcLen) {
        throw new IllegalArgumentException(
            "srcLengths[" + b + "] = " + srcLengths[b] + " is outside [1, " + srcLen + "]");
      }
      if (tgtLengths[b] < 1 || tgtLengths[b] > tgtLen) {
        throw new IllegalArgumentException(
            "tgtLengths[" + b + "] = " + tgtLengths[b] + " is outside [1, " + tgtLen + "]");
      }
    }
  }

  private static void check(String what, int[] a, int n) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException(
          what + ": expected " + n + " entries, got " + (a == null ? "null" : a.length));
    }
  }

  /** Number of target tokens that count in the loss (Σ tgtLengths). */
  public int targetTokens() {
    int n = 0;
    for (int l : tgtLengths) {
      n += l;
    }
    return n;
  }

  /** The model's view of a padded data batch: the same arrays, not copied. */
  public static Seq2SeqBatch of(Batch b) {
    return new Seq2SeqBatch(
        b.size(),
        b.sourceSteps(),
        b.targetSteps(),
        b.source(),
        b.sourceLengths(),
        b.targetInput(),
        b.targetOutput(),
        b.targetLengths());
  }

  /** Builds a batch from unpadded sequences: src ids and target ids (without BOS/EOS). */
  public static Seq2SeqBatch of(int[][] srcSeqs, int[][] tgtSeqs, int bos, int eos) {
    int n = srcSeqs.length;
    if (tgtSeqs.length != n || n == 0) {
      throw new IllegalArgumentException(
          "need the same non-zero number of sources and targets, got "
              + n
              + " and "
              + tgtSeqs.length);
    }
    int sl = 1;
    int tl = 1;
    for (int i = 0; i < n; i++) {
      if (srcSeqs[i].length == 0) {
        throw new IllegalArgumentException("source " + i + " is empty");
      }
      sl = Math.max(sl, srcSeqs[i].length);
      tl = Math.max(tl, tgtSeqs[i].length + 1);
    }
    int[] src = new int[n * sl];
    int[] sLen = new int[n];
    int[] tin = new int[n * tl];
    int[] tout = new int[n * tl];
    int[] tLen = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(srcSeqs[i], 0, src, i * sl, srcSeqs[i].length);
      sLen[i] = srcSeqs[i].length;
      int[] y = tgtSeqs[i];
      tin[i * tl] = bos;
      System.arraycopy(y, 0, tin, i * tl + 1, y.length);
      System.arraycopy(y, 0, tout, i * tl, y.length);
      tout[i * tl + y.length] = eos;
      tLen[i] = y.length + 1;
    }
    return new Seq2SeqBatch(n, sl, tl, src, sLen, tin, tout, tLen);
  }
}
