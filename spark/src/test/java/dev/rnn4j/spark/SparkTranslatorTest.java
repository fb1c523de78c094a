package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.train.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch translation with the README's toy model ([1,2,3] → [2,4,6], [4,5,6] → [3,5,7], [7,8,9] →
 * [1,6,9], tokens "1".."9"): results equal a local Translator's, row order and id columns are kept
 * over several partitions and batches, bad rows follow the documented policy, and the model is
 * loaded once per JVM.
 */
class SparkTranslatorTest {
  static final WhitespaceTokenizer TOK = new WhitespaceTokenizer();
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void setUp() throws Exception {
    model = trainToyModel(dir.resolve("toy"));
  }

  /** Trains the README's toy model (150 Adam steps, CPU) and saves it to {@code out}. */
  static Path trainToyModel(Path out) throws Exception {
    int[][] src = {{4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
    int[][] tgt = {{5, 7, 9}, {6, 8, 10}, {4, 9, 12}};
    var cfg =
        new Seq2SeqConfig(
            13, 13, 16, CellType.LSTM, 32, 1, true, 32, 1, AttentionType.GENERAL, 0f, false, false);
    Seq2SeqBatch batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    Vocabulary v = Vocabulary.of(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"));
    try (Backend be = Backends.create("cpu");
        var m = new Seq2SeqModel(be, cfg, 3);
        var adam = new Adam(0.01f)) {
      for (int step = 0; step < 150; step++) {
        m.zeroGrad();
        m.trainStep(batch, 0f, 1f / batch.targetTokens());
        adam.step(m.parameters());
      }
      ModelDirectory.save(out, m, v, v, TOK, TOK, null);
    }
    return out;
  }

  /** What the core library gives for one line, translated alone. */
  static String local(ModelDirectory.Loaded m, String line, DecodeOptions opts) {
    int[] ids = m.sourceVocab().encode(TOK.tokenize(line));
    int[] out = new Translator(m.model()).translate(ids, opts);
    return TOK.detokenize(m.targetVocab().decode(out));
  }

  @Test
  void translatesColumnKeepingOrderAndIds() throws Exception {
    String[] inputs = {
      "1 2 3", "4 5 6", null, "7 8 9", "", "1 2 3 4 5 6", "   ", "9", "7 8 9", "3 2 1", "4 5 6"
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      rows.add(RowFactory.create(1000L + i, inputs[i], i % 2 == 0));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, true)
            .add("flag", DataTypes.BooleanType, false);
    // Three partitions, in order (parallelize keeps it); batches of 2 within partitions.
    Dataset<Row> df =
        TestSpark.session().createDataFrame(TestSpark.jsc().parallelize(rows, 3), schema);
    DecodeOptions opts = new DecodeOptions(3, 0.6f, 2f, 10, 1, false, 2);
    long loadsBefore = ExecutorRuntime.modelLoads();
    List<Row> out;
    List<Row> again;
    try (SparkTranslator t = SparkTranslator.of(TestSpark.session(), model).withBackend("cpu")) {
      Dataset<Row> result = t.translate(df, "text", "translation", opts);
      assertEquals(
          List.of("id", "text", "flag", "translation"),
          Arrays.asList(result.schema().fieldNames()));
      out = result.collectAsList();
      again = t.translate(df, "text", "translation", opts).collectAsList();
      // One load for 3 partitions × 2 jobs: the broadcast model is cached in the executor JVM.
      assertEquals(1, ExecutorRuntime.modelLoads() - loadsBefore, "model loads");
    }
    assertEquals(out, again);
    try (Backend be = Backends.create("cpu");
        ModelDirectory.Loaded m = ModelDirectory.load(model, be)) {
      assertEquals(inputs.length, out.size());
      for (int i = 0; i < inputs.length; i++) {
        Row r = out.get(i);
        assertEquals(1000L + i, r.getLong(0), "row order and id");
        assertEquals(inputs[i], r.getString(1));
        assertEquals(i % 2 == 0, r.getBoolean(2));
        String expected =
            inputs[i] == null ? null : inputs[i].isBlank() ? "" : local(m, inputs[i], opts);
        assertEquals(expected, r.getString(3), "row " + i + " (" + inputs[i] + ")");
      }
    }
    // The model learned the toy task.
    assertEquals("2 4 6", out.get(0).getString(3));
    assertEquals("3 5 7", out.get(1).getString(3));
    assertEquals("1 6 9", out.get(3).getString(3));
  }

  @Test
  void translatesLinesAndAddsAnErrorColumn() throws Exception {
    List<String> lines = List.of("7 8 9", "1 2 3", "4 5 6");
    Dataset<String> ds = TestSpark.session().createDataset(lines, Encoders.STRING()).repartition(1);
    try (SparkTranslator t = SparkTranslator.of(TestSpark.session(), model).withBackend("cpu")) {
      assertEquals(
          List.of("1 6 9", "2 4 6", "3 5 7"),
          t.translate(ds, DecodeOptions.greedy()).collectAsList());
      Dataset<Row> withErrors =
          t.withErrorColumn("error")
              .translate(ds.toDF("w"), "w", "phonemes", DecodeOptions.greedy());
      assertEquals(
          List.of("w", "phonemes", "error"), Arrays.asList(withErrors.schema().fieldNames()));
      for (Row r : withErrors.collectAsList()) {
        assertNull(r.get(2), "no errors: " + r);
      }
    }
  }

  @Test
  void rejectsBadColumnsAndDirectories() throws Exception {
    Dataset<Row> df = TestSpark.session().createDataset(List.of("1"), Encoders.STRING()).toDF("a");
    try (SparkTranslator t = SparkTranslator.of(TestSpark.session(), model)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> t.translate(df, "b", "out", DecodeOptions.greedy()));
      assertTrue(e.getMessage().contains("no input column 'b'"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> t.translate(df, "a", "a", DecodeOptions.greedy()));
      assertTrue(e.getMessage().contains("exists already"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> t.withBackend("tpu"));
    }
    Exception e =
        assertThrows(java.io.IOException.class, () -> SparkTranslator.of(TestSpark.session(), dir));
    assertTrue(e.getMessage().contains("not a model directory"), e.getMessage());
  }
}
