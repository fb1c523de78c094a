package dev.rnn4j.cli;

import dev.rnn4j.data.CorpusReport;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.ParallelCorpusReader;
import dev.rnn4j.data.SentencePair;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A tokenized parallel corpus read from a TSV file, with the reader's report. */
record Corpus(List<List<String>> sources, List<List<String>> targets, CorpusReport report) {

  static Corpus read(
      Path file,
      InputStream in,
      String name,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      int maxLength,
      PrintStream log)
      throws IOException {
    List<List<String>> src = new ArrayList<>();
    List<List<String>> tgt = new ArrayList<>();
    ParallelCorpusReader reader = reader(srcTok, tgtTok, maxLength);
    java.util.function.Consumer<SentencePair> sink =
        p -> {
          src.add(srcTok.tokenize(p.source()));
          tgt.add(tgtTok.tokenize(p.target()));
        };
    CorpusReport report = file != null ? reader.read(file, sink) : reader.read(in, name, sink);
    if (report.rejected() > 0) {
      log.println(report.summary());
    }
    if (src.isEmpty()) {
      throw new IllegalArgumentException(
          (file != null ? file : name) + ": no usable lines (expected source<TAB>target per line)");
    }
    return new Corpus(src, tgt, report);
  }

  /** Token counts of a corpus's two sides, for {@link Vocabulary#build}. */
  record Counts(Map<String, Long> sources, Map<String, Long> targets) {}

  /**
   * Counts the tokens of a training file in one streaming pass, holding only the counts (not the
   * pairs), so that the vocabularies of a corpus larger than the heap can be built. Malformed lines
   * are skipped here and reported by {@link #readEncoded}, which reads the file again.
   */
  static Counts count(Path file, Tokenizer srcTok, Tokenizer tgtTok, int maxLength)
      throws IOException {
    Map<String, Long> src = new HashMap<>();
    Map<String, Long> tgt = new HashMap<>();
    reader(srcTok, tgtTok, maxLength)
        .read(
            file,
            p -> {
              for (String t : srcTok.tokenize(p.source())) {
                src.merge(t, 1L, Long::sum);
              }
              for (String t : tgtTok.tokenize(p.target())) {
                tgt.merge(t, 1L, Long::sum);
              }
            });
    return new Counts(src, tgt);
  }

  /**
   * Reads a training (or dev) file straight into id sequences in one streaming pass: only the ids
   * are kept (4 bytes a token, against about 50 for a token string), so a corpus is held at about
   * the size of its text. Malformed lines are counted and reported to {@code log} by line number.
   */
  static List<Example> readEncoded(
      Path file,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      Vocabulary srcVocab,
      Vocabulary tgtVocab,
      int maxLength,
      PrintStream log)
      throws IOException {
    return readEncoded(file, srcTok, tgtTok, srcVocab, tgtVocab, maxLength, log, null);
  }

  /**
   * As {@link #readEncoded(Path, Tokenizer, Tokenizer, Vocabulary, Vocabulary, int, PrintStream)},
   * also adding each kept pair's target text, as written in the file, to {@code targets} (when not
   * null): the references of text metrics such as BLEU.
   */
  static List<Example> readEncoded(
      Path file,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      Vocabulary srcVocab,
      Vocabulary tgtVocab,
      int maxLength,
      PrintStream log,
      List<String> targets)
      throws IOException {
    List<Example> out = new ArrayList<>();
    CorpusReport report =
        reader(srcTok, tgtTok, maxLength)
            .read(
                file,
                p -> {
                  out.add(
                      new Example(
                          srcVocab.encode(srcTok.tokenize(p.source())),
                          tgtVocab.encode(tgtTok.tokenize(p.target()))));
                  if (targets != null) {
                    targets.add(p.target());
                  }
                });
    if (report.rejected() > 0) {
      log.println(report.summary());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": no usable lines (expected source<TAB>target per line)");
    }
    return out;
  }

  /** Rejects pairs with a side over {@code maxLength} tokens, each side in its own tokens. */
  static ParallelCorpusReader reader(Tokenizer srcTok, Tokenizer tgtTok, int maxLength) {
    return new ParallelCorpusReader(
        maxLength,
        s -> srcTok.tokenize(s).size(),
        t -> tgtTok.tokenize(t).size(),
        ParallelCorpusReader.DEFAULT_MAX_LINE_BYTES,
        ParallelCorpusReader.DEFAULT_LISTED_LINES);
  }

  List<Example> encode(Vocabulary srcVocab, Vocabulary tgtVocab) {
    List<Example> out = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      out.add(new Example(srcVocab.encode(sources.get(i)), tgtVocab.encode(targets.get(i))));
    }
    return out;
  }

  int size() {
    return sources.size();
  }
}
