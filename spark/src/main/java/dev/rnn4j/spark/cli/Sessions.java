package dev.rnn4j.spark.cli;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The Spark session and the input formats of the jobs. */
final class Sessions {
  private Sessions() {}

  /** The session of spark-submit, or a local one when {@code master} is given. */
  static SparkSession open(String appName, String master) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b.master(master).config("spark.ui.enabled", "false");
    }
    return b.getOrCreate();
  }

  /** The format of a path: its --format, or its extension (.parquet; .tsv; anything else text). */
  static String format(String path, String format) {
    if (format != null) {
      String f = format.toLowerCase(Locale.ROOT);
      if (!f.equals("text") && !f.equals("tsv") && !f.equals("parquet")) {
        throw new IllegalArgumentException(
            "--format: unknown format '" + format + "'; use text, tsv or parquet");
      }
      return f;
    }
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".parquet") ? "parquet" : p.endsWith(".tsv") ? "tsv" : "text";
  }

  /**
   * Reads a file: text → one column "value"; TSV (no header, no quoting) → _c0, _c1, ...; Parquet →
   * its own columns.
   */
  static Dataset<Row> read(SparkSession spark, String path, String format) {
    return switch (format) {
      case "parquet" -> spark.read().parquet(path);
      case "tsv" ->
          spark
              .read()
              .option("sep", "\t")
              .option("quote", "\u0000")
              .option("header", "false")
              .csv(path);
      default -> spark.read().text(path);
    };
  }
}
