package dev.rnn4j.spark;

import dev.rnn4j.data.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Token counts of a text column, counted on the executors, for {@code Vocabulary.build} on the
 * driver (the counts, not the text, come back: one entry per distinct token).
 */
public final class TokenCounts {
  private TokenCounts() {}

  /** Occurrences of each token of {@code column} (null rows skipped); char or whitespace. */
  public static Map<String, Long> count(Dataset<Row> df, String column, Tokenizer tokenizer) {
    String name = TextCodec.name(tokenizer);
    int c = df.schema().fieldIndex(column);
    return df.javaRDD()
        .flatMap(
            r -> {
              Object v = r.get(c);
              List<String> toks =
                  v == null ? List.of() : TextCodec.tokenizer(name).tokenize(v.toString());
              return new ArrayList<>(toks).iterator();
            })
        .countByValue();
  }
}
