package dev.rnn4j.spark.cli;

import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.spark.SparkTranslator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description =
        "Translate a column of a text, TSV or Parquet input with a model directory; writes the"
            + " input columns plus the translation, in input order.")
final class TranslateJob implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model directory (on the driver)")
  Path model;

  @Option(names = "--input", required = true, description = "input path (any Spark file system)")
  String input;

  @Option(names = "--output", required = true, description = "output directory")
  String output;

  @Option(names = "--format", description = "text, tsv or parquet (default: by extension)")
  String format;

  @Option(
      names = "--input-col",
      description = "column to translate (default: value for text, _c0 for TSV)")
  String inputCol;

  @Option(names = "--output-col", defaultValue = "translation")
  String outputCol;

  @Option(names = "--beam", defaultValue = "5", description = "beam size (1: greedy)")
  int beam;

  @Option(names = "--length-penalty", defaultValue = "0.6")
  float lengthPenalty;

  @Option(names = "--batch-size", defaultValue = "64", description = "inputs per beam search")
  int batchSize;

  @Option(names = "--executor-backend", defaultValue = "auto", description = "cpu, cuda or auto")
  String backend;

  @Option(
      names = "--master",
      description = "run Spark in this JVM (e.g. local[2]); not with spark-submit")
  String master;

  @Override
  public Integer call() throws Exception {
    String fmt = Sessions.format(input, format);
    SparkSession spark = Sessions.open("rnn4j-spark translate", master);
    try {
      Dataset<Row> in = Sessions.read(spark, input, fmt);
      String col = inputCol != null ? inputCol : fmt.equals("text") ? "value" : "_c0";
      DecodeOptions opts = new DecodeOptions(beam, lengthPenalty, 2f, 10, 1, false, batchSize);
      try (SparkTranslator t =
          SparkTranslator.of(spark, model).withBackend(backend).withErrorColumn("error")) {
        Dataset<Row> out = t.translate(in, col, outputCol, opts);
        if (fmt.equals("parquet")) {
          out.write().parquet(output);
        } else {
          // TSV: input<TAB>translation (the error column is left out; failed rows are empty).
          out.select(
                  functions.concat_ws(
                      "\t",
                      functions.coalesce(functions.col(col).cast("string"), functions.lit("")),
                      functions.coalesce(functions.col(outputCol), functions.lit(""))))
              .write()
              .text(output);
        }
      }
      System.out.println("translations written to " + output);
      return 0;
    } finally {
      if (master != null) {
        spark.stop();
      }
    }
  }
}
