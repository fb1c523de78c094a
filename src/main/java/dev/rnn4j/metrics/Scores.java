package dev.rnn4j.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Every metric of one evaluation, for logs and reports.
 *
 * @param sequences number of scored sequences
 * @param tokenAccuracy {@link SequenceMetrics#tokenAccuracy}
 * @param sequenceAccuracy {@link SequenceMetrics#sequenceAccuracy}
 * @param wordErrorRate {@link SequenceMetrics#wordErrorRate}
 * @param phonemeErrorRate {@link SequenceMetrics#phonemeErrorRate}
 * @param bleu corpus BLEU-4 ({@link Bleu#corpus}), in [0, 1]
 */
public record Scores(
    int sequences,
    double tokenAccuracy,
    double sequenceAccuracy,
    double wordErrorRate,
    double phonemeErrorRate,
    double bleu) {

  /** All metrics of {@code hyps} against {@code refs} (parallel lists of token ids). */
  public static Scores of(List<int[]> hyps, List<int[]> refs) {
    return new Scores(
        refs.size(),
        SequenceMetrics.tokenAccuracy(hyps, refs),
        SequenceMetrics.sequenceAccuracy(hyps, refs),
        SequenceMetrics.wordErrorRate(hyps, refs),
        SequenceMetrics.phonemeErrorRate(hyps, refs),
        Bleu.corpus(hyps, refs).score());
  }

  /**
   * All metrics with several references per hypothesis: each hypothesis is scored against its
   * closest reference ({@link SequenceMetrics#closestReference}: fewest edits), so a word counts as
   * correct when it matches any of its references, and PER divides by the chosen references'
   * lengths.
   *
   * @param hyps hypotheses
   * @param refSets each hypothesis's references, parallel to {@code hyps}, each at least one
   */
  public static Scores ofMultiReference(List<int[]> hyps, List<List<int[]>> refSets) {
    return of(hyps, SequenceMetrics.closestReferences(hyps, refSets));
  }

  /** E.g. {@code "n=500 WER 31.20% PER 7.85% seq-acc 68.80% tok-acc 90.12% BLEU 80.01"}. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "n=%d WER %.2f%% PER %.2f%% seq-acc %.2f%% tok-acc %.2f%% BLEU %.2f",
        sequences,
        100 * wordErrorRate,
        100 * phonemeErrorRate,
        100 * sequenceAccuracy,
        100 * tokenAccuracy,
        100 * bleu);
  }
}
