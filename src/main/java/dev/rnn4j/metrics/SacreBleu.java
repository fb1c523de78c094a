package dev.rnn4j.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BLEU on detokenized text, computed as sacreBLEU 2.x does (Post 2018, "A Call for Clarity in
 * Reporting BLEU Scores"), so that a score printed here can be put beside one printed by {@code
 * sacrebleu}: same tokenizer, same n-gram counting, same brevity penalty, same smoothing, same
 * signature.
 *
 * <p>Per segment: optionally lowercase, strip trailing whitespace, tokenize ({@link Tokenizer13a}
 * by default, or {@code none}: split on whitespace only), count the hypothesis n-grams of orders
 * 1..N and clip each count by its largest count in any one reference; the reference length is that
 * of the reference closest in length to the hypothesis (the shorter on a tie). The counts, totals
 * and lengths are summed over the corpus, then
 *
 * <pre>
 *   p_n  = 100 · correct_n / total_n          (percent)
 *   BP   = 1 if c ≥ r, else exp(1 − r/c), 0 when c = 0
 *   BLEU = BP · exp( Σ_{n ≤ N'} log p_n / N' )    (log 0 taken as −9999999999, as sacreBLEU)
 * </pre>
 *
 * where N' = N unless effective order is on (then the highest order with any n-gram). BLEU is 0
 * when no n-gram of any order matches. Smoothing of a p_n whose correct count is 0 (Chen and Cherry
 * 2014): {@code exp} (default; mteval-v13a's: the k-th such order gets 100 / (2^k · total_n)),
 * {@code floor} (100 · value / total_n, value 0.1 by default), {@code add-k} (value added to
 * correct_n and total_n for n ≥ 2, default 1), {@code none}.
 *
 * <p>References are given per hypothesis: {@code refs.get(i)} holds the references of {@code
 * hyps.get(i)} (sacreBLEU's API takes them transposed, one stream per reference). Segments may have
 * different numbers of references; the signature then says {@code nrefs:var}.
 *
 * <p>Thread-safety: instances are immutable; safe to share.
 */
public final class SacreBleu {
  /**
   * The version field of every signature printed here. sacreBLEU prints its own version; rnn4j is
   * not sacreBLEU, so it prints the sacreBLEU release whose test-suite values this implementation
   * was checked against (2.6.0, github mjpost/sacrebleu at f615c72), marked with a local-version
   * suffix so nobody mistakes the output for sacreBLEU's own.
   */
  public static final String SIGNATURE_VERSION = "2.6.0+rnn4j";

  /** sacreBLEU's default highest n-gram order. */
  public static final int MAX_NGRAM_ORDER = 4;

  /** Smoothing of zero n-gram precisions. */
  public enum Smooth {
    /** No smoothing: a zero precision makes BLEU 0. */
    NONE("none", Double.NaN),
    /** A zero match count is replaced by {@code value} (default 0.1). */
    FLOOR("floor", 0.1),
    /** {@code value} (default 1) is added to matches and totals of orders ≥ 2. */
    ADD_K("add-k", 1),
    /** mteval-v13a's: the k-th zero precision becomes 1 / (2^k · total). */
    EXP("exp", Double.NaN);

    private final String id;
    private final double defaultValue;

    Smooth(String id, double defaultValue) {
      this.id = id;
      this.defaultValue = defaultValue;
    }

    /** sacreBLEU's name for it: none, floor, add-k or exp. */
    public String id() {
      return id;
    }

    /** The method named {@code id} (none, floor, add-k, exp). */
    public static Smooth of(String id) {
      for (Smooth s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "smooth method: got '" + id + "', expected one of none, floor, add-k, exp");
    }
  }

  /** The tokenizer applied to hypotheses and references. */
  public enum Tokenize {
    /** {@link Tokenizer13a}, sacreBLEU's default. */
    V13A("13a"),
    /** Whitespace splitting only, for text that is already tokenized. */
    NONE("none");

    private final String id;

    Tokenize(String id) {
      this.id = id;
    }

    /** sacreBLEU's name for it, as in the signature. */
    public String id() {
      return id;
    }
  }

  private final boolean lowercase;
  private final Tokenize tokenize;
  private final Smooth smooth;
  private final double smoothValue;
  private final int maxOrder;
  private final boolean effectiveOrder;

  private SacreBleu(
      boolean lowercase,
      Tokenize tokenize,
      Smooth smooth,
      double smoothValue,
      int maxOrder,
      boolean effectiveOrder) {
    if (maxOrder < 1) {
      throw new IllegalArgumentException("max n-gram order: got " + maxOrder + ", expected >= 1");
    }
    if ((smooth == Smooth.FLOOR || smooth == Smooth.ADD_K) && !(smoothValue >= 0)) {
      throw new IllegalArgumentException(
          "smooth value for " + smooth.id + ": got " + smoothValue + ", expected >= 0");
    }
    this.lowercase = lowercase;
    this.tokenize = tokenize;
    this.smooth = smooth;
    this.smoothValue = smoothValue;
    this.maxOrder = maxOrder;
    this.effectiveOrder = effectiveOrder;
  }

  /** sacreBLEU's corpus defaults: mixed case, 13a, exp smoothing, order 4, no effective order. */
  public static SacreBleu defaults() {
    return new SacreBleu(false, Tokenize.V13A, Smooth.EXP, Double.NaN, MAX_NGRAM_ORDER, false);
  }

  /**
   * sacreBLEU's {@code sentence_bleu} defaults: as {@link #defaults()} but with effective order, so
   * a short sentence without 4-grams is not scored 0.
   */
  public static SacreBleu sentenceDefaults() {
    return defaults().withEffectiveOrder(true);
  }

  /** A copy that lowercases hypotheses and references first ({@code case:lc}). */
  public SacreBleu withLowercase(boolean on) {
    return new SacreBleu(on, tokenize, smooth, smoothValue, maxOrder, effectiveOrder);
  }

  /** A copy with another tokenizer. */
  public SacreBleu withTokenize(Tokenize t) {
    return new SacreBleu(lowercase, t, smooth, smoothValue, maxOrder, effectiveOrder);
  }

  /** A copy with another smoothing method, with its default value. */
  public SacreBleu withSmooth(Smooth s) {
    return new SacreBleu(lowercase, tokenize, s, s.defaultValue, maxOrder, effectiveOrder);
  }

  /** A copy with smoothing {@code s} ({@code floor} or {@code add-k}) of value {@code value}. */
  public SacreBleu withSmooth(Smooth s, double value) {
    return new SacreBleu(lowercase, tokenize, s, value, maxOrder, effectiveOrder);
  }

  /** A copy with another highest n-gram order. */
  public SacreBleu withMaxOrder(int n) {
    return new SacreBleu(lowercase, tokenize, smooth, smoothValue, n, effectiveOrder);
  }

  /** A copy that averages only over the orders the hypotheses have n-grams of. */
  public SacreBleu withEffectiveOrder(boolean on) {
    return new SacreBleu(lowercase, tokenize, smooth, smoothValue, maxOrder, on);
  }

  /**
   * BLEU and its parts, as sacreBLEU's {@code BLEUScore}.
   *
   * @param score BLEU in [0, 100]
   * @param counts matched n-grams per order 1..N (after add-k, if used)
   * @param totals hypothesis n-grams per order 1..N (after add-k, if used)
   * @param precisions smoothed precisions in percent, 1..N
   * @param brevityPenalty BP
   * @param sysLen total hypothesis tokens
   * @param refLen total (closest) reference tokens
   * @param signature e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j}
   */
  public record Result(
      double score,
      double[] counts,
      double[] totals,
      double[] precisions,
      double brevityPenalty,
      long sysLen,
      long refLen,
      String signature) {

    /** sacreBLEU's line, e.g. {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)}. */
    @Override
    public String toString() {
      StringBuilder prec = new StringBuilder();
      for (int n = 0; n < precisions.length; n++) {
        prec.append(n == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.1f", precisions[n]));
      }
      double ratio = refLen == 0 ? 0 : (double) sysLen / refLen;
      return String.format(
          Locale.ROOT,
          "BLEU|%s = %.2f %s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
          signature,
          score,
          prec,
          brevityPenalty,
          ratio,
          sysLen,
          refLen);
    }
  }

  /**
   * Corpus BLEU.
   *
   * @param hyps detokenized hypotheses, one per segment
   * @param refs for each segment, its references (at least one each)
   */
  public Result corpus(List<String> hyps, List<List<String>> refs) {
    if (hyps.size() != refs.size()) {
      throw new IllegalArgumentException(
          hyps.size()
              + " hypotheses but "
              + refs.size()
              + " reference lists; pass one list of references per hypothesis");
    }
    if (hyps.isEmpty()) {
      throw new IllegalArgumentException("no segments to score");
    }
    long[] stats = new long[2 + 2 * maxOrder];
    int nrefs = -2;
    for (int s = 0; s < hyps.size(); s++) {
      List<String> segRefs = refs.get(s);
      if (segRefs == null || segRefs.isEmpty()) {
        throw new IllegalArgumentException("segment " + s + " has no reference; give at least one");
      }
      nrefs = nrefs == -2 || nrefs == segRefs.size() ? segRefs.size() : -1;
      long[] seg = segmentStatistics(hyps.get(s), segRefs);
      for (int i = 0; i < stats.length; i++) {
        stats[i] += seg[i];
      }
    }
    return fromStatistics(stats, nrefs);
  }

  /** Corpus BLEU with one reference per hypothesis. */
  public Result corpusSingle(List<String> hyps, List<String> refs) {
    List<List<String>> wrapped = new ArrayList<>(refs.size());
    for (String r : refs) {
      wrapped.add(List.of(r));
    }
    return corpus(hyps, wrapped);
  }

  /**
   * BLEU of one sentence against its references: the corpus formula over one segment. Use {@link
   * #sentenceDefaults()} for sacreBLEU's {@code sentence_bleu}.
   */
  public Result sentence(String hyp, List<String> refs) {
    return corpus(List.of(hyp), List.of(refs));
  }

  /** The signature alone, for {@code nrefs} references per segment (-1: variable). */
  public String signature(int nrefs) {
    String smoothStr = smooth.id;
    if (smooth == Smooth.FLOOR || smooth == Smooth.ADD_K) {
      smoothStr += String.format(Locale.ROOT, "[%.2f]", smoothValue);
    }
    return "nrefs:"
        + (nrefs < 0 ? "var" : Integer.toString(nrefs))
        + "|case:"
        + (lowercase ? "lc" : "mixed")
        + "|eff:"
        + (effectiveOrder ? "yes" : "no")
        + "|tok:"
        + tokenize.id
        + "|smooth:"
        + smoothStr
        + "|version:"
        + SIGNATURE_VERSION;
  }

  /** The segment as sacreBLEU sees it before n-gram counting. */
  String preprocess(String sentence) {
    String s = lowercase ? sentence.toLowerCase(Locale.ROOT) : sentence;
    s = PyText.rstrip(s);
    return tokenize == Tokenize.V13A ? Tokenizer13a.tokenize(s) : s;
  }

  /** [hypLen, closestRefLen, correct_1..N, total_1..N] of one segment. */
  long[] segmentStatistics(String hyp, List<String> refs) {
    Map<String, Integer> refMax = new HashMap<>();
    int[] refLens = new int[refs.size()];
    for (int k = 0; k < refs.size(); k++) {
      List<String> toks = PyText.split(preprocess(refs.get(k)));
      refLens[k] = toks.size();
      for (Map.Entry<String, Integer> e : ngrams(toks).entrySet()) {
        refMax.merge(e.getKey(), e.getValue(), Math::max);
      }
    }
    List<String> htoks = PyText.split(preprocess(hyp));
    long[] st = new long[2 + 2 * maxOrder];
    st[0] = htoks.size();
    st[1] = closestRefLength(htoks.size(), refLens);
    for (Map.Entry<String, Integer> e : ngrams(htoks).entrySet()) {
      int n = order(e.getKey());
      st[2 + maxOrder + n - 1] += e.getValue();
      st[2 + n - 1] += Math.min(e.getValue(), refMax.getOrDefault(e.getKey(), 0));
    }
    return st;
  }

  /** The reference length closest to {@code hypLen}; the shorter one on a tie. */
  static int closestRefLength(int hypLen, int[] refLens) {
    int bestDiff = -1;
    int best = -1;
    for (int len : refLens) {
      int diff = Math.abs(hypLen - len);
      if (bestDiff == -1 || diff < bestDiff) {
        bestDiff = diff;
        best = len;
      } else if (diff == bestDiff && len < best) {
        best = len;
      }
    }
    return best;
  }

  /** Counts of all n-grams of orders 1..maxOrder, each keyed by its tokens joined by spaces. */
  private Map<String, Integer> ngrams(List<String> toks) {
    Map<String, Integer> m = new HashMap<>();
    for (int n = 1; n <= maxOrder; n++) {
      for (int i = 0; i + n <= toks.size(); i++) {
        m.merge(String.join(" ", toks.subList(i, i + n)), 1, Integer::sum);
      }
    }
    return m;
  }

  /** Tokens never hold a space, so the order of a key is its number of spaces + 1. */
  private static int order(String key) {
    int n = 1;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == ' ') {
        n++;
      }
    }
    return n;
  }

  /** sacreBLEU's {@code my_log}: log, with log 0 floored at −9999999999. */
  private static double myLog(double x) {
    return x == 0.0 ? -9999999999.0 : Math.log(x);
  }

  /**
   * BLEU from summed statistics (sacreBLEU's {@code compute_bleu}).
   *
   * @param stats [sysLen, refLen, correct_1..N, total_1..N]
   * @param nrefs references per segment for the signature, -1 if variable
   */
  Result fromStatistics(long[] stats, int nrefs) {
    long sysLen = stats[0];
    long refLen = stats[1];
    double[] correct = new double[maxOrder];
    double[] total = new double[maxOrder];
    boolean anyCorrect = false;
    for (int n = 0; n < maxOrder; n++) {
      correct[n] = stats[2 + n];
      total[n] = stats[2 + maxOrder + n];
      anyCorrect |= correct[n] != 0;
    }
    String sig = signature(nrefs);
    double bp = 1.0;
    if (sysLen < refLen) {
      bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
    }
    double[] precisions = new double[maxOrder];
    if (!anyCorrect) {
      return new Result(0.0, correct, total, precisions, bp, sysLen, refLen, sig);
    }
    double smoothMteval = 1.0;
    int effOrder = maxOrder;
    for (int n = 1; n <= maxOrder; n++) {
      if (smooth == Smooth.ADD_K && n > 1) {
        correct[n - 1] += smoothValue;
        total[n - 1] += smoothValue;
      }
      if (total[n - 1] == 0) {
        break;
      }
      if (effectiveOrder) {
        effOrder = n;
      }
      if (correct[n - 1] == 0) {
        if (smooth == Smooth.EXP) {
          smoothMteval *= 2;
          precisions[n - 1] = 100. / (smoothMteval * total[n - 1]);
        } else if (smooth == Smooth.FLOOR) {
          precisions[n - 1] = 100. * smoothValue / total[n - 1];
        }
      } else {
        precisions[n - 1] = 100. * correct[n - 1] / total[n - 1];
      }
    }
    double logSum = 0;
    for (int n = 0; n < effOrder; n++) {
      logSum += myLog(precisions[n]);
    }
    double score = bp * Math.exp(logSum / effOrder);
    return new Result(score, correct, total, precisions, bp, sysLen, refLen, sig);
  }

  @Override
  public String toString() {
    return "SacreBleu[" + signature(1) + ", maxOrder=" + maxOrder + "]";
  }
}
