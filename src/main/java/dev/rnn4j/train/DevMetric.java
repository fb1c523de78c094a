package dev.rnn4j.train;

import dev.rnn4j.data.Example;
import dev.rnn4j.metrics.Scores;
import dev.rnn4j.metrics.TextMetrics;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import java.util.ArrayList;
import java.util.List;

/**
 * The task metric a training run judges its epochs by, on greedy decodings of a fixed sample of the
 * dev set: the word or token error rate over ids ({@code wer}, {@code per}), or a text metric over
 * detokenised outputs against the dev file's references ({@code bleu}, {@code chrf}, {@code
 * chrf++}, {@code rouge1}, {@code rouge2}, {@code rougeL}; see {@link TextMetrics}). Used by the
 * {@code rnn4j train} command and by the Spark trainer, so both sample the dev set the same way.
 * The metric it returns holds only its fixed sample and decodes with the model it is given, so it
 * is as thread-safe as {@link Translator}.
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

  /** Target ids → text, as the model's output would be written. */
  @FunctionalInterface
  public interface Detokenizer {
    /**
     * The text of {@code ids}, an output for dev example number {@code example} (whose source's
     * extended vocabulary decodes copied source-only words, with copy attention).
     */
    String detokenize(int example, int[] ids);
  }

  /** The names {@link #of} accepts. */
  public static final List<String> NAMES =
      List.of("wer", "per", "bleu", "chrf", "chrf++", "rouge1", "rouge2", "rougeL");

  /**
   * The metric named {@code name} on at most {@code limit} examples spread evenly over {@code dev}.
   *
   * @param references the dev file's target texts, aligned with {@code dev} (text metrics only; may
   *     be null for wer and per)
   * @param detokenize target ids → text, as the model's output would be written
   * @throws IllegalArgumentException for a name not in {@link #NAMES}, or a text metric without
   *     references
   */
  public static Trainer.Metric of(
      String name, List<Example> dev, List<String> references, Detokenizer detokenize, int limit) {
    switch (name) {
      case "wer":
        return greedyWordErrorRate(dev, limit);
      case "per":
        return greedyErrorRate(dev, limit, false);
      default:
        break;
    }
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown dev metric '" + name + "'; use one of " + String.join(", ", NAMES));
    }
    if (references == null || references.size() != dev.size()) {
      throw new IllegalArgumentException(
          "the " + name + " dev metric needs the dev file's reference texts, one per example");
    }
    List<Integer> idx = evenlySpaced(range(dev.size()), limit);
    List<int[]> src = new ArrayList<>(idx.size());
    List<List<String>> refs = new ArrayList<>(idx.size());
    for (int i : idx) {
      src.add(dev.get(i).source());
      refs.add(List.of(references.get(i)));
    }
    String shown =
        switch (name) {
          case "bleu" -> "BLEU";
          case "chrf" -> "chrF";
          case "chrf++" -> "chrF++";
          case "rouge1" -> "ROUGE-1";
          case "rouge2" -> "ROUGE-2";
          default -> "ROUGE-L";
        };
    return new Trainer.Metric() {
      @Override
      public String name() {
        return "dev " + shown + " (greedy, " + src.size() + " pairs)";
      }

      @Override
      public double evaluate(Seq2SeqModel model) {
        List<int[]> hyp = new Translator(model).best(src, DecodeOptions.greedy());
        List<String> text = new ArrayList<>(hyp.size());
        for (int k = 0; k < hyp.size(); k++) {
          text.add(detokenize.detokenize(idx.get(k), hyp.get(k)));
        }
        return TextMetrics.score(name, text, refs).score();
      }

      @Override
      public boolean higherIsBetter() {
        return true;
      }
    };
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }

  /**
   * Greedy word error rate on at most {@code limit} dev examples spread evenly over {@code dev}
   * ({@link #evenlySpaced}); named "dev WER (greedy, N pairs)" in the training log.
   */
  public static Trainer.Metric greedyWordErrorRate(List<Example> dev, int limit) {
    return greedyErrorRate(dev, limit, true);
  }

  /** Greedy word ({@code words}) or token error rate on the evenly spaced sample. */
  private static Trainer.Metric greedyErrorRate(List<Example> dev, int limit, boolean words) {
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
        return "dev " + (words ? "WER" : "PER") + " (greedy, " + sample.size() + " pairs)";
      }

      @Override
      public double evaluate(Seq2SeqModel model) {
        List<int[]> hyp = new Translator(model).best(src, DecodeOptions.greedy());
        Scores s = Scores.of(hyp, ref);
        return words ? s.wordErrorRate() : s.phonemeErrorRate();
      }
    };
  }
}
