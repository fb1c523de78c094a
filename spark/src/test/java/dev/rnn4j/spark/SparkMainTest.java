package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.spark.cli.SparkMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit entry point end to end on CMUdict-format TSV files: train (2 epochs, 2 shards)
 * writes best/last model directories; translate writes input<TAB>translation for every line, in
 * order, and translates a Parquet column keeping the other columns. Runs in the test's Spark
 * session (no --master: as under spark-submit).
 */
class SparkMainTest {
  static void writeTsv(Path file, List<String[]> pairs) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String[] p : pairs) {
      lines.add(p[0] + "\t" + p[1]);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  @Test
  void trainsThenTranslates(@TempDir Path dir) throws IOException {
    TestSpark.session();
    G2pSample data = new G2pSample(200, 30);
    Path train = dir.resolve("train.tsv");
    Path dev = dir.resolve("dev.tsv");
    writeTsv(train, data.trainText);
    writeTsv(dev, data.devText);
    Path out = dir.resolve("run");
    int code =
        SparkMain.run(
            "train",
            "--train=" + train,
            "--dev=" + dev,
            "--out=" + out,
            "--embed=16",
            "--encoder-hidden=24",
            "--encoder-layers=1",
            "--decoder-hidden=32",
            "--input-feeding",
            "--embedding-dropout=0.125",
            "--epochs=2",
            "--batch-size=32",
            "--partitions=2",
            "--dev-metric-limit=20",
            "--checkpoint-every=3");
    assertEquals(0, code, "train exit code");
    assertTrue(Files.isRegularFile(out.resolve("best/model.safetensors")));
    assertTrue(Files.readString(out.resolve("last/trainer.json")).contains("\"epoch\": 3"));
    String config = Files.readString(out.resolve("best/config.json")).replaceAll("\\s", "");
    assertTrue(
        config.contains("\"input_feeding\":true"),
        "--input-feeding reaches the saved configuration");
    assertTrue(
        config.contains("\"embedding_dropout\":0.125"),
        "--embedding-dropout reaches the saved configuration");
    assertTrue(
        config.matches(".*\"dropout\":0(\\.0)?[,}].*"), "Spark's default dropout is 0: " + config);
    assertTrue(
        config.contains("\"decoder_layers\":2"), "the core CLI's default decoder depth: " + config);
    Path translated = dir.resolve("translated");
    code =
        SparkMain.run(
            "translate",
            "--model=" + out.resolve("best"),
            "--input=" + dev,
            "--output=" + translated,
            "--beam=2",
            "--executor-backend=cpu");
    assertEquals(0, code, "translate exit code");
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(translated)) {
      for (Path p :
          parts.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
      }
    }
    assertEquals(30, lines.size());
    for (int i = 0; i < 30; i++) {
      String[] cols = lines.get(i).split("\t", -1);
      assertEquals(2, cols.length, lines.get(i));
      assertEquals(data.devText.get(i)[0], cols[0], "line " + i + " in order");
      assertTrue(cols[1].matches("[A-Z ]*"), "phonemes: " + cols[1]);
    }
    // Parquet in, Parquet out: every column kept, the translation and error columns added.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(RowFactory.create(500L + i, data.devText.get(i)[0]));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("word", DataTypes.StringType);
    Path words = dir.resolve("words.parquet");
    TestSpark.session().createDataFrame(rows, schema).write().parquet(words.toString());
    Path phonemes = dir.resolve("phonemes.parquet");
    code =
        SparkMain.run(
            "translate",
            "--model=" + out.resolve("best"),
            "--input=" + words,
            "--input-col=word",
            "--output=" + phonemes,
            "--beam=2",
            "--executor-backend=cpu");
    assertEquals(0, code, "translate exit code (parquet)");
    Dataset<Row> back = TestSpark.session().read().parquet(phonemes.toString());
    assertEquals(
        List.of("id", "word", "translation", "error"), Arrays.asList(back.schema().fieldNames()));
    List<Row> got = back.orderBy("id").collectAsList();
    assertEquals(30, got.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(500L + i, got.get(i).getLong(0));
      assertEquals(data.devText.get(i)[0], got.get(i).getString(1));
      assertEquals(lines.get(i).split("\t", -1)[1], got.get(i).getString(2), "as the TSV run");
      assertTrue(got.get(i).isNullAt(3));
    }
  }

  static int train(Path train, Path dev, Path out, int epochs, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--train=" + train,
                "--dev=" + dev,
                "--out=" + out,
                "--embed=16",
                "--encoder-hidden=24",
                "--encoder-layers=1",
                "--decoder-hidden=32",
                "--epochs=" + epochs,
                "--batch-size=32",
                "--partitions=2",
                "--dev-metric-limit=10"));
    args.addAll(Arrays.asList(more));
    return SparkMain.run(args.toArray(new String[0]));
  }

  @Test
  void resumedRunEndsWhereAnUninterruptedOneEnds(@TempDir Path dir) throws IOException {
    TestSpark.session();
    G2pSample data = new G2pSample(96, 16);
    Path train = dir.resolve("train.tsv");
    Path dev = dir.resolve("dev.tsv");
    writeTsv(train, data.trainText);
    writeTsv(dev, data.devText);
    assertEquals(0, train(train, dev, dir.resolve("full"), 2));
    assertEquals(0, train(train, dev, dir.resolve("cut"), 1));
    // A new driver, given the checkpoint (and other model options, which the checkpoint overrides).
    assertEquals(
        0,
        train(
            train,
            dev,
            dir.resolve("cut"),
            2,
            "--resume=" + dir.resolve("cut/last"),
            "--embed=99",
            "--seed=12345"));
    assertEquals(
        -1,
        Files.mismatch(
            dir.resolve("full/last/model.safetensors"), dir.resolve("cut/last/model.safetensors")),
        "same final weights");
  }

  @Test
  void badOptionsExitWithAMessage(@TempDir Path dir) {
    assertEquals(
        1, SparkMain.run("train", "--train=x.tsv", "--dev=y.tsv", "--out=" + dir, "--mode=async"));
    // Refused before Spark reads anything (x.tsv does not exist).
    assertEquals(
        1,
        SparkMain.run(
            "train", "--train=x.tsv", "--dev=y.tsv", "--out=" + dir, "--dev-metric-limit=0"));
    assertEquals(
        1,
        SparkMain.run(
            "train", "--train=x.tsv", "--dev=y.tsv", "--out=" + dir, "--schedule=cosine"));
    assertEquals(
        1,
        SparkMain.run(
            "train", "--train=x.tsv", "--dev=y.tsv", "--out=" + dir, "--cell=transformer"));
    assertEquals(2, SparkMain.run());
  }
}
