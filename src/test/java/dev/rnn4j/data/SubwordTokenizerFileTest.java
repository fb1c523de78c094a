package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.FileFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubwordTokenizerFileTest {
  @TempDir Path dir;

  private static final String GOOD =
      "#rnn4j-spm-bpe v1\n"
          + "vocab_size 5\n"
          + "character_coverage 0.9995\n"
          + "alphabet 3\n"
          + "U+2581\n"
          + "U+0061\n"
          + "U+0062\n"
          + "merges 2\n"
          + "a b\n"
          + "\u2581 ab\n";

  private SubwordTokenizer model() {
    return SubwordTokenizer.learn(SubwordTokenizerTest.TRICKY, 90, 0.99);
  }

  @Test
  void savesAndLoadsIdentically() throws IOException {
    SubwordTokenizer t = model();
    Path f = dir.resolve("model.spm");
    t.save(f);
    assertTrue(Files.readString(f).startsWith("#rnn4j-spm-bpe v1\nvocab_size 90\n"));
    SubwordTokenizer back = SubwordTokenizer.load(f);
    assertEquals(t.alphabet(), back.alphabet());
    assertEquals(t.merges(), back.merges());
    assertEquals(t.vocabulary(), back.vocabulary());
    assertEquals(t.characterCoverage(), back.characterCoverage());
    for (String s : SubwordTokenizerTest.TRICKY) {
      assertEquals(t.tokenize(s), back.tokenize(s), s);
    }
    Path again = dir.resolve("again.spm");
    back.save(again);
    assertEquals(Files.readString(f), Files.readString(again));
  }

  @Test
  void readsTheDocumentedFormatWithWindowsLineEnds() throws IOException {
    Path f = dir.resolve("windows.spm");
    Files.writeString(f, "\uFEFF" + GOOD.replace("\n", "\r\n"), StandardCharsets.UTF_8);
    SubwordTokenizer t = SubwordTokenizer.load(f);
    assertEquals(List.of("\u2581", "a", "b", "ab", "\u2581ab"), t.vocabulary());
    assertEquals(List.of("\u2581ab", "\u2581", "b", "a"), t.tokenize("ab ba"));
  }

  @Test
  void tokenizersLoadPicksTheClassByHeader() throws IOException {
    Path spm = dir.resolve("model.spm");
    model().save(spm);
    assertInstanceOf(SubwordTokenizer.class, Tokenizers.load(spm));
    Path bpe = dir.resolve("model.bpe");
    BpeTokenizer.learn(List.of("low lower lowest"), 5).save(bpe);
    assertInstanceOf(BpeTokenizer.class, Tokenizers.load(bpe));
    Path other = dir.resolve("other.txt");
    Files.writeString(other, "#version: 0.2\ne s\n");
    FileFormatException e = assertThrows(FileFormatException.class, () -> Tokenizers.load(other));
    assertTrue(
        e.getMessage()
            .equals(
                other
                    + ": first line is \"#version: 0.2\", expected \"#rnn4j-bpe v1\" or"
                    + " \"#rnn4j-spm-bpe v1\", or a SentencePiece .model file; not a subword"
                    + " model"),
        e.getMessage());
  }

  private String loadFails(String content) throws IOException {
    Path f = dir.resolve("bad.spm");
    Files.write(f, content.getBytes(StandardCharsets.UTF_8));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> SubwordTokenizer.load(f), content);
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    FileFormatException viaFactory =
        assertThrows(FileFormatException.class, () -> Tokenizers.load(f), content);
    assertTrue(viaFactory.getMessage().startsWith(f + ": "), viaFactory.getMessage());
    return e.getMessage().substring(f.toString().length() + 2);
  }

  private void assertContains(String expected, String message) {
    assertTrue(message.contains(expected), message);
  }

  @Test
  void refusesDamagedFilesNamingTheLine() throws IOException {
    assertContains("first line is \"\", expected", loadFails(""));
    assertContains(
        "first line is \"#rnn4j-spm-bpe v1\\u200B\"",
        loadFails(GOOD.replace("v1\n", "v1\u200B\n")));
    assertContains(
        "line 2 is \"vocab_size x\", expected \"vocab_size <count>\"",
        loadFails(GOOD.replace("vocab_size 5", "vocab_size x")));
    assertContains(
        "line 3 is \"character_coverage 2\"",
        loadFails(GOOD.replace("coverage 0.9995", "coverage 2")));
    assertContains(
        "line 6 is \"U+61\", expected an alphabet character",
        loadFails(GOOD.replace("U+0061", "U+61")));
    assertContains(
        "line 6 is \"U+D800\", expected a Unicode scalar value",
        loadFails(GOOD.replace("U+0061", "U+D800")));
    assertContains("alphabet repeats \"a\"", loadFails(GOOD.replace("U+0062", "U+0061")));
    assertContains(
        "line 9 is \"a  b\", expected a merge \"LEFT RIGHT\"",
        loadFails(GOOD.replace("a b\n", "a  b\n")));
    assertContains(
        "merge 2 \"\u2581 ba\" uses \"ba\", which is neither in the alphabet nor made by an earlier",
        loadFails(GOOD.replace("\u2581 ab", "\u2581 ba")));
    assertContains("merge 2 \"a b\" repeats merge 1", loadFails(GOOD.replace("\u2581 ab", "a b")));
    assertContains(
        "ends after line 9, expected a merge \"LEFT RIGHT\"; truncated?",
        loadFails(GOOD.substring(0, GOOD.lastIndexOf('\u2581'))));
    assertContains("line 11 is \"x y\", expected the end of the file", loadFails(GOOD + "x y\n"));
    assertContains(
        "line 2 says vocab_size 6 but the alphabet and merges make 5 pieces",
        loadFails(GOOD.replace("vocab_size 5", "vocab_size 6")));
    Path latin1 = dir.resolve("latin1.spm");
    Files.write(
        latin1, "#rnn4j-spm-bpe v1\nvocab_size \u00FF\n".getBytes(StandardCharsets.ISO_8859_1));
    FileFormatException e = assertThrows(FileFormatException.class, () -> Tokenizers.load(latin1));
    assertContains(latin1 + ": not valid UTF-8 at byte 29 (line 2)", e.getMessage());
  }
}
