package dev.rnn4j.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2.x's {@code CHRF} computes them:
 * character n-gram F-score, optionally with word n-grams.
 *
 * <p>Per segment and reference: character n-grams of orders 1..{@code charOrder} (default 6) over
 * the code points of the segment with all whitespace removed (unless {@code whitespace}), and, for
 * chrF++, word n-grams of orders 1..{@code wordOrder} (2) over the words after splitting one
 * leading or trailing ASCII punctuation mark off each word of two or more characters. For each
 * order the statistics are [hypothesis n-grams (0 if the reference has none of that order),
 * reference n-grams, clipped matches]. With several references the segment keeps the statistics of
 * the reference with the highest segment F-score (the first on a tie). Corpus statistics are sums
 * over segments.
 *
 * <p>The score, with β = {@code beta} (default 2), from per-order precision P_n = match/hyp and
 * recall R_n = match/ref:
 *
 * <ul>
 *   <li>default ({@code eff:yes}, sacreBLEU's default since 2.0 and the behaviour before sacreBLEU
 *       2.0): average P_n and R_n over the orders where both hypothesis and reference have n-grams,
 *       then F = (1+β²)·P·R / (β²·P + R), times 100;
 *   <li>epsilon smoothing ({@code eff:no}, as chrF++.py, Moses and NLTK): an undefined P_n or R_n
 *       is 1e-16, F_n = (1+β²)·P_n·R_n / (β²·P_n + R_n) (1e-16 if the denominator is 0), and the
 *       score is 100 · mean over all orders of F_n.
 * </ul>
 *
 * <p>Thread-safety: instances are immutable; safe to share.
 */
public final class Chrf {
  /** sacreBLEU's {@code string.punctuation}, split off word edges for chrF++. */
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private static final double EPS = 1e-16;

  private final int charOrder;
  private final int wordOrder;
  private final int beta;
  private final boolean lowercase;
  private final boolean whitespace;
  private final boolean epsSmoothing;

  private Chrf(
      int charOrder,
      int wordOrder,
      int beta,
      boolean lowercase,
      boolean whitespace,
      boolean epsSmoothing) {
    if (charOrder < 0 || wordOrder < 0 || charOrder + wordOrder == 0) {
      throw new IllegalArgumentException(
          "chrF orders: got char "
              + charOrder
              + ", word "
              + wordOrder
              + "; expected both >= 0 and at least one > 0");
    }
    if (beta < 0) {
      throw new IllegalArgumentException("chrF beta: got " + beta + ", expected >= 0");
    }
    this.charOrder = charOrder;
    this.wordOrder = wordOrder;
    this.beta = beta;
    this.lowercase = lowercase;
    this.whitespace = whitespace;
    this.epsSmoothing = epsSmoothing;
  }

  /** sacreBLEU's {@code CHRF()} defaults: chrF2, char order 6, no words, effective order. */
  public static Chrf defaults() {
    return new Chrf(6, 0, 2, false, false, false);
  }

  /** sacreBLEU's {@code CHRF(word_order=2)}: chrF2++. */
  public static Chrf plusPlus() {
    return defaults().withWordOrder(2);
  }

  /** A copy with another character n-gram order. */
  public Chrf withCharOrder(int n) {
    return new Chrf(n, wordOrder, beta, lowercase, whitespace, epsSmoothing);
  }

  /** A copy with another word n-gram order (2 is chrF++). */
  public Chrf withWordOrder(int n) {
    return new Chrf(charOrder, n, beta, lowercase, whitespace, epsSmoothing);
  }

  /** A copy with another β (recall weighs β times as much as precision). */
  public Chrf withBeta(int b) {
    return new Chrf(charOrder, wordOrder, b, lowercase, whitespace, epsSmoothing);
  }

  /** A copy that lowercases first ({@code case:lc}). */
  public Chrf withLowercase(boolean on) {
    return new Chrf(charOrder, wordOrder, beta, on, whitespace, epsSmoothing);
  }

  /** A copy that keeps whitespace inside character n-grams ({@code space:yes}). */
  public Chrf withWhitespace(boolean on) {
    return new Chrf(charOrder, wordOrder, beta, lowercase, on, epsSmoothing);
  }

  /** A copy with chrF++.py-style epsilon smoothing ({@code eff:no}). */
  public Chrf withEpsSmoothing(boolean on) {
    return new Chrf(charOrder, wordOrder, beta, lowercase, whitespace, on);
  }

  /**
   * A chrF score.
   *
   * @param score in [0, 100]
   * @param name e.g. {@code chrF2} or {@code chrF2++}
   * @param signature e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:...}
   */
  public record Result(double score, String name, String signature) {
    /** sacreBLEU's line, e.g. {@code chrF2|nrefs:1|...|version:2.6.0+rnn4j = 63.36}. */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s|%s = %.2f", name, signature, score);
    }
  }

  /** Corpus chrF; {@code refs.get(i)} are the references of {@code hyps.get(i)}. */
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
    int order = charOrder + wordOrder;
    long[] stats = new long[3 * order];
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
    return new Result(fScore(stats), name(), signature(nrefs));
  }

  /** Corpus chrF with one reference per hypothesis. */
  public Result corpusSingle(List<String> hyps, List<String> refs) {
    List<List<String>> wrapped = new ArrayList<>(refs.size());
    for (String r : refs) {
      wrapped.add(List.of(r));
    }
    return corpus(hyps, wrapped);
  }

  /** chrF of one sentence against its references (sacreBLEU's {@code sentence_score}). */
  public Result sentence(String hyp, List<String> refs) {
    return corpus(List.of(hyp), List.of(refs));
  }

  /** {@code chrF<beta>} followed by one {@code +} per word order. */
  public String name() {
    return "chrF" + beta + "+".repeat(wordOrder);
  }

  /** The signature for {@code nrefs} references per segment (-1: variable). */
  public String signature(int nrefs) {
    return "nrefs:"
        + (nrefs < 0 ? "var" : Integer.toString(nrefs))
        + "|case:"
        + (lowercase ? "lc" : "mixed")
        + "|eff:"
        + (epsSmoothing ? "no" : "yes")
        + "|nc:"
        + charOrder
        + "|nw:"
        + wordOrder
        + "|space:"
        + (whitespace ? "yes" : "no")
        + "|version:"
        + SacreBleu.SIGNATURE_VERSION;
  }

  /** [hyp, ref, match] per order (chars 1..charOrder, then words 1..wordOrder). */
  long[] segmentStatistics(String hyp, List<String> refs) {
    List<Map<String, Integer>> h = allNgrams(lowercase ? hyp.toLowerCase(Locale.ROOT) : hyp);
    long[] best = null;
    double bestF = -1.0;
    for (String ref : refs) {
      List<Map<String, Integer>> r = allNgrams(lowercase ? ref.toLowerCase(Locale.ROOT) : ref);
      long[] stats = new long[3 * h.size()];
      for (int i = 0; i < h.size(); i++) {
        Map<String, Integer> hn = h.get(i);
        Map<String, Integer> rn = r.get(i);
        long hypCount = 0;
        long match = 0;
        for (Map.Entry<String, Integer> e : hn.entrySet()) {
          hypCount += e.getValue();
          Integer rc = rn.get(e.getKey());
          if (rc != null) {
            match += Math.min(e.getValue(), rc);
          }
        }
        long refCount = 0;
        for (int c : rn.values()) {
          refCount += c;
        }
        stats[3 * i] = rn.isEmpty() ? 0 : hypCount;
        stats[3 * i + 1] = refCount;
        stats[3 * i + 2] = match;
      }
      double f = fScore(stats);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  /** sacreBLEU's {@code _compute_f_score}: chrF in [0, 100] from summed statistics. */
  double fScore(long[] stats) {
    int order = charOrder + wordOrder;
    double factor = (double) beta * beta;
    double score = 0.0;
    int effectiveOrder = 0;
    double avgPrec = 0.0;
    double avgRec = 0.0;
    for (int i = 0; i < order; i++) {
      long nHyp = stats[3 * i];
      long nRef = stats[3 * i + 1];
      long nMatch = stats[3 * i + 2];
      double prec = nHyp > 0 ? (double) nMatch / nHyp : EPS;
      double rec = nRef > 0 ? (double) nMatch / nRef : EPS;
      double denom = factor * prec + rec;
      score += denom > 0 ? (1 + factor) * prec * rec / denom : EPS;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effectiveOrder++;
      }
    }
    if (epsSmoothing) {
      return 100 * score / order;
    }
    if (effectiveOrder == 0) {
      avgPrec = 0.0;
      avgRec = 0.0;
    } else {
      avgPrec /= effectiveOrder;
      avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec != 0) {
      double f = (1 + factor) * avgPrec * avgRec;
      f /= factor * avgPrec + avgRec;
      return 100 * f;
    }
    return 0.0;
  }

  /** Character n-gram counts per order, then word n-gram counts per order. */
  private List<Map<String, Integer>> allNgrams(String sent) {
    List<Map<String, Integer>> out = new ArrayList<>(charOrder + wordOrder);
    int[] cps = PyText.codePoints(whitespace ? sent : PyText.removeSpaces(sent));
    for (int n = 1; n <= charOrder; n++) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i + n <= cps.length; i++) {
        m.merge(new String(cps, i, n), 1, Integer::sum);
      }
      out.add(m);
    }
    if (wordOrder > 0) {
      List<String> words = splitPunctuation(sent);
      for (int n = 1; n <= wordOrder; n++) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) {
          m.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
        }
        out.add(m);
      }
    }
    return out;
  }

  /**
   * chrF++'s words: whitespace-split, then a word of two or more characters that ends in ASCII
   * punctuation loses it as a separate word, else one that starts with it ({@code "(hi)"} gives
   * {@code "(hi", ")"}, as in sacreBLEU).
   */
  static List<String> splitPunctuation(String sent) {
    List<String> out = new ArrayList<>();
    for (String w : PyText.split(sent)) {
      if (PyText.length(w) == 1) {
        out.add(w);
        continue;
      }
      int last = w.codePointBefore(w.length());
      int first = w.codePointAt(0);
      if (PUNCTUATION.indexOf(last) >= 0) {
        int cut = w.length() - Character.charCount(last);
        out.add(w.substring(0, cut));
        out.add(w.substring(cut));
      } else if (PUNCTUATION.indexOf(first) >= 0) {
        int cut = Character.charCount(first);
        out.add(w.substring(0, cut));
        out.add(w.substring(cut));
      } else {
        out.add(w);
      }
    }
    return out;
  }
}
