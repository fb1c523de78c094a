package dev.rnn4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy and beam-search decoding over many inputs at once (Seq2SeqModel inference: no activations
 * kept).
 *
 * <p><b>Threads.</b> Thread-safe: one translator (and its model) may serve many threads at once, as
 * long as nobody trains the model meanwhile; each call owns its encoder output and decoder states,
 * and the results equal those of one thread (tested with 8 threads). The model may be closed from
 * any thread: the close waits for the decoder steps in flight, and a translation under way then
 * throws {@link IllegalStateException} ("model closed while decoding") at its next step, having
 * released its own tensors; a translation started after the close throws at once.
 */
public final class Translator {
  private final Seq2SeqModel model;

  public Translator(Seq2SeqModel model) {
    this.model = model;
  }

  /** Decodes each source (ids without BOS/EOS); returns up to nBest hypotheses per source. */
  public List<List<Hypothesis>> translate(List<int[]> sources, DecodeOptions opts) {
    List<List<Hypothesis>> out = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i += opts.maxBatch()) {
      out.addAll(
          translateBatch(sources.subList(i, Math.min(sources.size(), i + opts.maxBatch())), opts));
    }
    return out;
  }

  /** The best hypothesis's tokens for each source, in order. */
  public List<int[]> best(List<int[]> sources, DecodeOptions opts) {
    List<int[]> out = new ArrayList<>(sources.size());
    for (List<Hypothesis> h : translate(sources, opts)) {
      out.add(h.get(0).tokens());
    }
    return out;
  }

  /** The best hypothesis's tokens for one source. */
  public int[] translate(int[] source, DecodeOptions opts) {
    return best(List.of(source), opts).get(0);
  }

  /** A live hypothesis. */
  private record Live(int input, int[] tokens, double logProb, List<float[]> attention) {}

  private List<List<Hypothesis>> translateBatch(List<int[]> sources, DecodeOptions opts) {
    int n = sources.size();
    int srcLen = 1;
    for (int i = 0; i < n; i++) {
      int[] s = sources.get(i);
      if (s == null || s.length == 0) {
        throw new IllegalArgumentException("source " + i + " is empty; nothing to translate");
      }
      srcLen = Math.max(srcLen, s.length);
    }
    int[] src = new int[n * srcLen];
    int[] lens = new int[n];
    for (int i = 0; i < n; i++) {
      int[] s = sources.get(i);
      System.arraycopy(s, 0, src, i * srcLen, s.length);
      lens[i] = s.length;
    }
    int v = model.config().tgtVocab();
    int k = opts.beamSize();
    List<List<Hypothesis>> finished = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      finished.add(new ArrayList<>());
    }
    Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
    try (Seq2SeqModel.Encoded enc = model.encode(src, lens, n, srcLen, init)) {
      Seq2SeqModel.State state = init[0];
      List<Live> live = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        live.add(new Live(i, new int[0], 0.0, opts.keepAttention() ? new ArrayList<>() : null));
      }
      try {
        while (!live.isEmpty()) {
          int m = live.size();
          int[] rows = new int[m];
          int[] prev = new int[m];
          for (int h = 0; h < m; h++) {
            Live l = live.get(h);
            rows[h] = l.input();
            prev[h] = l.tokens().length == 0 ? Seq2SeqModel.BOS : l.tokens()[l.tokens().length - 1];
          }
          float[] logp = new float[m * v];
          float[] attn = opts.keepAttention() ? new float[m * srcLen] : null;
          Seq2SeqModel.State next = model.decodeStep(enc, rows, prev, state, logp, attn);
          state.close();
          state = next;
          List<Live> nextLive = new ArrayList<>();
          List<Integer> parents = new ArrayList<>();
          int h = 0;
          while (h < m) {
            int input = live.get(h).input();
            int end = h;
            while (end < m && live.get(end).input() == input) {
              end++;
            }
            expand(
                live,
                h,
                end,
                logp,
                attn,
                srcLen,
                lens[input],
                v,
                k,
                opts,
                finished.get(input),
                nextLive,
                parents);
            h = end;
          }
          live = nextLive;
          if (!live.isEmpty()) {
            int[] from = parents.stream().mapToInt(Integer::intValue).toArray();
            Seq2SeqModel.State reordered = model.reorder(state, from);
            state.close();
            state = reordered;
          }
        }
      } finally {
        state.close();
      }
    }
    List<List<Hypothesis>> out = new ArrayList<>();
    for (List<Hypothesis> f : finished) {
      f.sort((a, b) -> Double.compare(b.score(), a.score()));
      out.add(List.copyOf(f.subList(0, Math.min(opts.nBest(), f.size()))));
    }
    return out;
  }

  /**
   * Extends the live hypotheses [from, to) of one input by their best continuations, keeping k live
   * ones. A continuation by EOS, or a hypothesis at the length limit (ended by force), moves to
   * {@code done}. The input stops once k are done and no live one can still beat the best.
   */
  private static void expand(
      List<Live> live,
      int from,
      int to,
      float[] logp,
      float[] attn,
      int srcLen,
      int inputLen,
      int v,
      int k,
      DecodeOptions opts,
      List<Hypothesis> done,
      List<Live> nextLive,
      List<Integer> parents) {
    int maxLen = opts.maxLength(inputLen);
    int cand = Math.min(k + 1, v);
    double[] score = new double[cand * (to - from)];
    int[] hyp = new int[score.length];
    int[] tokOf = new int[score.length];
    int filled = 0;
    for (int h = from; h < to; h++) {
      Live l = live.get(h);
      if (l.tokens().length >= maxLen) {
        double lp = l.logProb() + logp[h * v + Seq2SeqModel.EOS];
        done.add(
            new Hypothesis(
                l.tokens(),
                lp,
                opts.normalise(lp, l.tokens().length + 1),
                attention(l, attn, h, srcLen, inputLen)));
        continue;
      }
      for (int tok : topK(logp, h * v, v, cand)) {
        score[filled] = l.logProb() + logp[h * v + tok];
        hyp[filled] = h;
        tokOf[filled] = tok;
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
      if (tokOf[c] == Seq2SeqModel.EOS) {
        done.add(
            new Hypothesis(
                parent.tokens(),
                score[c],
                opts.normalise(score[c], parent.tokens().length + 1),
                att));
        continue;
      }
      int len = parent.tokens().length;
      int[] toks = Arrays.copyOf(parent.tokens(), len + 1);
      toks[len] = tokOf[c];
      nextLive.add(
          new Live(
              parent.input(),
              toks,
              score[c],
              att == null ? null : new ArrayList<>(Arrays.asList(att))));
      parents.add(hyp[c]);
    }
    if (done.size() >= k) {
      double bestDone = Double.NEGATIVE_INFINITY;
      for (Hypothesis d : done) {
        bestDone = Math.max(bestDone, d.score());
      }
      // Log-probabilities only fall; under length normalisation a live hypothesis's best
      // possible score is its current log-probability normalised at the maximum length.
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

  /** The parent's attention rows plus this step's row, or null when not kept. */
  private static float[][] attention(Live l, float[] attn, int h, int srcLen, int inputLen) {
    if (l.attention() == null || attn == null) {
      return null;
    }
    List<float[]> rows = new ArrayList<>(l.attention());
    rows.add(Arrays.copyOfRange(attn, h * srcLen, h * srcLen + inputLen));
    return rows.toArray(new float[0][]);
  }

  /** Indices of the k largest of a[off .. off + n). */
  private static int[] topK(float[] a, int off, int n, int k) {
    int[] idx = new int[k];
    float[] val = new float[k];
    Arrays.fill(val, Float.NEGATIVE_INFINITY);
    Arrays.fill(idx, -1);
    for (int i = 0; i < n; i++) {
      float x = a[off + i];
      if (x > val[k - 1] || idx[k - 1] < 0) {
        int p = k - 1;
        while (p > 0 && (idx[p - 1] < 0 || val[p - 1] < x)) {
          val[p] = val[p - 1];
          idx[p] = idx[p - 1];
          p--;
        }
        val[p] = x;
        idx[p] = i;
      }
    }
    return idx;
  }
}
