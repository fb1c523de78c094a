package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Decoding constraints on an untrained model (whose outputs repeat tokens freely and end at
 * random): a minimum length, n-gram blocking and GNMT's coverage penalty.
 */
class BeamConstraintsTest {
  private final Backend be = TestBackends.cpu();
  private final Seq2SeqConfig cfg =
      new Seq2SeqConfig(
          20, 12, 8, CellType.LSTM, 8, 1, true, 16, 1, AttentionType.GENERAL, 0f, false);

  private List<int[]> sources() {
    SplittableRandom r = new SplittableRandom(5);
    List<int[]> s = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      s.add(r.ints(2 + r.nextInt(6), 4, 20).toArray());
    }
    return s;
  }

  @Test
  void blockedTokensAreThoseThatWouldRepeatAnNgram() {
    assertEquals(Set.of(), BeamSearch.blocked(new int[] {5, 6, 7}, 0));
    assertEquals(Set.of(5, 6, 7), BeamSearch.blocked(new int[] {5, 6, 7}, 1));
    // "5 6" occurred; the hypothesis ends in 5, so 6 would repeat the bigram 5 6.
    assertEquals(Set.of(6), BeamSearch.blocked(new int[] {5, 6, 7, 5}, 2));
    assertEquals(Set.of(7), BeamSearch.blocked(new int[] {5, 6, 7, 5, 6}, 3));
    assertEquals(Set.of(), BeamSearch.blocked(new int[] {5, 6}, 3));
  }

  @Test
  void minimumLengthAndNgramBlockingHoldForEveryHypothesis() {
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 3)) {
      Translator tr = new Translator(m);
      for (int beam : new int[] {1, 4}) {
        DecodeOptions plain = new DecodeOptions(beam, 0.6f, 2f, 6, beam, false, 5);
        DecodeOptions constrained = plain.withConstraints(4, 2, 0f);
        int shortBefore = 0;
        int repeatsBefore = 0;
        for (List<Hypothesis> hs : tr.translate(sources(), plain)) {
          for (Hypothesis h : hs) {
            shortBefore += h.tokens().length < 4 ? 1 : 0;
            repeatsBefore += repeatsBigram(h.tokens()) ? 1 : 0;
          }
        }
        assertTrue(shortBefore + repeatsBefore > 0, "the test needs outputs that break the rules");
        for (List<Hypothesis> hs : tr.translate(sources(), constrained)) {
          assertEquals(beam, hs.size());
          for (Hypothesis h : hs) {
            assertTrue(h.tokens().length >= 4, "shorter than the minimum: " + h.tokens().length);
            assertTrue(!repeatsBigram(h.tokens()), "a repeated bigram in " + List.of(h.tokens()));
          }
        }
      }
    }
  }

  @Test
  void theCoveragePenaltyIsAddedToTheScoreAsGnmtDefinesIt() {
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 3)) {
      Translator tr = new Translator(m);
      float beta = 0.4f;
      DecodeOptions opts =
          new DecodeOptions(3, 0.6f, 2f, 6, 3, true, 5).withConstraints(0, 0, beta);
      List<int[]> src = sources();
      List<List<Hypothesis>> out = tr.translate(src, opts);
      for (int i = 0; i < src.size(); i++) {
        for (Hypothesis h : out.get(i)) {
          double[] cov = new double[src.get(i).length];
          for (float[] row : h.attention()) {
            for (int j = 0; j < cov.length; j++) {
              cov[j] += row[j];
            }
          }
          double cp = 0;
          for (double c : cov) {
            cp += Math.log(Math.min(c, 1.0));
          }
          double want = opts.normalise(h.logProb(), h.tokens().length + 1) + beta * cp;
          // float attention summed in float vs double here: 1e-5 relative.
          assertEquals(want, h.score(), 1e-5 * Math.max(1, Math.abs(want)), "hypothesis score");
        }
      }
    }
  }

  private static boolean repeatsBigram(int[] t) {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i + 1 < t.length; i++) {
      if (!seen.add(((long) t[i] << 32) | t[i + 1])) {
        return true;
      }
    }
    return false;
  }
}
