package dev.rnn4j.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter (1980) suffix-stripping stemmer in the variant that Google's {@code rouge-score} uses:
 * NLTK's {@code PorterStemmer()} in its default {@code NLTK_EXTENSIONS} mode. That mode is the
 * original algorithm plus: a pool of irregular forms ({@code dying -> die}, {@code skies -> sky},
 * {@code news -> news}, ...); words of two letters or fewer untouched; {@code -ies} and {@code
 * -ied} on four-letter words giving {@code -ie}; any other {@code -ied} giving {@code -i}; a
 * two-letter vowel-consonant stem counting as "cvc"; {@code y -> i} only after a consonant that is
 * not the first letter; {@code -alli -> -al} applied before step 2 and then step 2 again; Porter's
 * later {@code -bli -> -ble} instead of {@code -abli -> -able}; {@code -fulli -> -ful}; {@code
 * -logi -> -log}.
 *
 * <p>Terms, after Porter: a consonant is a letter other than a, e, i, o, u, and other than a y
 * preceded by a consonant; the measure m of a stem is the number of vowel-run/consonant-run pairs
 * (VC) in it. Each step lists rules {@code (suffix, replacement, condition on the stem)}; the first
 * rule whose suffix the word ends with decides: if its condition holds the suffix is replaced, else
 * the word is left as it is for that step.
 *
 * <p>Input is lowercased first ({@code Locale.ROOT}), as NLTK's {@code stem(word)} does.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class PorterStemmer {
  /** NLTK_EXTENSIONS' irregular forms: word -> stem, applied before everything else. */
  private static final Map<String, String> POOL =
      Map.ofEntries(
          Map.entry("sky", "sky"),
          Map.entry("skies", "sky"),
          Map.entry("dying", "die"),
          Map.entry("lying", "lie"),
          Map.entry("tying", "tie"),
          Map.entry("news", "news"),
          Map.entry("innings", "inning"),
          Map.entry("inning", "inning"),
          Map.entry("outings", "outing"),
          Map.entry("outing", "outing"),
          Map.entry("cannings", "canning"),
          Map.entry("canning", "canning"),
          Map.entry("howe", "howe"),
          Map.entry("proceed", "proceed"),
          Map.entry("exceed", "exceed"),
          Map.entry("succeed", "succeed"));

  private PorterStemmer() {}

  /** The stem of {@code word}. */
  public static String stem(String word) {
    // As NLTK: the pool is looked up with the word as given, the length is that of the word.
    String pooled = POOL.get(word);
    if (pooled != null) {
      return pooled;
    }
    String w = word.toLowerCase(Locale.ROOT);
    if (PyText.length(word) <= 2) {
      return w;
    }
    w = step1a(w);
    w = step1b(w);
    w = step1c(w);
    w = step2(w);
    w = step3(w);
    w = step4(w);
    w = step5a(w);
    return step5b(w);
  }

  // ---- Porter's terms -------------------------------------------------------------------------

  static boolean isConsonant(String w, int i) {
    char c = w.charAt(i);
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
      return false;
    }
    if (c == 'y') {
      return i == 0 || !isConsonant(w, i - 1);
    }
    return true;
  }

  /** m: the number of places where a vowel is followed by a consonant. */
  static int measure(String stem) {
    int m = 0;
    for (int i = 1; i < stem.length(); i++) {
      if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
        m++;
      }
    }
    return m;
  }

  private static boolean hasPositiveMeasure(String stem) {
    return measure(stem) > 0;
  }

  private static boolean containsVowel(String stem) {
    for (int i = 0; i < stem.length(); i++) {
      if (!isConsonant(stem, i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsDoubleConsonant(String w) {
    int n = w.length();
    return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
  }

  /** *o: ends consonant-vowel-consonant, the last not w, x or y; or is vowel-consonant (NLTK). */
  private static boolean endsCvc(String w) {
    int n = w.length();
    if (n >= 3
        && isConsonant(w, n - 3)
        && !isConsonant(w, n - 2)
        && isConsonant(w, n - 1)
        && "wxy".indexOf(w.charAt(n - 1)) < 0) {
      return true;
    }
    return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
  }

  /** A rule: replace {@code suffix} by {@code replacement} if {@code condition(stem)}. */
  private record Rule(String suffix, String replacement, Predicate<String> condition) {}

  private static Rule rule(String suffix, String replacement, Predicate<String> condition) {
    return new Rule(suffix, replacement, condition);
  }

  /** The first rule whose suffix matches decides, whether or not its condition holds. */
  private static String applyRules(String w, Rule... rules) {
    for (Rule r : rules) {
      if (w.endsWith(r.suffix)) {
        String stem = w.substring(0, w.length() - r.suffix.length());
        return r.condition == null || r.condition.test(stem) ? stem + r.replacement : w;
      }
    }
    return w;
  }

  // ---- the steps ------------------------------------------------------------------------------

  static String step1a(String w) {
    if (w.endsWith("ies") && w.length() == 4) {
      return w.substring(0, 1) + "ie";
    }
    return applyRules(
        w,
        rule("sses", "ss", null),
        rule("ies", "i", null),
        rule("ss", "ss", null),
        rule("s", "", null));
  }

  static String step1b(String w) {
    if (w.endsWith("ied")) {
      return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
    }
    if (w.endsWith("eed")) {
      String stem = w.substring(0, w.length() - 3);
      return measure(stem) > 0 ? stem + "ee" : w;
    }
    String stem;
    if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
      stem = w.substring(0, w.length() - 2);
    } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
      stem = w.substring(0, w.length() - 3);
    } else {
      return w;
    }
    if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
      return stem + "e";
    }
    if (endsDoubleConsonant(stem)) {
      char last = stem.charAt(stem.length() - 1);
      return last == 'l' || last == 's' || last == 'z'
          ? stem
          : stem.substring(0, stem.length() - 1);
    }
    return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
  }

  static String step1c(String w) {
    return applyRules(
        w, rule("y", "i", stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1)));
  }

  static String step2(String w) {
    if (w.endsWith("alli") && hasPositiveMeasure(w.substring(0, w.length() - 4))) {
      return step2(w.substring(0, w.length() - 4) + "al");
    }
    Predicate<String> m0 = PorterStemmer::hasPositiveMeasure;
    String word = w;
    return applyRules(
        w,
        rule("ational", "ate", m0),
        rule("tional", "tion", m0),
        rule("enci", "ence", m0),
        rule("anci", "ance", m0),
        rule("izer", "ize", m0),
        rule("bli", "ble", m0),
        rule("alli", "al", m0),
        rule("entli", "ent", m0),
        rule("eli", "e", m0),
        rule("ousli", "ous", m0),
        rule("ization", "ize", m0),
        rule("ation", "ate", m0),
        rule("ator", "ate", m0),
        rule("alism", "al", m0),
        rule("iveness", "ive", m0),
        rule("fulness", "ful", m0),
        rule("ousness", "ous", m0),
        rule("aliti", "al", m0),
        rule("iviti", "ive", m0),
        rule("biliti", "ble", m0),
        rule("fulli", "ful", m0),
        // NLTK tests the measure of the word less "ogi", i.e. the stem plus its "l".
        rule("logi", "log", stem -> hasPositiveMeasure(word.substring(0, word.length() - 3))));
  }

  static String step3(String w) {
    Predicate<String> m0 = PorterStemmer::hasPositiveMeasure;
    return applyRules(
        w,
        rule("icate", "ic", m0),
        rule("ative", "", m0),
        rule("alize", "al", m0),
        rule("iciti", "ic", m0),
        rule("ical", "ic", m0),
        rule("ful", "", m0),
        rule("ness", "", m0));
  }

  static String step4(String w) {
    Predicate<String> m1 = stem -> measure(stem) > 1;
    return applyRules(
        w,
        rule("al", "", m1),
        rule("ance", "", m1),
        rule("ence", "", m1),
        rule("er", "", m1),
        rule("ic", "", m1),
        rule("able", "", m1),
        rule("ible", "", m1),
        rule("ant", "", m1),
        rule("ement", "", m1),
        rule("ment", "", m1),
        rule("ent", "", m1),
        rule("ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
        rule("ou", "", m1),
        rule("ism", "", m1),
        rule("ate", "", m1),
        rule("iti", "", m1),
        rule("ous", "", m1),
        rule("ive", "", m1),
        rule("ize", "", m1));
  }

  static String step5a(String w) {
    if (w.endsWith("e")) {
      String stem = w.substring(0, w.length() - 1);
      int m = measure(stem);
      if (m > 1 || (m == 1 && !endsCvc(stem))) {
        return stem;
      }
    }
    return w;
  }

  static String step5b(String w) {
    // "ll" -> "l" when the measure of the word less one l exceeds 1.
    if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
      return w.substring(0, w.length() - 1);
    }
    return w;
  }
}
