package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.Json;
import dev.rnn4j.nn.CellType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory refuses files that do not belong to it (the checksums in config.json), and a
 * reader loading while a writer saves always gets one complete version.
 */
class ModelDirectoryIntegrityTest {
  private final Backend be = TestBackends.cpu();
  private final Seq2SeqConfig cfg =
      new Seq2SeqConfig(
          12, 12, 8, CellType.LSTM, 8, 1, true, 8, 1, AttentionType.GENERAL, 0f, false);
  private final Vocabulary vocab = Vocabulary.of(List.of("a", "b", "c", "d", "e", "f", "g", "h"));
  // The same size as vocab, other tokens: loads as far as sizes go, translates wrongly.
  private final Vocabulary other = Vocabulary.of(List.of("h", "g", "f", "e", "d", "c", "b", "a"));
  @TempDir Path dir;

  private void save(Path where, Seq2SeqModel m) throws IOException {
    ModelDirectory.save(
        where, m, vocab, vocab, new WhitespaceTokenizer(), new CharTokenizer(), null);
  }

  @Test
  void aVocabularyReplacedByAnotherOfTheSameSizeIsRefusedByName() throws IOException {
    Path model = dir.resolve("best");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7)) {
      save(model, m);
    }
    other.save(dir.resolve("other.vocab"));
    Files.write(model.resolve("source.vocab"), Files.readAllBytes(dir.resolve("other.vocab")));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> ModelDirectory.load(model, be));
    assertTrue(e.getMessage().startsWith(model.resolve("source.vocab").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not belong to this model"), e.getMessage());
  }

  @Test
  void changedWeightsAreRefusedByName() throws IOException {
    Path model = dir.resolve("best");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7)) {
      save(model, m);
    }
    byte[] w = Files.readAllBytes(model.resolve("model.safetensors"));
    w[w.length - 1] ^= 1; // the last byte of the last float: still a valid safetensors file
    Files.write(model.resolve("model.safetensors"), w);
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> ModelDirectory.load(model, be));
    assertTrue(
        e.getMessage().startsWith(model.resolve("model.safetensors").toString()), e.getMessage());
  }

  @Test
  void aDirectoryWithoutChecksumsStillLoads() throws IOException {
    Path model = dir.resolve("best");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7)) {
      save(model, m);
    }
    Path cfgFile = model.resolve("config.json");
    Map<String, Object> j =
        new java.util.LinkedHashMap<>(
            Json.parseObject(Files.readString(cfgFile, StandardCharsets.UTF_8)));
    assertTrue(j.containsKey(ModelDirectory.CHECKSUMS));
    j.remove(ModelDirectory.CHECKSUMS); // as written before checksums existed
    Files.writeString(cfgFile, Json.writePretty(j), StandardCharsets.UTF_8);
    try (ModelDirectory.Loaded l = ModelDirectory.load(model, be)) {
      assertEquals(12, l.model().config().srcVocab());
    }
  }

  /** Weights that do not fit config.json's model are refused naming the file and the tensors. */
  @Test
  void weightsThatDoNotFitTheConfigurationAreRefusedByName() throws IOException {
    Path model = dir.resolve("best");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7)) {
      save(model, m);
    }
    Path cfgFile = model.resolve("config.json");
    String saved = Files.readString(cfgFile, StandardCharsets.UTF_8);
    // Tied embeddings: the file's generator.weight has no parameter (loaded strictly).
    Files.writeString(cfgFile, withModel(saved, "tie_embeddings", true), StandardCharsets.UTF_8);
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> ModelDirectory.load(model, be));
    String weights = model.resolve("model.safetensors").toString();
    assertTrue(e.getMessage().startsWith(weights), e.getMessage());
    assertTrue(
        e.getMessage().contains("holds tensor(s) [generator.weight] that config.json's model"),
        e.getMessage());
    // Another encoder size: every tensor of the wrong shape, with both shapes.
    Files.writeString(cfgFile, withModel(saved, "encoder_hidden", 6L), StandardCharsets.UTF_8);
    e = assertThrows(FileFormatException.class, () -> ModelDirectory.load(model, be));
    assertTrue(e.getMessage().startsWith(weights), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "tensor 'encoder.rnn.weight_ih_l0' is F32[32, 8] in the state dict,"
                    + " the parameter is F32[24, 8]"),
        e.getMessage());
  }

  /** config.json text with one entry of its model changed. */
  private static String withModel(String configJson, String key, Object value) {
    Map<String, Object> j = new java.util.LinkedHashMap<>(Json.parseObject(configJson));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new java.util.LinkedHashMap<>((Map<String, Object>) j.get("model"));
    m.put(key, value);
    j.put("model", m);
    return Json.writePretty(j);
  }

  @Test
  void aMalformedChecksumListIsExplained() throws IOException {
    Path model = dir.resolve("best");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7)) {
      save(model, m);
    }
    Path cfgFile = model.resolve("config.json");
    Map<String, Object> j =
        new java.util.LinkedHashMap<>(
            Json.parseObject(Files.readString(cfgFile, StandardCharsets.UTF_8)));
    j.put(ModelDirectory.CHECKSUMS, Map.of("../../etc/passwd", "00"));
    Files.writeString(cfgFile, Json.writePretty(j), StandardCharsets.UTF_8);
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> ModelDirectory.load(model, be));
    assertTrue(e.getMessage().contains("is not a file name"), e.getMessage());
  }

  /**
   * One thread saves two different models into the same directory in turn while another loads it:
   * every load succeeds and gives exactly one of the two models, never a mix.
   */
  @Test
  void loadsWhileAnotherThreadSavesSeeOneCompleteVersion() throws Exception {
    Path model = dir.resolve("best");
    try (Seq2SeqModel a = new Seq2SeqModel(be, cfg, 1);
        Seq2SeqModel b = new Seq2SeqModel(be, cfg, 2)) {
      float[] wa = be.download(a.parameters().get(0).value());
      float[] wb = be.download(b.parameters().get(0).value());
      save(model, a);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 40; i++) {
                    save(model, i % 2 == 0 ? b : a);
                  }
                } catch (Throwable t) {
                  failed.set(t);
                }
              });
      writer.start();
      List<Boolean> seen = new ArrayList<>();
      while (writer.isAlive()) {
        try (ModelDirectory.Loaded l = ModelDirectory.load(model, be)) {
          float[] w = be.download(l.model().parameters().get(0).value());
          boolean isA = java.util.Arrays.equals(w, wa);
          if (!isA) {
            assertArrayEquals(wb, w, "a load gave neither of the saved models");
          }
          seen.add(isA);
        }
      }
      writer.join();
      if (failed.get() != null) {
        throw new AssertionError("the writer failed", failed.get());
      }
      assertTrue(seen.size() > 0);
    }
  }
}
