package dev.rnn4j.spark;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.ModelDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch translation of a Spark column with a trained model directory.
 *
 * <pre>{@code
 * try (SparkTranslator t = SparkTranslator.of(spark, Path.of("runs/g2p/best"))) {
 *   Dataset<Row> out = t.translate(words, "word", "phonemes", DecodeOptions.beam(5));
 * }
 * }</pre>
 *
 * <p>The model's files are broadcast once; each executor JVM loads the model once (on its first
 * task) and its tasks share it ({@code Translator} is thread-safe). Rows are decoded in batches of
 * {@link DecodeOptions#maxBatch()} within each partition. The result has every input column (ids
 * included) in input order, plus the translation as a string column; partitioning and row order are
 * those of the input. Bad rows do not fail the job: a null input gives null, an input without
 * tokens ("" or blank) gives "", and a row whose decoding fails gives null (and the message, in the
 * optional error column). The executors use the backend named by {@link #withBackend} ("auto": a
 * GPU where the executor has one, else the CPU). Only the best hypothesis is returned: the n-best
 * and attention settings of the {@link DecodeOptions} are ignored.
 *
 * <p>Closing destroys the broadcast and frees the model in this JVM (in local mode, the executors'
 * model); on a cluster, executors free theirs at exit.
 */
public final class SparkTranslator implements AutoCloseable {
  private final SparkSession spark;
  private final ModelFiles files;
  private final Broadcast<ModelFiles> broadcast;
  private final String backend;
  private final String errorColumn;

  private SparkTranslator(
      SparkSession spark,
      ModelFiles files,
      Broadcast<ModelFiles> broadcast,
      String backend,
      String errorColumn) {
    this.spark = spark;
    this.files = files;
    this.broadcast = broadcast;
    this.backend = backend;
    this.errorColumn = errorColumn;
  }

  /**
   * Reads the model directory on the driver, checks that it loads (so that a bad directory fails
   * here, not in every task), and broadcasts its files.
   */
  public static SparkTranslator of(SparkSession spark, Path modelDir) throws IOException {
    ModelFiles files = ModelFiles.read(modelDir);
    try (Backend be = Backends.create("cpu")) {
      // Loaded and closed: the configuration, vocabularies and tensors are consistent.
      ModelDirectory.load(modelDir, be).close();
    }
    Broadcast<ModelFiles> bc =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(files);
    return new SparkTranslator(spark, files, bc, "auto", null);
  }

  /** The executors' backend: cpu, cuda or auto (default auto). */
  public SparkTranslator withBackend(String name) {
    if (!Arrays.asList("cpu", "cuda", "auto").contains(name)) {
      throw new IllegalArgumentException("unknown backend '" + name + "'; use cpu, cuda or auto");
    }
    return new SparkTranslator(spark, files, broadcast, name, errorColumn);
  }

  /** Adds a string column with the error of each row whose decoding failed (null elsewhere). */
  public SparkTranslator withErrorColumn(String name) {
    return new SparkTranslator(spark, files, broadcast, backend, name);
  }

  /** The broadcast model's id (SHA-256 of its files). */
  public String modelId() {
    return files.id();
  }

  /**
   * {@code df} plus a string column {@code outputCol}: the best translation of {@code inputCol}
   * (any type; its string form is tokenized).
   */
  public Dataset<Row> translate(
      Dataset<Row> df, String inputCol, String outputCol, DecodeOptions opts) {
    StructType schema = df.schema();
    int input;
    try {
      input = schema.fieldIndex(inputCol);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "no input column '"
              + inputCol
              + "'; the columns are "
              + Arrays.toString(schema.fieldNames()),
          e);
    }
    StructType out = addColumn(schema, outputCol);
    if (errorColumn != null) {
      out = addColumn(out, errorColumn);
    }
    return df.mapPartitions(
        new TranslatePartition(
            broadcast, files.id(), backend, DecodeSpec.of(opts), input, errorColumn != null),
        Encoders.row(out));
  }

  /** The best translation of each line, in order (null and blank lines: see the class policy). */
  public Dataset<String> translate(Dataset<String> lines, DecodeOptions opts) {
    String in = "input";
    String out = "translation";
    return translate(lines.toDF(in), in, out, opts).select(out).as(Encoders.STRING());
  }

  private static StructType addColumn(StructType s, String name) {
    if (Arrays.asList(s.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          "column '" + name + "' exists already; choose another output column name");
    }
    return s.add(name, DataTypes.StringType, true);
  }

  @Override
  public void close() {
    broadcast.destroy();
    ExecutorRuntime.releaseModel(files.id());
  }
}
