package dev.rnn4j.spark;

import dev.rnn4j.data.CopyVocabulary;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Hypothesis;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Translator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Translates one partition lazily, {@code maxBatch} rows at a time: each output row is the input
 * row followed by the translation (and the error column when asked for), in input order. The model
 * comes from the executor's cache ({@link ExecutorRuntime#model}), so the broadcast is read and the
 * model loaded once per executor JVM. Within a chunk the inputs are decoded sorted by length (less
 * padding), then put back in order.
 *
 * <p>Policy for bad rows (never an exception midway): a null input gives a null translation; an
 * input with no tokens (empty or blank) gives ""; a row whose decoding throws gives a null
 * translation and, with an error column, the message (the rest of its chunk is retried row by row).
 */
final class TranslatePartition implements MapPartitionsFunction<Row, Row> {
  private final Broadcast<ModelFiles> model;
  private final String modelId;
  private final String backend;
  private final DecodeSpec decode;
  private final int inputIndex;
  private final boolean errorColumn;

  TranslatePartition(
      Broadcast<ModelFiles> model,
      String modelId,
      String backend,
      DecodeSpec decode,
      int inputIndex,
      boolean errorColumn) {
    this.model = model;
    this.modelId = modelId;
    this.backend = backend;
    this.decode = decode;
    this.inputIndex = inputIndex;
    this.errorColumn = errorColumn;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    ModelDirectory.Loaded m = ExecutorRuntime.model(modelId, backend, model::value);
    Translator tr = new Translator(m.model());
    DecodeOptions opts = decode.options();
    return new Iterator<>() {
      private Iterator<Row> chunk = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        if (!chunk.hasNext() && rows.hasNext()) {
          List<Row> in = new ArrayList<>(opts.maxBatch());
          while (in.size() < opts.maxBatch() && rows.hasNext()) {
            in.add(rows.next());
          }
          chunk = translate(m, tr, opts, in).iterator();
        }
        return chunk.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return chunk.next();
      }
    };
  }

  private List<Row> translate(
      ModelDirectory.Loaded m, Translator tr, DecodeOptions opts, List<Row> in) {
    int n = in.size();
    String[] out = new String[n];
    String[] err = new String[n];
    int[][] ids = new int[n][];
    // With copy attention each source's extended vocabulary (its words outside the vocabulary
    // can be copied), as `rnn4j translate` reads them; else null.
    CopyVocabulary[] copies = new CopyVocabulary[n];
    boolean copy = m.model().config().copyAttention();
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object v = in.get(i).get(inputIndex);
      if (v == null) {
        continue;
      }
      List<String> tokens = m.sourceTokenizer().tokenize(v.toString());
      if (copy) {
        copies[i] = CopyVocabulary.of(m.sourceVocab(), tokens);
        ids[i] = copies[i].sourceIds();
      } else {
        ids[i] = m.sourceVocab().encode(tokens);
      }
      if (ids[i].length == 0) {
        out[i] = "";
      } else {
        todo.add(i);
      }
    }
    todo.sort(Comparator.comparingInt(i -> ids[i].length));
    try {
      decode(m, tr, opts, ids, copies, todo, out);
    } catch (RuntimeException batchFailure) {
      for (int i : todo) {
        try {
          decode(m, tr, opts, ids, copies, List.of(i), out);
        } catch (RuntimeException e) {
          out[i] = null;
          err[i] = e.toString();
        }
      }
    }
    List<Row> result = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row r = in.get(i);
      Object[] cols = Arrays.copyOf(toArray(r), r.length() + (errorColumn ? 2 : 1));
      cols[r.length()] = out[i];
      if (errorColumn) {
        cols[r.length() + 1] = err[i];
      }
      result.add(RowFactory.create(cols));
    }
    return result;
  }

  private static void decode(
      ModelDirectory.Loaded m,
      Translator tr,
      DecodeOptions opts,
      int[][] ids,
      CopyVocabulary[] copies,
      List<Integer> which,
      String[] out) {
    if (which.isEmpty()) {
      return;
    }
    List<int[]> src = new ArrayList<>(which.size());
    for (int i : which) {
      src.add(ids[i]);
    }
    List<List<Hypothesis>> hyps = tr.translate(src, opts);
    for (int k = 0; k < which.size(); k++) {
      int[] best = hyps.get(k).get(0).tokens();
      CopyVocabulary cv = copies[which.get(k)];
      out[which.get(k)] =
          m.targetTokenizer()
              .detokenize(cv != null ? cv.decode(best) : m.targetVocab().decode(best));
    }
  }

  private static Object[] toArray(Row r) {
    Object[] a = new Object[r.length()];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.get(i);
    }
    return a;
  }
}
