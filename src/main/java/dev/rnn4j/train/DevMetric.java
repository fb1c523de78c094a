package dev.rnn4j.train;

import dev.rnn4j.data.Example;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import java.util.ArrayList;
import java.util.List;

/**
 * The task metric a training run judges its epochs by: the word error rate of greedy decoding on a
 * fixed sample of the dev set. Used by the {@code rnn4j train} command and by the Spark trainer, so
 * both sample the dev set the same way. The metric it returns holds only its fixed sample and
 * decodes with the model it is given, so it is as thread-safe as {@link Translator}.
 */
public final class DevMetric {
  private DevMetric() {}

  /**
   * At most {@code limit} elements of {@code all}, evenly spaced over it in order: element {@code
   * floor(i * n / limit)} for {@code i = 0 .. limit - 1}; {@code all} itself where it has no more
   * than {@code limit}. Dev files are often sorted (the CMUdict splits are sorted by word), so
   * their first {@code limit} lines are a biased sample (words from a to f only); a spread sample
   * is not, and stays the same from epoch to epoch and run to run.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public static <T> List<T> evenlySpaced(List<T> all, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a sample of at least 1 element is needed, got " + limit);
    }
    int n = all.size();
    if (n <= limit) {
      return all;
    }
    List<T> out = new ArrayList<>(limit);
    for (int i = 0; i < limit; i++) {
      out.add(all.get((int) ((long) i * n / limit)));
    }
    return out;
  }

  /**
   * Greedy word error rate on at most {@code limit} dev examples spread evenly over {@code dev}
   * ({@link #evenlySpaced}); named "dev WER (greedy, N pairs)" in the training log.
   */
  public static Trainer.Metric greedyWordErrorRate(List<Example> dev, int limit) {
    List<Example> sample = evenlySpaced(dev, limit);
    List<int[]> src = new ArrayList<>(sample.size());
    List<int[]> ref = new ArrayList<>(sample.size());
    for (Example e : sample) {
      src.add(e.source());
      ref.add(e.target());
    }
    return new Trainer.Metric() {
      @Override
      public String name() {
        return "dev WER (greedy, " + sample.size() + " pairs)";
      }

      @Override
      public double evaluate(Seq2SeqModel model) {
        List<int[]> hyp = new Translator(model).best(src, DecodeOptions.greedy());
        return Scores.of(hyp, ref).wordErrorRate();
      }
    };
  }
}
