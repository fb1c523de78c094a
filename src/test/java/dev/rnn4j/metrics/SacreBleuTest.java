package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnn4j.metrics.SacreBleu.Smooth;
import dev.rnn4j.metrics.SacreBleu.Tokenize;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Reference values from sacreBLEU's own tests (github mjpost/sacrebleu at f615c72, release 2.6.0):
 * test/test_bleu.py (test_corpus_bleu, test_raw_bleu, test_effective_order, test_statistics,
 * test_scoring, test_offset, test_degenerate_statistics, test_max_ngram_order) and
 * test/test_sentence_bleu.py. The cases with the 'intl' and 'char' tokenizers are left out (not
 * implemented here). Also the two worked examples of its README.md ("Using SacreBLEU from Python",
 * "Variable Number of References"), whose printed lines are compared character for character except
 * the version field. Their tolerances are the ones of those files: 1e-8 on BLEU/100 in
 * test_bleu.py, 1e-3 on BLEU in test_sentence_bleu.py, exact for the degenerate cases.
 */
class SacreBleuTest {
  /** test_bleu.py's EPSILON, on BLEU in [0, 1]. */
  private static final double EPSILON = 1e-8;

  // test_bleu.py's README example: _refs is two reference streams, _hyps three segments.
  private static final List<String> HYPS =
      List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
  private static final List<List<String>> REFS =
      List.of(
          List.of("The dog bit the man.", "The dog had bit the man."),
          List.of("It was not unexpected.", "No one was surprised."),
          List.of("The man bit him first.", "The man had bitten the dog."));

  /** sacreBLEU's raw_corpus_bleu: no tokenizer, floor smoothing, effective order. */
  private static SacreBleu raw(double floor) {
    return SacreBleu.defaults()
        .withTokenize(Tokenize.NONE)
        .withSmooth(Smooth.FLOOR, floor)
        .withEffectiveOrder(true);
  }

  private static List<List<String>> single(String... refs) {
    List<List<String>> out = new ArrayList<>();
    for (String r : refs) {
      out.add(List.of(r));
    }
    return out;
  }

  @Test
  void testCorpusBleu() {
    assertEquals(48.530827, SacreBleu.defaults().corpus(HYPS, REFS).score(), EPSILON * 100);
    assertEquals(0.0, SacreBleu.defaults().corpus(List.of("", "", ""), REFS).score());
    assertEquals(
        49.1919566,
        SacreBleu.defaults().withTokenize(Tokenize.NONE).corpus(HYPS, REFS).score(),
        EPSILON * 100);
    assertEquals(
        48.530827,
        SacreBleu.defaults().withSmooth(Smooth.NONE).corpus(HYPS, REFS).score(),
        EPSILON * 100);
  }

  @Test
  void testRawBleuAndEffectiveOrder() {
    // The reference "documents" of test_raw_bleu are one stream: one reference per segment.
    assertEquals(
        0.0,
        raw(.01).corpus(List.of("this is a test", "another test"), single("ref1", "ref2")).score());
    assertEquals(
        1.0,
        raw(.01).corpus(List.of("this is a test"), single("this is a test")).score() / 100,
        EPSILON);
    assertEquals(
        0.223606797749979,
        raw(.01).corpus(List.of("this is a fest"), single("this is a test")).score() / 100,
        EPSILON);
    assertEquals(
        0.3678794411714425,
        raw(.01).corpus(List.of("test"), single("a test")).score() / 100,
        EPSILON);
    assertEquals(1.0, raw(.01).corpus(List.of("a test"), single("a test")).score() / 100, EPSILON);
    assertEquals(
        0.03218297948685433,
        raw(.01).corpus(List.of("a little test"), single("a test")).score() / 100,
        EPSILON);
  }

  @Test
  void testStatisticsAndOffset() {
    List<String> hyp = List.of("am I am a character sequence");
    List<List<String>> ref = single("I am a symbol string sequence a a");
    SacreBleu.Result r = raw(.01).corpus(hyp, ref);
    assertArrayEquals(new double[] {4, 2, 1, 0}, r.counts());
    assertArrayEquals(new double[] {6, 5, 4, 3}, r.totals());
    assertEquals(0.0, raw(0.0).corpus(hyp, ref).score() / 100, EPSILON);
    // raw_corpus_bleu's default floor value, 0.1.
    assertEquals(
        0.1555722182,
        SacreBleu.defaults()
                .withTokenize(Tokenize.NONE)
                .withSmooth(Smooth.FLOOR)
                .withEffectiveOrder(true)
                .corpus(hyp, ref)
                .score()
            / 100,
        EPSILON);
  }

  @Test
  void testScoringAndDegenerateStatistics() {
    // BLEU.compute_bleu's own default smoothing is 'none'.
    SacreBleu none = SacreBleu.defaults().withSmooth(Smooth.NONE);
    assertEquals(
        0.8375922397,
        none.fromStatistics(new long[] {11, 11, 9, 7, 5, 3, 10, 8, 6, 4}, 1).score() / 100,
        EPSILON);
    // (correct, total, sys_len, ref_len, floor value) -> exactly 0.
    long[][] stats = {
      {0, 1, 0, 0, 0, 0, 4, 4, 2, 1},
      {14, 10, 0, 0, 0, 0, 10, 11, 12, 0},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {6, 6, 6, 5, 4, 0, 6, 5, 4, 3},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {1, 5, 0, 0, 0, 0, 0, 0, 0, 0},
    };
    double[] floors = {0.0, 0.0, 0.0, 0.0, 0.1, 0.01};
    for (int i = 0; i < stats.length; i++) {
      SacreBleu m = SacreBleu.defaults().withSmooth(Smooth.FLOOR, floors[i]);
      assertEquals(0.0, m.fromStatistics(stats[i], 1).score(), "degenerate case " + i);
    }
  }

  @Test
  void testMaxNgramOrder() {
    String[] expected = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
    for (int order = 1; order <= 6; order++) {
      double s = SacreBleu.defaults().withMaxOrder(order).corpus(HYPS, REFS).score();
      assertEquals(expected[order - 1], String.format(Locale.ROOT, "%.2f", s), "order " + order);
    }
  }

  /** test_sentence_bleu.py, example of sacreBLEU issue #98, effective order on. */
  @Test
  void testSentenceBleu() {
    String ref = "producţia de zahăr brut se exprimă în zahăr alb;";
    String sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
    SacreBleu s = SacreBleu.sentenceDefaults();
    double eps = 1e-3;
    assertEquals(8.493, s.sentence(sys, List.of(ref)).score(), eps);
    assertEquals(0.0, s.withSmooth(Smooth.NONE).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(4.51688, s.withSmooth(Smooth.FLOOR).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(4.51688, s.withSmooth(Smooth.FLOOR, 0.1).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(10.10, s.withSmooth(Smooth.FLOOR, 0.5).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(14.882, s.withSmooth(Smooth.ADD_K).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(14.882, s.withSmooth(Smooth.ADD_K, 1).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(21.389, s.withSmooth(Smooth.ADD_K, 2).sentence(sys, List.of(ref)).score(), eps);
    assertEquals(7.347, s.withTokenize(Tokenize.NONE).sentence(sys, List.of(ref)).score(), eps);
    // Issue #141: no match at all is 0 whatever the smoothing.
    for (SacreBleu m :
        List.of(
            s,
            s.withSmooth(Smooth.NONE),
            s.withSmooth(Smooth.FLOOR),
            s.withSmooth(Smooth.FLOOR, 0.1),
            s.withSmooth(Smooth.ADD_K),
            s.withSmooth(Smooth.ADD_K, 1))) {
      assertEquals(0.0, m.sentence("this is a cat", List.of("okay thanks")).score(), eps);
    }
  }

  /**
   * Worked by hand. 13a: hyp "The cat sat on the mat ." and ref "The cat is on the mat ." (7 tokens
   * each, BP = 1). Matches: unigrams 6/7 (not "sat"); bigrams 4/6 (The cat, on the, the mat, mat
   * .); trigrams 2/5 (on the mat, the mat .); 4-grams 1/4 (on the mat .). BLEU = 100 · (6/7 · 4/6 ·
   * 2/5 · 1/4)^(1/4) = 100 · (2/35)^(1/4) ≈ 48.89.
   */
  @Test
  void handWorkedCorpus() {
    SacreBleu.Result r =
        SacreBleu.defaults()
            .corpusSingle(List.of("The cat sat on the mat."), List.of("The cat is on the mat."));
    assertArrayEquals(new double[] {6, 4, 2, 1}, r.counts());
    assertArrayEquals(new double[] {7, 6, 5, 4}, r.totals());
    assertEquals(1.0, r.brevityPenalty());
    assertEquals(100 * Math.pow(2.0 / 35, 0.25), r.score(), 1e-12);
  }

  /**
   * Worked by hand. "a b c d" vs "a b c e": 3/4, 2/3, 1/2 and 0/1 matches; exp smoothing makes the
   * first zero precision 100 / (2 · 1) = 50 %, so BLEU = 100 · (3/4 · 2/3 · 1/2 · 1/2)^(1/4) = 100
   * · 8^(-1/4); floor 0.1 makes it 10 %; 'none' gives 0.
   */
  @Test
  void handWorkedSmoothing() {
    List<String> h = List.of("a b c d");
    List<String> r = List.of("a b c e");
    SacreBleu.Result exp = SacreBleu.defaults().corpusSingle(h, r);
    assertArrayEquals(new double[] {75, 200.0 / 3, 50, 50}, exp.precisions(), 1e-12);
    assertEquals(100 * Math.pow(8, -0.25), exp.score(), 1e-12);
    SacreBleu.Result floor = SacreBleu.defaults().withSmooth(Smooth.FLOOR).corpusSingle(h, r);
    assertEquals(100 * Math.pow(0.75 * 2 / 3 * 0.5 * 0.1, 0.25), floor.score(), 1e-12);
    assertEquals(0.0, SacreBleu.defaults().withSmooth(Smooth.NONE).corpusSingle(h, r).score());
  }

  /**
   * Closest reference length: hyp of 5 tokens, refs of 4 and 6 (a tie: the shorter, 4, so BP = 1);
   * refs of 3 and 6: 6, BP = exp(1 - 6/5).
   */
  @Test
  void closestReferenceLengthRule() {
    assertEquals(4, SacreBleu.closestRefLength(5, new int[] {6, 4}));
    assertEquals(6, SacreBleu.closestRefLength(5, new int[] {3, 6}));
    SacreBleu.Result r =
        SacreBleu.defaults()
            .withTokenize(Tokenize.NONE)
            .sentence("a b c d e", List.of("x x x", "a b c d e f"));
    assertEquals(6, r.refLen());
    assertEquals(Math.exp(1 - 6.0 / 5), r.brevityPenalty(), 1e-15);
  }

  @Test
  void lowercaseOption() {
    SacreBleu.Result mixed =
        SacreBleu.defaults().corpusSingle(List.of("THE CAT"), List.of("the cat"));
    SacreBleu.Result lc =
        SacreBleu.defaults()
            .withLowercase(true)
            .corpusSingle(List.of("THE CAT"), List.of("the cat"));
    assertEquals(0.0, mixed.score());
    // Lowercased, "the cat" matches fully but has no 3- or 4-grams: total_3 = 0 ends the loop
    // before smoothing, p3 = p4 = 0, and without effective order BLEU is 0; with it, 100.
    assertEquals(0.0, lc.score());
    assertEquals(
        100.0,
        SacreBleu.sentenceDefaults()
            .withLowercase(true)
            .sentence("THE CAT", List.of("the cat"))
            .score(),
        1e-12);
    assertEquals(
        "nrefs:1|case:lc|eff:yes|tok:13a|smooth:exp|version:" + SacreBleu.SIGNATURE_VERSION,
        SacreBleu.sentenceDefaults().withLowercase(true).signature(1));
  }

  /** The signature format of sacreBLEU's BLEUSignature (sacrebleu/metrics/bleu.py). */
  @Test
  void signatures() {
    assertEquals(
        "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j",
        SacreBleu.defaults().corpus(HYPS, REFS).signature());
    assertEquals(
        "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j",
        SacreBleu.defaults().signature(1));
    assertEquals(
        "nrefs:var|case:mixed|eff:no|tok:none|smooth:floor[0.10]|version:2.6.0+rnn4j",
        SacreBleu.defaults()
            .withTokenize(Tokenize.NONE)
            .withSmooth(Smooth.FLOOR)
            .corpus(List.of("a", "b"), List.of(List.of("a"), List.of("b", "c")))
            .signature());
    assertEquals(
        "nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0+rnn4j",
        SacreBleu.defaults().withSmooth(Smooth.ADD_K).signature(1));
    assertEquals(
        "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j = 48.53"
            + " 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)",
        SacreBleu.defaults().corpus(HYPS, REFS).toString());
  }

  /** README.md "Variable Number of References": the first segment loses its first reference. */
  @Test
  void variableNumberOfReferences() {
    List<List<String>> refs =
        List.of(List.of("The dog had bit the man."), REFS.get(1), REFS.get(2));
    SacreBleu.Result r = SacreBleu.defaults().corpus(HYPS, refs);
    assertEquals(
        "BLEU|nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j = 29.44"
            + " 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)",
        r.toString());
    // An empty reference instead (sacreBLEU keeps '' and drops only None): same counts and
    // closest lengths, so the same score; the number of references stays 2.
    List<List<String>> withEmpty =
        List.of(List.of("", "The dog had bit the man."), REFS.get(1), REFS.get(2));
    SacreBleu.Result e = SacreBleu.defaults().corpus(HYPS, withEmpty);
    assertEquals(r.score(), e.score(), 1e-12);
    assertEquals("nrefs:2", e.signature().substring(0, 7));
  }

  @Test
  void errorsSayWhatIsWrong() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SacreBleu.defaults().corpus(List.of("a", "b"), List.of(List.of("a"))));
    assertEquals(
        "2 hypotheses but 1 reference lists; pass one list of references per hypothesis",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Smooth.of("laplace"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SacreBleu.defaults().corpus(List.of("a"), List.of(List.of())));
  }
}
