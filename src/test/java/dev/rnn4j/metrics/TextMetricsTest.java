package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextMetricsTest {
  private static final List<String> HYPS =
      List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
  private static final List<List<String>> REFS =
      List.of(
          List.of("The dog bit the man.", "The dog had bit the man."),
          List.of("It was not unexpected.", "No one was surprised."),
          List.of("The man bit him first.", "The man had bitten the dog."));

  @Test
  void eachNameGivesItsMetricOnAZeroToHundredScale() {
    TextMetrics.Result bleu = TextMetrics.score("bleu", HYPS, REFS);
    assertEquals(SacreBleu.defaults().corpus(HYPS, REFS).score(), bleu.score());
    assertEquals(
        "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+rnn4j", bleu.signature());
    assertEquals(0.943, bleu.details().get("bp"), 5e-4);
    assertEquals(
        Chrf.defaults().corpus(HYPS, REFS).score(), TextMetrics.score("chrf", HYPS, REFS).score());
    assertEquals(
        Chrf.plusPlus().corpus(HYPS, REFS).score(),
        TextMetrics.score("chrf++", HYPS, REFS).score());
    for (String r : List.of("rouge1", "rouge2", "rougeL")) {
      TextMetrics.Result t = TextMetrics.score(r, HYPS, REFS);
      double f = new Rouge(List.of(r), false).corpus(HYPS, REFS).get(r).fmeasure();
      assertEquals(100 * f, t.score(), 1e-12);
      assertEquals(f, t.details().get("fmeasure"));
    }
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> TextMetrics.score("meteor", HYPS, REFS));
    assertEquals(
        "metric: got 'meteor', expected one of bleu, chrf, chrf++, rouge1, rouge2, rougeL",
        e.getMessage());
  }
}
