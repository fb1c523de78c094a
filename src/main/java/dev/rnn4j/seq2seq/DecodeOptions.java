package dev.rnn4j.seq2seq;

/**
 * Options of greedy and beam-search decoding.
 *
 * @param beamSize hypotheses kept per input (1 = greedy)
 * @param lengthPenalty α of the GNMT length normalisation score / ((5 + len) / 6)^α; 0 ranks by
 *     total log-probability
 * @param maxLenRatio a hypothesis stops after {@code maxLenRatio * srcLen + maxLenExtra} tokens
 * @param maxLenExtra see maxLenRatio
 * @param nBest hypotheses returned per input (<= beamSize)
 * @param keepAttention whether to return the attention weights of each returned hypothesis
 * @param maxBatch inputs decoded together
 */
public record DecodeOptions(
    int beamSize,
    float lengthPenalty,
    float maxLenRatio,
    int maxLenExtra,
    int nBest,
    boolean keepAttention,
    int maxBatch) {
  public DecodeOptions {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
    }
    if (nBest < 1 || nBest > beamSize) {
      throw new IllegalArgumentException(
          "n-best must be in [1, beam size " + beamSize + "], got " + nBest);
    }
    if (!(lengthPenalty >= 0)) {
      throw new IllegalArgumentException("length penalty must be >= 0, got " + lengthPenalty);
    }
    if (!(maxLenRatio > 0) || maxLenExtra < 0) {
      throw new IllegalArgumentException(
          "need maxLenRatio > 0 and maxLenExtra >= 0, got " + maxLenRatio + " and " + maxLenExtra);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
  }

  /** Greedy decoding. */
  public static DecodeOptions greedy() {
    return new DecodeOptions(1, 0f, 2f, 10, 1, false, 64);
  }

  /** Beam search of width k with length penalty 0.6 (GNMT's default). */
  public static DecodeOptions beam(int k) {
    return new DecodeOptions(k, 0.6f, 2f, 10, 1, false, 64);
  }

  public DecodeOptions withNBest(int n) {
    return new DecodeOptions(
        beamSize, lengthPenalty, maxLenRatio, maxLenExtra, n, keepAttention, maxBatch);
  }

  public DecodeOptions withAttention(boolean keep) {
    return new DecodeOptions(
        beamSize, lengthPenalty, maxLenRatio, maxLenExtra, nBest, keep, maxBatch);
  }

  /** Maximum output length (without EOS) for a source of the given length. */
  int maxLength(int srcLen) {
    return (int) Math.ceil(maxLenRatio * srcLen) + maxLenExtra;
  }

  double normalise(double logProb, int len) {
    return lengthPenalty == 0 ? logProb : logProb / Math.pow((5.0 + len) / 6.0, lengthPenalty);
  }
}
