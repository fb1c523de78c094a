package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
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

  /**
   * Decodes each source (ids without BOS/EOS); returns up to nBest hypotheses per source. For a
   * model with copy attention, a source may hold the extended ids of its words outside the
   * vocabulary ({@link dev.rnn4j.data.CopyVocabulary#sourceIds()}), and its hypotheses may then
   * copy them: decode those with the same {@link dev.rnn4j.data.CopyVocabulary}.
   */
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
    Backend be = model.backend();
    Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
    try (Seq2SeqModel.Encoded enc = model.encode(src, lens, n, srcLen, init)) {
      Seq2SeqModel.State state = init[0];
      try {
        int v = enc.outputWidth();
        DecodeStrategy search = new BeamSearch(lens, srcLen, v, opts);
        while (!search.finished()) {
          int[] rows = search.sourceRows();
          int m = rows.length;
          float[] attn = search.needsAttention() ? new float[m * srcLen] : null;
          try (Tensor logp = be.zeros(m, v)) {
            Seq2SeqModel.State next =
                model.decodeStep(enc, rows, search.lastTokens(), state, logp, attn);
            state.close();
            state = next;
            search.advance(new StepScores(be, logp, m, v, search.candidates()), attn);
          }
          if (!search.finished()) {
            Seq2SeqModel.State reordered = model.reorder(state, search.parents());
            state.close();
            state = reordered;
          }
        }
        return search.results();
      } finally {
        state.close();
      }
    }
  }
}
