package dev.rnn4j.seq2seq;

import dev.rnn4j.Fuzz;
import dev.rnn4j.io.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated model configurations (the {@code "model"} object of config.json): parsing and {@code
 * ModelDirectory.configFromJson} return a configuration or throw {@link IllegalArgumentException}
 * with a message, which {@link ModelDirectory#load} turns into a FileFormatException.
 */
class ConfigFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("config");

  /** Fuzz finding: an unknown enum name was reported by Enum.valueOf, control characters raw. */
  @Test
  void anUnknownAttentionNameListsTheChoicesAndShowsControlCharacters() {
    java.util.Map<String, Object> m =
        new java.util.LinkedHashMap<>(
            Json.parseObject(
                Json.write(
                    ModelDirectory.configToJson(
                        new Seq2SeqConfig(
                            9,
                            9,
                            4,
                            dev.rnn4j.nn.CellType.LSTM,
                            4,
                            1,
                            true,
                            4,
                            1,
                            AttentionType.GENERAL,
                            0f,
                            false)))));
    m.put("attention", "GENERAL\u0000");
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> ModelDirectory.configFromJson(m));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("\\u0000") && e.getMessage().contains("expected one of ["),
        e.getMessage());
  }

  @Test
  void configReaderReturnsOrReportsTheProblem() {
    Fuzz.forAll(4023L, 10_000, Fuzz.inputs("config"), this::configReaderReturnsOrReportsTheProblem);
  }

  void configReaderReturnsOrReportsTheProblem(byte[] text) {
    Fuzz.check(
        STATS,
        text,
        b -> ModelDirectory.configFromJson(Json.parseObject(new String(b, StandardCharsets.UTF_8))),
        IllegalArgumentException.class);
  }

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
