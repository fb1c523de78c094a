package dev.rnn4j.cli;

import dev.rnn4j.data.CopyVocabulary;
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
   * How a corpus's text becomes ids: the two sides' tokenizers and vocabularies, and whether each
   * pair uses its source's extended vocabulary for copy attention ({@link CopyVocabulary}; the two
   * vocabularies are then one joint vocabulary).
   */
  record Encoding(
      Tokenizer srcTok, Tokenizer tgtTok, Vocabulary srcVocab, Vocabulary tgtVocab, boolean copy) {
    Encoding {
      if (copy && !srcVocab.equals(tgtVocab)) {
        throw new IllegalArgumentException(
            "copy attention reads one joint vocabulary for both sides (train with --joint-vocab)");
      }
    }

    /** The extended vocabulary of {@code source} when copying, else null. */
    CopyVocabulary copyVocabulary(List<String> source) {
      return copy ? CopyVocabulary.of(srcVocab, source) : null;
    }

    /** The ids of one pair: over {@code cv}, the source's extended vocabulary, unless null. */
    Example encode(List<String> source, List<String> target, CopyVocabulary cv) {
      return cv != null
          ? cv.example(target)
          : new Example(srcVocab.encode(source), tgtVocab.encode(target));
    }
  }

  /**
   * A file's pairs as ids, and, when asked for, the target texts as written in the file (the
   * references of text metrics such as BLEU) and each pair's extended vocabulary (copy attention;
   * null otherwise), aligned with the examples.
   */
  record Encoded(List<Example> examples, List<String> targets, List<CopyVocabulary> copies) {}

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
    return readEncoded(
            file, new Encoding(srcTok, tgtTok, srcVocab, tgtVocab, false), maxLength, log, false)
        .examples();
  }

  /**
   * As {@link #readEncoded(Path, Tokenizer, Tokenizer, Vocabulary, Vocabulary, int, PrintStream)}
   * with the given encoding; with {@code keepTexts} also the target texts and (when copying) the
   * extended vocabularies, which a training file does not need.
   */
  static Encoded readEncoded(
      Path file, Encoding enc, int maxLength, PrintStream log, boolean keepTexts)
      throws IOException {
    List<Example> out = new ArrayList<>();
    List<String> targets = keepTexts ? new ArrayList<>() : null;
    List<CopyVocabulary> copies = keepTexts && enc.copy() ? new ArrayList<>() : null;
    CorpusReport report =
        reader(enc.srcTok(), enc.tgtTok(), maxLength)
            .read(
                file,
                p -> {
                  List<String> source = enc.srcTok().tokenize(p.source());
                  CopyVocabulary cv = enc.copyVocabulary(source);
                  out.add(enc.encode(source, enc.tgtTok().tokenize(p.target()), cv));
                  if (targets != null) {
                    targets.add(p.target());
                  }
                  if (copies != null) {
                    copies.add(cv);
                  }
                });
    if (report.rejected() > 0) {
      log.println(report.summary());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": no usable lines (expected source<TAB>target per line)");
    }
    return new Encoded(out, targets, copies);
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
