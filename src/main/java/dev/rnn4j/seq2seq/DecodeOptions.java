package dev.rnn4j.seq2seq;

/**
 * Options of greedy and beam-search decoding.
 *
 * @param beamSize hypotheses kept per input (1 = greedy)
 * @param lengthPenalty α of the GNMT length normalisation score / ((5 + len) / 6)^α; 0 ranks by
 *     total log-probability
 * @param maxLenRatio a hypothesis stops after {@code maxLenRatio * srcLen + maxLenExtra} tokens
 * @param maxLenExtra see maxLenRatio
 * @param nBest hypotheses returned per input (at most beamSize)
 * @param keepAttention whether to return the attention weights of each returned hypothesis
 * @param maxBatch inputs decoded together
 * @param minLength outputs are at least this many tokens long (EOS is not allowed before; 0: no
 *     minimum)
 * @param blockNgramRepeat a token that would repeat an n-gram of this length already in the
 *     hypothesis is not allowed (summarisation; 0: off)
 * @param coveragePenalty β of GNMT's coverage penalty, added to a finished hypothesis's score: β ·
 *     Σ over source positions of log(min(attention received, 1)) (Wu et al. 2016; 0: off)
 */
public record DecodeOptions(
    int beamSize,
    float lengthPenalty,
    float maxLenRatio,
    int maxLenExtra,
    int nBest,
    boolean keepAttention,
    int maxBatch,
    int minLength,
    int blockNgramRepeat,
    float coveragePenalty) {
  /** Options without a minimum length, n-gram blocking or coverage penalty. */
  public DecodeOptions(
      int beamSize,
      float lengthPenalty,
      float maxLenRatio,
      int maxLenExtra,
      int nBest,
      boolean keepAttention,
      int maxBatch) {
    this(
        beamSize,
        lengthPenalty,
        maxLenRatio,
        maxLenExtra,
        nBest,
        keepAttention,
        maxBatch,
        0,
        0,
        0f);
  }

  public DecodeOptions {
    if (minLength < 0) {
      throw new IllegalArgumentException("minimum length must be >= 0, got " + minLength);
    }
    if (blockNgramRepeat < 0) {
      throw new IllegalArgumentException(
          "n-gram blocking length must be >= 0 (0: off), got " + blockNgramRepeat);
    }
    if (!(coveragePenalty >= 0)) {
      throw new IllegalArgumentException("coverage penalty must be >= 0, got " + coveragePenalty);
    }
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
        beamSize,
        lengthPenalty,
        maxLenRatio,
        maxLenExtra,
        n,
        keepAttention,
        maxBatch,
        minLength,
        blockNgramRepeat,
        coveragePenalty);
  }

  public DecodeOptions withAttention(boolean keep) {
    return new DecodeOptions(
        beamSize,
        lengthPenalty,
        maxLenRatio,
        maxLenExtra,
        nBest,
        keep,
        maxBatch,
        minLength,
        blockNgramRepeat,
        coveragePenalty);
  }

  /** These options with a minimum output length, n-gram blocking and coverage penalty β. */
  public DecodeOptions withConstraints(int minLen, int blockNgram, float beta) {
    return new DecodeOptions(
        beamSize,
        lengthPenalty,
        maxLenRatio,
        maxLenExtra,
        nBest,
        keepAttention,
        maxBatch,
        minLen,
        blockNgram,
        beta);
  }

  /** Maximum output length (without EOS) for a source of the given length. */
  int maxLength(int srcLen) {
    return (int) Math.ceil(maxLenRatio * srcLen) + maxLenExtra;
  }

  double normalise(double logProb, int len) {
    return lengthPenalty == 0 ? logProb : logProb / Math.pow((5.0 + len) / 6.0, lengthPenalty);
  }
}
