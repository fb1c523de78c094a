package dev.rnn4j.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ROUGE-N and ROUGE-L (Lin 2004) as Google's {@code rouge-score} package ({@code
 * rouge_scorer.RougeScorer}) computes them, which is what most recent papers and Hugging Face's
 * {@code evaluate} report.
 *
 * <p>Tokenizer ({@code DefaultTokenizer}): lowercase; every run of characters outside {@code
 * [a-z0-9]} becomes one space; split on whitespace; with the stemmer on, tokens longer than 3
 * characters are replaced by their {@link PorterStemmer} stem; tokens not matching {@code
 * ^[a-z0-9]+$} (the empty ones) are dropped. Non-ASCII letters therefore vanish: ROUGE here is an
 * English metric, as in rouge-score.
 *
 * <p>For one (target, prediction) pair:
 *
 * <ul>
 *   <li>ROUGE-N: overlap = Σ over target n-grams of min(count in target, count in prediction); P =
 *       overlap / max(prediction n-grams, 1), R = overlap / max(target n-grams, 1);
 *   <li>ROUGE-L: the length of the longest common subsequence of the two token sequences; P = LCS /
 *       prediction tokens, R = LCS / target tokens; all 0 when either side has no tokens (this is
 *       {@code rougeL}, not the newline-splitting {@code rougeLsum});
 *   <li>F = 2PR / (P + R), 0 when P + R = 0.
 * </ul>
 *
 * <p>Several targets for one prediction ({@code score_multi}): per ROUGE type, the Score of the
 * target with the highest F (the first on a tie). Corpus: the arithmetic mean of the per-pair P, R
 * and F, each averaged separately. This is what papers using rouge-score report: its {@code
 * BootstrapAggregator}'s "mid" is a bootstrap estimate of the same mean (it varies with the random
 * seed in the last digits), and {@code evaluate}'s {@code use_aggregator=False} gives the per-pair
 * values whose mean this is. Scores are in [0, 1] as rouge-score's.
 *
 * <p>Thread-safety: instances are immutable; safe to share.
 */
public final class Rouge {
  private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern VALID_TOKEN = Pattern.compile("[a-z0-9]+");
  private static final Pattern TYPE = Pattern.compile("rouge([0-9])|rougeL");

  private final List<String> types;
  private final boolean useStemmer;

  /**
   * A scorer for {@code types} ({@code rouge1}..{@code rouge9}, {@code rougeL}).
   *
   * @param useStemmer stem tokens longer than 3 characters with {@link PorterStemmer}
   */
  public Rouge(List<String> types, boolean useStemmer) {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("no ROUGE types; give e.g. rouge1, rouge2, rougeL");
    }
    for (String t : types) {
      var m = TYPE.matcher(t);
      if (!m.matches() || "0".equals(m.group(1))) {
        throw new IllegalArgumentException(
            "ROUGE type: got '" + t + "', expected rouge1..rouge9 or rougeL (rougeLsum: not here)");
      }
    }
    this.types = List.copyOf(types);
    this.useStemmer = useStemmer;
  }

  /** ROUGE-1, ROUGE-2 and ROUGE-L, the usual three. */
  public static Rouge standard(boolean useStemmer) {
    return new Rouge(List.of("rouge1", "rouge2", "rougeL"), useStemmer);
  }

  /**
   * Precision, recall and F1 of one ROUGE type, each in [0, 1].
   *
   * @param precision matches / prediction units
   * @param recall matches / target units
   * @param fmeasure their harmonic mean
   */
  public record Score(double precision, double recall, double fmeasure) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "P %.4f R %.4f F %.4f", precision, recall, fmeasure);
    }
  }

  /** rouge-score's {@code DefaultTokenizer(use_stemmer).tokenize(text)}. */
  public static List<String> tokenize(String text, boolean useStemmer) {
    String t = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
    List<String> out = new ArrayList<>();
    for (String tok : SPACES.split(t, -1)) {
      String s = useStemmer && tok.length() > 3 ? PorterStemmer.stem(tok) : tok;
      if (VALID_TOKEN.matcher(s).matches()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Scores of one pair, by type in the order given; note rouge-score's order: target first. */
  public Map<String, Score> score(String target, String prediction) {
    List<String> t = tokenize(target, useStemmer);
    List<String> p = tokenize(prediction, useStemmer);
    Map<String, Score> out = new LinkedHashMap<>();
    for (String type : types) {
      out.put(
          type, type.equals("rougeL") ? lcsScore(t, p) : ngramScore(t, p, type.charAt(5) - '0'));
    }
    return out;
  }

  /** rouge-score's {@code score_multi}: per type, the target with the highest F wins. */
  public Map<String, Score> scoreMulti(List<String> targets, String prediction) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("a prediction needs at least one target, got none");
    }
    Map<String, Score> best = null;
    for (String target : targets) {
      Map<String, Score> s = score(target, prediction);
      if (best == null) {
        best = s;
        continue;
      }
      for (String type : types) {
        if (s.get(type).fmeasure() > best.get(type).fmeasure()) {
          best.put(type, s.get(type));
        }
      }
    }
    return best;
  }

  /**
   * Mean over pairs of each of P, R and F, per type.
   *
   * @param predictions system outputs
   * @param targets for each prediction, its targets (at least one each)
   */
  public Map<String, Score> corpus(List<String> predictions, List<List<String>> targets) {
    if (predictions.size() != targets.size()) {
      throw new IllegalArgumentException(
          predictions.size()
              + " predictions but "
              + targets.size()
              + " target lists; pass one list of targets per prediction");
    }
    if (predictions.isEmpty()) {
      throw new IllegalArgumentException("no segments to score");
    }
    Map<String, double[]> sums = new HashMap<>();
    for (int i = 0; i < predictions.size(); i++) {
      for (Map.Entry<String, Score> e : scoreMulti(targets.get(i), predictions.get(i)).entrySet()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[3]);
        s[0] += e.getValue().precision();
        s[1] += e.getValue().recall();
        s[2] += e.getValue().fmeasure();
      }
    }
    Map<String, Score> out = new LinkedHashMap<>();
    double n = predictions.size();
    for (String type : types) {
      double[] s = sums.get(type);
      out.put(type, new Score(s[0] / n, s[1] / n, s[2] / n));
    }
    return out;
  }

  /** ROUGE-N of two token lists. */
  static Score ngramScore(List<String> target, List<String> prediction, int n) {
    Map<List<String>, Integer> t = ngrams(target, n);
    Map<List<String>, Integer> p = ngrams(prediction, n);
    long overlap = 0;
    for (Map.Entry<List<String>, Integer> e : t.entrySet()) {
      overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
    }
    long tCount = Math.max(0, target.size() - n + 1);
    long pCount = Math.max(0, prediction.size() - n + 1);
    double precision = (double) overlap / Math.max(pCount, 1);
    double recall = (double) overlap / Math.max(tCount, 1);
    return new Score(precision, recall, fmeasure(precision, recall));
  }

  /** ROUGE-L of two token lists. */
  static Score lcsScore(List<String> target, List<String> prediction) {
    if (target.isEmpty() || prediction.isEmpty()) {
      return new Score(0, 0, 0);
    }
    int lcs = lcsLength(target, prediction);
    double precision = (double) lcs / prediction.size();
    double recall = (double) lcs / target.size();
    return new Score(precision, recall, fmeasure(precision, recall));
  }

  /** Length of the longest common subsequence, one DP row at a time. */
  static int lcsLength(List<String> a, List<String> b) {
    int[] prev = new int[b.size() + 1];
    int[] cur = new int[b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      for (int j = 1; j <= b.size(); j++) {
        cur[j] =
            a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] tmp = prev;
      prev = cur;
      cur = tmp;
    }
    return prev[b.size()];
  }

  /** rouge-score's {@code scoring.fmeasure}. */
  static double fmeasure(double precision, double recall) {
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }

  private static Map<List<String>, Integer> ngrams(List<String> toks, int n) {
    Map<List<String>, Integer> m = new HashMap<>();
    for (int i = 0; i + n <= toks.size(); i++) {
      m.merge(List.copyOf(toks.subList(i, i + n)), 1, Integer::sum);
    }
    return m;
  }
}
