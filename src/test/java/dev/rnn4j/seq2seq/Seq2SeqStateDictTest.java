package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.LoadResult;
import dev.rnn4j.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole encoder-decoder through {@link Seq2SeqModel#stateDict()}: loaded into a model built from
 * another seed it gives the same weights bit for bit, the same loss and the same translations; tied
 * embeddings are one key; a closed model refuses.
 */
class Seq2SeqStateDictTest {
  private final Backend be = TestBackends.cpu();

  private static Seq2SeqConfig config(boolean tied) {
    return new Seq2SeqConfig(
        12, 12, 8, CellType.LSTM, 8, 1, true, 8, 1, AttentionType.GENERAL, 0f, tied, true);
  }

  private static final int[][] SRC = {{4, 5, 6}, {7, 8, 9, 10}, {11, 4}};
  private static final int[][] TGT = {{5, 7}, {6, 8, 10}, {4, 9, 11}};

  private static double loss(Seq2SeqModel m) {
    return m.evaluate(Seq2SeqBatch.of(SRC, TGT, Seq2SeqModel.BOS, Seq2SeqModel.EOS), 0f).sum();
  }

  private static List<List<Hypothesis>> translations(Seq2SeqModel m) {
    return new Translator(m).translate(List.of(SRC), DecodeOptions.beam(3));
  }

  private void roundTrip(boolean tied) {
    try (Seq2SeqModel a = new Seq2SeqModel(be, config(tied), 1);
        Seq2SeqModel b = new Seq2SeqModel(be, config(tied), 2)) {
      assertNotEquals(loss(a), loss(b), "the seeds give different models, so the test can fail");
      Map<String, HostTensor> state = a.stateDict();
      assertEquals(
          a.parameters().stream().map(Parameter::name).toList(), List.copyOf(state.keySet()));
      assertTrue(b.loadStateDict(state, true).exact());
      Map<String, HostTensor> got = b.stateDict();
      for (String k : state.keySet()) {
        assertArrayEquals(state.get(k).floats(), got.get(k).floats(), 0f, k);
      }
      assertEquals(loss(a), loss(b), 0.0, "bitwise the same loss");
      List<List<Hypothesis>> want = translations(a);
      List<List<Hypothesis>> have = translations(b);
      for (int i = 0; i < want.size(); i++) {
        for (int k = 0; k < want.get(i).size(); k++) {
          assertArrayEquals(want.get(i).get(k).tokens(), have.get(i).get(k).tokens());
          assertEquals(want.get(i).get(k).score(), have.get(i).get(k).score(), 0.0);
        }
      }
    }
  }

  @Test
  void untiedRoundTrip() {
    roundTrip(false);
  }

  @Test
  void tiedRoundTrip() {
    roundTrip(true);
  }

  @Test
  void tiedEmbeddingsAreOneKey() {
    try (Seq2SeqModel tied = new Seq2SeqModel(be, config(true), 1);
        Seq2SeqModel untied = new Seq2SeqModel(be, config(false), 1)) {
      Map<String, HostTensor> t = tied.stateDict();
      Map<String, HostTensor> u = untied.stateDict();
      assertTrue(t.containsKey("decoder.embedding.weight"));
      assertFalse(t.containsKey("generator.weight"), t.keySet().toString());
      assertTrue(u.containsKey("generator.weight"));
      assertEquals(u.size() - 1, t.size());
      // An untied state dict into a tied model: strict names the extra tensor; not strict loads
      // the rest and reports it.
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tied.loadStateDict(u, true));
      assertTrue(
          e.getMessage().contains("unexpected tensor(s) [generator.weight]"), e.getMessage());
      LoadResult r = tied.loadStateDict(u, false);
      assertEquals(List.of(), r.missing());
      assertEquals(List.of("generator.weight"), r.unexpected());
      assertArrayEquals(
          u.get("decoder.embedding.weight").floats(),
          tied.stateDict().get("decoder.embedding.weight").floats(),
          0f);
    }
  }

  @Test
  void modelFileIsTheStateDict(@TempDir Path tmp) throws Exception {
    try (Seq2SeqModel m = new Seq2SeqModel(be, config(false), 1)) {
      var v = Vocabulary.of(List.of("a", "b", "c", "d", "e", "f", "g", "h"));
      var tok = new WhitespaceTokenizer();
      ModelDirectory.save(tmp.resolve("m"), m, v, v, tok, tok, null);
      Map<String, HostTensor> file = SafeTensors.load(tmp.resolve("m/model.safetensors"));
      Map<String, HostTensor> state = m.stateDict();
      assertEquals(state.keySet(), file.keySet());
      for (String k : state.keySet()) {
        assertArrayEquals(state.get(k).floats(), file.get(k).floats(), 0f, k);
      }
    }
  }

  @Test
  void closedModelRefuses() {
    Seq2SeqModel m = new Seq2SeqModel(be, config(false), 1);
    Map<String, HostTensor> state = m.stateDict();
    m.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, m::stateDict);
    assertTrue(e.getMessage().contains("stateDict: the model is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> m.loadStateDict(state, true));
  }
}
