package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two streaming passes `train` reads its training file with, against the in-memory path. */
class CorpusTest {
  private static final String TSV =
      String.join(
          "\n",
          "cat\tK AE T",
          "no tab here",
          "dog\tD AO G",
          "\tempty source",
          "catalog\tK AE T AH L AO G",
          "a very long source line indeed\tAH",
          "god\tG AA D",
          "");

  @Test
  void streamingPassesGiveTheInMemoryVocabulariesAndIds(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("train.tsv");
    Files.writeString(file, TSV, StandardCharsets.UTF_8);
    Tokenizer src = new CharTokenizer();
    Tokenizer tgt = new WhitespaceTokenizer();
    int maxLength = 10;

    ByteArrayOutputStream memLog = new ByteArrayOutputStream();
    Corpus whole =
        Corpus.read(
            file,
            null,
            null,
            src,
            tgt,
            maxLength,
            new PrintStream(memLog, true, StandardCharsets.UTF_8));
    Vocabulary sv = Vocabulary.build(Vocabulary.count(whole.sources()), 1, 100);
    Vocabulary tv = Vocabulary.build(Vocabulary.count(whole.targets()), 1, 100);

    Corpus.Counts counts = Corpus.count(file, src, tgt, maxLength);
    assertEquals(Vocabulary.count(whole.sources()), counts.sources());
    assertEquals(Vocabulary.count(whole.targets()), counts.targets());
    assertEquals(sv, Vocabulary.build(counts.sources(), 1, 100));
    assertEquals(tv, Vocabulary.build(counts.targets(), 1, 100));

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<Example> ex =
        Corpus.readEncoded(
            file, src, tgt, sv, tv, maxLength, new PrintStream(log, true, StandardCharsets.UTF_8));
    List<Example> ref = whole.encode(sv, tv);
    // catalog's target is 7 tokens (15 characters): each side is measured in its own tokenizer's
    // units, so it stays; the 30-character source is over the limit of 10 and is left out.
    assertEquals(4, ex.size(), "cat, dog, catalog, god; three malformed lines left out");
    assertEquals(ref.size(), ex.size());
    for (int i = 0; i < ex.size(); i++) {
      assertArrayEquals(ref.get(i).source(), ex.get(i).source(), "source " + i);
      assertArrayEquals(ref.get(i).target(), ex.get(i).target(), "target " + i);
    }
    String report = log.toString(StandardCharsets.UTF_8);
    assertEquals(memLog.toString(StandardCharsets.UTF_8), report, "the same report, printed once");
    assertTrue(report.contains("2"), "line numbers reported: " + report);
  }

  @Test
  void aFileWithNoUsableLineIsRefusedNamingIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.tsv");
    Files.writeString(file, "no tabs\nat all\n", StandardCharsets.UTF_8);
    Vocabulary v = Vocabulary.of(List.of("a"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Corpus.readEncoded(
                    file,
                    new CharTokenizer(),
                    new CharTokenizer(),
                    v,
                    v,
                    10,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
  }
}
