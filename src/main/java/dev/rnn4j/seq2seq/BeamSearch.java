package dev.rnn4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Beam search as a {@link DecodeStrategy}: k live hypotheses per source, each extended by its best
 * allowed continuations (minimum length, n-gram blocking), finished by EOS or the length limit,
 * scored with length normalisation and the GNMT coverage penalty; a source stops once k are done
 * and no live one can still beat the best. Beam size 1 is greedy search. Not thread-safe: one per
 * decoding call.
 */
final class BeamSearch implements DecodeStrategy {
  /** A live hypothesis; {@code coverage}: attention received per source position (or null). */
  private record Live(
      int input, int[] tokens, double logProb, List<float[]> attention, float[] coverage) {}

  private final int[] lens;
  private final int srcLen;
  private final int v;
  private final int k;
  private final DecodeOptions opts;
  private final int cand;
  private final boolean needAttention;
  private final List<List<Hypothesis>> finished = new ArrayList<>();
  private List<Live> live = new ArrayList<>();
  private int[] parents = new int[0];

  /**
   * @param lens source lengths (one per source)
   * @param srcLen padded source length (columns of the attention rows)
   * @param v vocabulary size of the scores
   */
  BeamSearch(int[] lens, int srcLen, int v, DecodeOptions opts) {
    this.lens = lens;
    this.srcLen = srcLen;
    this.v = v;
    this.k = opts.beamSize();
    this.opts = opts;
    boolean covered = opts.coveragePenalty() > 0;
    this.needAttention = opts.keepAttention() || covered;
    // Candidates per hypothesis taken on the backend: k + 1 (one may be EOS), plus room for the
    // tokens a minimum length or n-gram blocking may rule out.
    this.cand = k + 1 + (opts.minLength() > 0 ? 1 : 0) + (opts.blockNgramRepeat() > 0 ? 4 : 0);
    for (int i = 0; i < lens.length; i++) {
      finished.add(new ArrayList<>());
      live.add(
          new Live(
              i,
              new int[0],
              0.0,
              opts.keepAttention() ? new ArrayList<>() : null,
              covered ? new float[lens[i]] : null));
    }
  }

  @Override
  public int[] sourceRows() {
    int[] rows = new int[live.size()];
    for (int h = 0; h < rows.length; h++) {
      rows[h] = live.get(h).input();
    }
    return rows;
  }

  @Override
  public int[] lastTokens() {
    int[] prev = new int[live.size()];
    for (int h = 0; h < prev.length; h++) {
      int[] t = live.get(h).tokens();
      prev[h] = t.length == 0 ? Seq2SeqModel.BOS : t[t.length - 1];
    }
    return prev;
  }

  @Override
  public boolean needsAttention() {
    return needAttention;
  }

  @Override
  public int candidates() {
    return cand;
  }

  @Override
  public void advance(StepScores scores, float[] attn) {
    int m = live.size();
    List<Live> nextLive = new ArrayList<>();
    List<Integer> from = new ArrayList<>();
    int h = 0;
    while (h < m) {
      int input = live.get(h).input();
      int end = h;
      while (end < m && live.get(end).input() == input) {
        end++;
      }
      expand(h, end, scores, attn, input, nextLive, from);
      h = end;
    }
    live = nextLive;
    parents = from.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public boolean finished() {
    return live.isEmpty();
  }

  @Override
  public int[] parents() {
    return parents.clone();
  }

  @Override
  public List<List<Hypothesis>> results() {
    List<List<Hypothesis>> out = new ArrayList<>();
    for (List<Hypothesis> f : finished) {
      List<Hypothesis> sorted = new ArrayList<>(f);
      sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
      out.add(List.copyOf(sorted.subList(0, Math.min(opts.nBest(), sorted.size()))));
    }
    return out;
  }

  /**
   * Extends the live hypotheses [from, to), all of source {@code input}, by their best allowed
   * continuations, keeping k live ones in {@code nextLive} (their rows in {@code parents}). A
   * continuation by EOS, or a hypothesis at the length limit (ended by force), is finished. The
   * input stops once k are finished and no live one can still beat the best.
   */
  private void expand(
      int from,
      int to,
      StepScores scores,
      float[] attn,
      int input,
      List<Live> nextLive,
      List<Integer> parents) {
    int inputLen = lens[input];
    List<Hypothesis> done = finished.get(input);
    int maxLen = opts.maxLength(inputLen);
    int want = Math.min(k + 1, v);
    double[] score = new double[want * (to - from)];
    int[] hyp = new int[score.length];
    int[] tokOf = new int[score.length];
    int[] toks = new int[want];
    float[] lps = new float[want];
    int filled = 0;
    for (int h = from; h < to; h++) {
      Live l = live.get(h);
      float[] cov = coverage(l, attn, h, srcLen, inputLen);
      if (l.tokens().length >= maxLen) {
        double lp = l.logProb() + scores.logProb(h, Seq2SeqModel.EOS);
        done.add(finish(l.tokens(), lp, cov, opts, attention(l, attn, h, srcLen, inputLen)));
        continue;
      }
      int len = l.tokens().length;
      java.util.Set<Integer> blocked = blocked(l.tokens(), opts.blockNgramRepeat());
      IntPredicate allowed =
          t -> !(t == Seq2SeqModel.EOS && len < opts.minLength()) && !blocked.contains(t);
      int got = scores.best(h, want, allowed, toks, lps);
      for (int i = 0; i < got; i++) {
        score[filled] = l.logProb() + lps[i];
        hyp[filled] = h;
        tokOf[filled] = toks[i];
        filled++;
      }
    }
    Integer[] order = new Integer[filled];
    for (int i = 0; i < filled; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    int firstNew = nextLive.size();
    for (int oi = 0; oi < filled && nextLive.size() - firstNew < k; oi++) {
      int c = order[oi];
      Live parent = live.get(hyp[c]);
      float[][] att = attention(parent, attn, hyp[c], srcLen, inputLen);
      float[] cov = coverage(parent, attn, hyp[c], srcLen, inputLen);
      if (tokOf[c] == Seq2SeqModel.EOS) {
        done.add(finish(parent.tokens(), score[c], cov, opts, att));
        continue;
      }
      int len = parent.tokens().length;
      int[] next = Arrays.copyOf(parent.tokens(), len + 1);
      next[len] = tokOf[c];
      nextLive.add(
          new Live(
              parent.input(),
              next,
              score[c],
              att == null ? null : new ArrayList<>(Arrays.asList(att)),
              cov));
      parents.add(hyp[c]);
    }
    if (done.size() >= k) {
      double bestDone = Double.NEGATIVE_INFINITY;
      for (Hypothesis d : done) {
        bestDone = Math.max(bestDone, d.score());
      }
      // Log-probabilities only fall; under length normalisation a live hypothesis's best
      // possible score is its current log-probability normalised at the maximum length (and a
      // coverage penalty, never above 0, can at best reach 0).
      boolean canImprove = false;
      for (int i = firstNew; i < nextLive.size(); i++) {
        double lp = nextLive.get(i).logProb();
        canImprove |= opts.normalise(lp, opts.lengthPenalty() == 0 ? 1 : maxLen + 1) > bestDone;
      }
      if (!canImprove) {
        while (nextLive.size() > firstNew) {
          nextLive.remove(nextLive.size() - 1);
          parents.remove(parents.size() - 1);
        }
      }
    }
  }

  /** A finished hypothesis: its score is the normalised log-probability plus the coverage term. */
  private static Hypothesis finish(
      int[] tokens, double logProb, float[] coverage, DecodeOptions opts, float[][] attention) {
    double score = opts.normalise(logProb, tokens.length + 1);
    if (coverage != null) {
      double sum = 0;
      for (float c : coverage) {
        sum += Math.log(Math.min(c, 1.0));
      }
      score += opts.coveragePenalty() * sum;
    }
    return new Hypothesis(tokens, logProb, score, attention);
  }

  /**
   * The tokens that would repeat an n-gram of length {@code n} already in {@code tokens}: for each
   * earlier occurrence of the last n − 1 tokens, the token that followed it.
   */
  static java.util.Set<Integer> blocked(int[] tokens, int n) {
    if (n <= 0 || tokens.length < n - 1) {
      return java.util.Set.of();
    }
    java.util.Set<Integer> out = new java.util.HashSet<>();
    int len = tokens.length;
    if (n == 1) {
      for (int t : tokens) {
        out.add(t);
      }
      return out;
    }
    // Occurrences of the suffix of length n - 1 that end before the last token.
    for (int j = 0; j + n - 1 < len; j++) {
      boolean match = true;
      for (int i = 0; i < n - 1 && match; i++) {
        match = tokens[j + i] == tokens[len - (n - 1) + i];
      }
      if (match) {
        out.add(tokens[j + n - 1]);
      }
    }
    return out;
  }

  /** The parent's coverage plus this step's attention row, or null when not tracked. */
  private static float[] coverage(Live l, float[] attn, int h, int srcLen, int inputLen) {
    if (l.coverage() == null || attn == null) {
      return null;
    }
    float[] c = l.coverage().clone();
    for (int i = 0; i < inputLen; i++) {
      c[i] += attn[h * srcLen + i];
    }
    return c;
  }

  /** The parent's attention rows plus this step's row, or null when not kept. */
  private static float[][] attention(Live l, float[] attn, int h, int srcLen, int inputLen) {
    if (l.attention() == null || attn == null) {
      return null;
    }
    List<float[]> rows = new ArrayList<>(l.attention());
    rows.add(Arrays.copyOfRange(attn, h * srcLen, h * srcLen + inputLen));
    return rows.toArray(new float[0][]);
  }
}
