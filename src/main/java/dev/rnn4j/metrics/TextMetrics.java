package dev.rnn4j.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry point for the text metrics people compare across papers, each with its reference
 * implementation's defaults: {@code bleu} ({@link SacreBleu#defaults()}), {@code chrf} ({@link
 * Chrf#defaults()}), {@code chrf++} ({@link Chrf#plusPlus()}), {@code rouge1}, {@code rouge2},
 * {@code rougeL} ({@link Rouge} without stemmer, F1 as the score). Every score is reported on a
 * 0-100 scale (ROUGE's [0, 1] values times 100, as papers print them).
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class TextMetrics {
  /** The metric names {@link #score} accepts. */
  public static final List<String> NAMES =
      List.of("bleu", "chrf", "chrf++", "rouge1", "rouge2", "rougeL");

  private TextMetrics() {}

  /**
   * A metric's result.
   *
   * @param name the metric name as asked
   * @param score on a 0-100 scale
   * @param signature what produced it, e.g. sacreBLEU's signature string
   * @param details metric-specific parts (precisions, brevity penalty, P/R), values in the
   *     reference implementation's own scale
   */
  public record Result(String name, double score, String signature, Map<String, Double> details) {}

  /**
   * Scores {@code hyps} against {@code refs} with metric {@code name}.
   *
   * @param name one of {@link #NAMES}
   * @param hyps detokenized hypotheses
   * @param refs for each hypothesis, its references (at least one each)
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or
   *     mismatched sizes
   */
  public static Result score(String name, List<String> hyps, List<List<String>> refs) {
    switch (name) {
      case "bleu" -> {
        SacreBleu.Result r = SacreBleu.defaults().corpus(hyps, refs);
        Map<String, Double> d = new LinkedHashMap<>();
        for (int n = 0; n < r.precisions().length; n++) {
          d.put("precision" + (n + 1), r.precisions()[n]);
        }
        d.put("bp", r.brevityPenalty());
        d.put("sys_len", (double) r.sysLen());
        d.put("ref_len", (double) r.refLen());
        return new Result(name, r.score(), "BLEU|" + r.signature(), d);
      }
      case "chrf", "chrf++" -> {
        Chrf metric = name.equals("chrf") ? Chrf.defaults() : Chrf.plusPlus();
        Chrf.Result r = metric.corpus(hyps, refs);
        return new Result(name, r.score(), r.name() + "|" + r.signature(), Map.of());
      }
      case "rouge1", "rouge2", "rougeL" -> {
        Rouge.Score s = new Rouge(List.of(name), false).corpus(hyps, refs).get(name);
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("precision", s.precision());
        d.put("recall", s.recall());
        d.put("fmeasure", s.fmeasure());
        return new Result(
            name,
            100 * s.fmeasure(),
            name + "|F1|mean-of-pairs|tok:rouge-score-default|stem:no|rnn4j",
            d);
      }
      default ->
          throw new IllegalArgumentException(
              "metric: got '" + name + "', expected one of " + String.join(", ", NAMES));
    }
  }
}
