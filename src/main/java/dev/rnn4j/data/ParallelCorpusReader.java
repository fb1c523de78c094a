package dev.rnn4j.data;

import dev.rnn4j.data.CorpusReport.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Streams a tab-separated parallel corpus, one {@code source<TAB>target} pair per line, in UTF-8.
 * The file is read by a {@link LineReader} and handed on line by line, so files larger than memory
 * work; memory use is bounded by the line byte limit.
 *
 * <p>Every line is either passed to the sink or counted in the {@link CorpusReport} with its line
 * number and reason (see {@link Reason}); a bad line never stops the read. Lines end at {@code \n};
 * a {@code \r} before it and a UTF-8 byte-order mark at the start of the file are removed. Sides
 * are passed on as they are (not trimmed), but a side of only whitespace counts as empty.
 *
 * <p>Thread-safety: immutable; one reader may read several files at once from different threads.
 */
public final class ParallelCorpusReader {
  /** Default byte limit of one line: 1 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  /** Default number of line numbers a report keeps per reason. */
  public static final int DEFAULT_LISTED_LINES = 10;

  private final int maxLength;
  private final ToIntFunction<String> sourceLength;
  private final ToIntFunction<String> targetLength;
  private final int maxLineBytes;
  private final int listedLines;

  /**
   * A reader with full control of its limits, measuring both sides with one length function.
   *
   * @param maxLength largest accepted length of either side, as measured by {@code length}
   * @param length the length of one side, e.g. {@code s -> tokenizer.tokenize(s).size()}
   * @param maxLineBytes lines with more bytes than this are skipped unread (>= 1)
   * @param listedLines how many line numbers the report keeps per reason (>= 0)
   */
  public ParallelCorpusReader(
      int maxLength, ToIntFunction<String> length, int maxLineBytes, int listedLines) {
    this(maxLength, length, length, maxLineBytes, listedLines);
  }

  /**
   * A reader with full control of its limits, measuring each side in its own units (e.g. a
   * character-level source and a word-level target, each with its tokenizer).
   *
   * @param maxLength largest accepted length of either side
   * @param sourceLength the length of a source, e.g. {@code s -> srcTokenizer.tokenize(s).size()}
   * @param targetLength the length of a target
   * @param maxLineBytes lines with more bytes than this are skipped unread (>= 1)
   * @param listedLines how many line numbers the report keeps per reason (>= 0)
   */
  public ParallelCorpusReader(
      int maxLength,
      ToIntFunction<String> sourceLength,
      ToIntFunction<String> targetLength,
      int maxLineBytes,
      int listedLines) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    if (sourceLength == null || targetLength == null) {
      throw new IllegalArgumentException("length measure is null; pass e.g. String::length");
    }
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    }
    if (listedLines < 0) {
      throw new IllegalArgumentException("listedLines must be >= 0, got " + listedLines);
    }
    this.maxLength = maxLength;
    this.sourceLength = sourceLength;
    this.targetLength = targetLength;
    this.maxLineBytes = maxLineBytes;
    this.listedLines = listedLines;
  }

  /**
   * A reader that rejects sides with more than {@code maxLength} tokens of {@code tokenizer}, with
   * the default byte limit and report size.
   */
  public static ParallelCorpusReader of(int maxLength, Tokenizer tokenizer) {
    return new ParallelCorpusReader(
        maxLength, s -> tokenizer.tokenize(s).size(), DEFAULT_MAX_LINE_BYTES, DEFAULT_LISTED_LINES);
  }

  /**
   * Reads {@code file}, passing each accepted line to {@code sink} in file order.
   *
   * @return what happened to every line
   * @throws IOException if the file cannot be read (bad content is reported, not thrown)
   */
  public CorpusReport read(Path file, Consumer<SentencePair> sink) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), sink);
    }
  }

  /**
   * Reads {@code in} to its end (without closing it); {@code name} labels the report.
   *
   * @throws IOException if reading fails
   */
  public CorpusReport read(InputStream in, String name, Consumer<SentencePair> sink)
      throws IOException {
    CorpusReport.Builder report = new CorpusReport.Builder(name, listedLines);
    LineReader lines = new LineReader(in, maxLineBytes);
    for (LineReader.Line line; (line = lines.next()) != null; ) {
      if (line.tooLong()) {
        report.reject(line.number(), Reason.LINE_TOO_LONG);
        continue;
      }
      String text = line.text();
      if (text == null) {
        report.reject(line.number(), Reason.INVALID_UTF8);
        continue;
      }
      Reason reason = check(text);
      if (reason != null) {
        report.reject(line.number(), reason);
        continue;
      }
      int tab = text.indexOf('\t');
      report.accept();
      sink.accept(new SentencePair(line.number(), text.substring(0, tab), text.substring(tab + 1)));
    }
    return report.build();
  }

  /** Why {@code text} is rejected, or null if it is a good pair. */
  private Reason check(String text) {
    int tab = text.indexOf('\t');
    if (tab < 0) {
      return text.isBlank() ? Reason.EMPTY_LINE : Reason.NO_TAB;
    }
    if (text.indexOf('\t', tab + 1) >= 0) {
      return Reason.EXTRA_TAB;
    }
    String source = text.substring(0, tab);
    String target = text.substring(tab + 1);
    if (source.isBlank()) {
      return Reason.EMPTY_SOURCE;
    }
    if (target.isBlank()) {
      return Reason.EMPTY_TARGET;
    }
    if (sourceLength.applyAsInt(source) > maxLength
        || targetLength.applyAsInt(target) > maxLength) {
      return Reason.TOO_LONG;
    }
    return null;
  }
}
