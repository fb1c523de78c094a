package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.train.TrainOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The option mixins that `rnn4j train` shares with the Spark trainer's `train`. */
class SharedOptionsTest {

  @Test
  void trainingDefaultsAreTheLibraryDefaults() {
    TrainingOptions t = new TrainingOptions();
    new CommandLine(t).parseArgs();
    assertEquals(TrainOptions.defaults(), t.options(1, 1));
    assertEquals(2000, t.devMetricLimit());
    new CommandLine(t).parseArgs("--lr", "0.003", "--seed", "9", "--dev-metric-limit", "50");
    assertEquals(0.003f, t.options(2, t.seed()).lr());
    assertEquals(2, t.options(2, t.seed()).accumulate());
    assertEquals(9, t.options(2, t.seed()).seed());
    assertEquals(50, t.devMetricLimit());
  }

  @Test
  void aNonPositiveDevMetricLimitIsRefusedNamingTheOption() {
    TrainingOptions t = new TrainingOptions();
    new CommandLine(t).parseArgs("--dev-metric-limit", "0");
    var e = assertThrows(IllegalArgumentException.class, t::devMetricLimit);
    assertTrue(e.getMessage().contains("--dev-metric-limit"), e.getMessage());
  }

  @Test
  void dropoutDefaultsTo02UnlessTheFrontEndSaysOtherwise() {
    ModelOptions core = new ModelOptions();
    new CommandLine(core).parseArgs();
    assertEquals(0.2f, core.config(10, 10).dropout());
    assertEquals(2, core.config(10, 10).decoderLayers());
    ModelOptions spark = new ModelOptions(0f);
    new CommandLine(spark).parseArgs();
    assertEquals(0f, spark.config(10, 10).dropout());
    new CommandLine(spark).parseArgs("--dropout", "0.3");
    assertEquals(0.3f, spark.config(10, 10).dropout());
  }

  @Test
  void unknownNamesAreRefusedNamingTheOption() {
    ModelOptions m = new ModelOptions();
    new CommandLine(m).parseArgs("--cell", "transformer");
    var e = assertThrows(IllegalArgumentException.class, () -> m.config(10, 10));
    assertTrue(e.getMessage().startsWith("--cell"), e.getMessage());
  }
}
