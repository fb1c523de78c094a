package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference values from sacreBLEU's test/test_chrf.py (github mjpost/sacrebleu at f615c72, release
 * 2.6.0): all 13 epsilon-smoothing cases, 7 effective-order cases, 2 keep-whitespace cases (β = 3
 * in all these, as there) and 3 sentence-level cases (β = 2), with that file's tolerance 1e-4; and
 * the chrF2 of its README.md example. chrF++ has no reference value in sacreBLEU's tests; it is
 * checked by hand below.
 */
class ChrfTest {
  private static final double EPSILON = 1e-4;

  private static double corpus(Chrf m, List<String> hyps, List<String> refs) {
    return m.corpusSingle(hyps, refs).score();
  }

  private static final Chrf BETA3 = Chrf.defaults().withBeta(3);

  @Test
  void testChrfEpsSmoothing() {
    Chrf m = BETA3.withEpsSmoothing(true);
    Object[][] cases = {
      {List.of("abcdefg"), List.of("hijklmnop"), 0.0},
      {List.of("a"), List.of("b"), 0.0},
      {List.of(""), List.of("b"), 0.0},
      {List.of(""), List.of("ref"), 0.0},
      {List.of(""), List.of("reference"), 0.0},
      {List.of("aa"), List.of("ab"), 8.3333},
      {List.of("a", "b"), List.of("a", "c"), 8.3333},
      {List.of("a"), List.of("a"), 16.6667},
      {List.of("a b c"), List.of("a b c"), 50.0},
      {List.of("a b c"), List.of("abc"), 50.0},
      {
        List.of(
            " risk assessment must be made of those who are qualified and expertise in the sector -"
                + " these are the scientists ."),
        List.of(
            "risk assessment has to be undertaken by those who are qualified and expert in that"
                + " area - that is the scientists ."),
        63.361730
      },
      {
        List.of(" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "),
        List.of("Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."),
        64.1302698
      },
      {
        List.of("Niemand hat die Absicht, eine Mauer zu errichten"),
        List.of("Niemand hat die Absicht, eine Mauer zu errichten"),
        100.0
      },
    };
    check(m, cases);
  }

  @Test
  void testChrfEffectiveOrder() {
    Object[][] cases = {
      {List.of("a"), List.of("a"), 100.0},
      {List.of(""), List.of("reference"), 0.0},
      {List.of("a b c"), List.of("a b c"), 100.0},
      {List.of("a b c"), List.of("abc"), 100.0},
      {List.of(""), List.of("c"), 0.0},
      {List.of("a", "b"), List.of("a", "c"), 50.0},
      {List.of("aa"), List.of("ab"), 25.0},
    };
    check(BETA3, cases);
  }

  @Test
  void testChrfKeepWhitespace() {
    Object[][] cases = {
      {
        List.of("Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."),
        List.of("Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."),
        67.3481606
      },
      {
        List.of(
            "risk assessment must be made of those who are qualified and expertise in the sector -"
                + " these are the scientists ."),
        List.of(
            "risk assessment has to be undertaken by those who are qualified and expert in that"
                + " area - that is the scientists ."),
        65.2414427
      },
    };
    check(BETA3.withWhitespace(true), cases);
  }

  @Test
  void testChrfSentenceLevel() {
    Chrf m = Chrf.defaults().withEpsSmoothing(true);
    assertEquals(
        39.14078509,
        m.sentence(
                "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
                List.of(
                    "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo"
                        + " zemře."))
            .score(),
        EPSILON);
    assertEquals(
        31.22557079,
        m.sentence(
                "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
                List.of(
                    "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."))
            .score(),
        EPSILON);
    assertEquals(
        57.15704367,
        m.sentence(
                "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
                List.of(
                    "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít,"
                        + " připomněli."))
            .score(),
        EPSILON);
  }

  /** README.md "Using SacreBLEU from Python": CHRF() on the two-reference example, 59.73. */
  @Test
  void readmeExampleWithTwoReferences() {
    List<String> hyps =
        List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    List<List<String>> refs =
        List.of(
            List.of("The dog bit the man.", "The dog had bit the man."),
            List.of("It was not unexpected.", "No one was surprised."),
            List.of("The man bit him first.", "The man had bitten the dog."));
    Chrf.Result r = Chrf.defaults().corpus(hyps, refs);
    assertEquals("59.73", String.format(java.util.Locale.ROOT, "%.2f", r.score()));
    assertEquals(
        "chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+rnn4j = 59.73",
        r.toString());
  }

  /**
   * Worked by hand: hyp "ab cd", ref "ab ce", whitespace removed: "abcd" vs "abce". Character
   * matches/hyp/ref: n=1 3/4/4, n=2 2/3/3 (ab, bc), n=3 1/2/2 (abc), n=4 0/1/1, n=5,6 none on
   * either side (not in the effective order). chrF2: P = R = (3/4 + 2/3 + 1/2 + 0)/4 = 23/48 and F
   * = P, so 100 · 23/48. chrF2++ adds words "ab cd" vs "ab ce": unigrams 1/2/2, bigrams 0/1/1, so P
   * = R = (23/12 + 1/2 + 0)/6 = 29/72 and chrF2++ = 100 · 29/72.
   */
  @Test
  void handWorkedChrfAndChrfPlusPlus() {
    assertEquals(
        100.0 * 23 / 48, corpus(Chrf.defaults(), List.of("ab cd"), List.of("ab ce")), 1e-12);
    Chrf.Result pp = Chrf.plusPlus().corpusSingle(List.of("ab cd"), List.of("ab ce"));
    assertEquals(100.0 * 29 / 72, pp.score(), 1e-12);
    assertEquals("chrF2++", pp.name());
    assertEquals(
        "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0+rnn4j", pp.signature());
    // Lowercasing: "AB" vs "ab" matches fully only with lowercase on.
    assertEquals(0.0, corpus(Chrf.defaults(), List.of("AB"), List.of("ab")));
    assertEquals(100.0, corpus(Chrf.defaults().withLowercase(true), List.of("AB"), List.of("ab")));
    assertEquals(
        "nrefs:1|case:lc|eff:no|nc:6|nw:0|space:no|version:2.6.0+rnn4j",
        Chrf.defaults().withLowercase(true).withEpsSmoothing(true).signature(1));
  }

  /** The reference with the best segment F wins; statistics are summed over segments. */
  @Test
  void multipleReferencesPickTheBestSegmentFScore() {
    assertEquals(100.0, Chrf.defaults().sentence("abc", List.of("xyz", "abc")).score(), 1e-12);
    assertEquals(
        Chrf.defaults().sentence("abc", List.of("abd")).score(),
        Chrf.defaults().sentence("abc", List.of("abd", "xyz")).score(),
        1e-12);
  }

  /**
   * chrF++ words: sacreBLEU's _remove_punctuation, including the "(hi)" case of its issue #124: a
   * trailing mark is checked first, so only one side of a quoted word is split off.
   */
  @Test
  void chrfPlusPlusWordSplitting() {
    assertEquals(List.of("(hi", ")"), Chrf.splitPunctuation("(hi)"));
    assertEquals(
        List.of("Hello", ",", "world", "!", "a", "\"quoted", "\"", "-"),
        Chrf.splitPunctuation("Hello, world! a \"quoted\" -"));
  }

  private static void check(Chrf m, Object[][] cases) {
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<String> h = new ArrayList<>((List<String>) c[0]);
      @SuppressWarnings("unchecked")
      List<String> r = (List<String>) c[1];
      assertEquals((double) c[2], corpus(m, h, r), EPSILON, "hyp " + h + " ref " + r);
    }
  }
}
