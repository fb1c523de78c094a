package dev.rnn4j.seq2seq;

import dev.rnn4j.Fuzz;
import dev.rnn4j.io.Json;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutated model configurations (the {@code "model"} object of config.json): parsing and {@code
 * ModelDirectory.configFromJson} return a configuration or throw {@link IllegalArgumentException}
 * with a message, which {@link ModelDirectory#load} turns into a FileFormatException.
 */
class ConfigFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("config");

  @Provide
  Arbitrary<byte[]> configs() {
    return Fuzz.inputs("config");
  }

  @Property(
      tries = 10_000,
      seed = "4023",
      shrinking = ShrinkingMode.OFF,
      edgeCases = EdgeCasesMode.NONE,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void configReaderReturnsOrReportsTheProblem(@ForAll("configs") byte[] text) {
    Fuzz.check(
        STATS,
        text,
        b -> ModelDirectory.configFromJson(Json.parseObject(new String(b, StandardCharsets.UTF_8))),
        IllegalArgumentException.class);
  }

  @AfterContainer
  static void summary() {
    System.out.println(STATS.summary());
  }
}
