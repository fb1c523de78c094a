package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.FileFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {
  @TempDir Path dir;

  private static Map<String, Long> counts() {
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("b", 3L);
    c.put("d", 1L);
    c.put("a", 3L);
    c.put("c", 5L);
    c.put("e", 2L);
    c.put("<unk>", 9L);
    return c;
  }

  @Test
  void specialTokensHaveFixedIds() {
    Vocabulary v = Vocabulary.of(List.of("x"));
    assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", "x"), v.tokens());
    assertEquals(0, Vocabulary.PAD);
    assertEquals(1, Vocabulary.BOS);
    assertEquals(2, Vocabulary.EOS);
    assertEquals(3, Vocabulary.UNK);
    assertEquals(Vocabulary.PAD, v.id("<pad>"));
    assertEquals(Vocabulary.EOS, v.id("</s>"));
  }

  @Test
  void buildOrdersByCountThenTokenAndAppliesLimits() {
    Vocabulary all = Vocabulary.build(counts(), 1, Integer.MAX_VALUE);
    assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", "c", "a", "b", "e", "d"), all.tokens());
    Vocabulary frequent = Vocabulary.build(counts(), 2, Integer.MAX_VALUE);
    assertEquals(List.of("c", "a", "b", "e"), frequent.tokens().subList(4, frequent.size()));
    Vocabulary capped = Vocabulary.build(counts(), 1, 6);
    assertEquals(6, capped.size());
    assertEquals(List.of("c", "a"), capped.tokens().subList(4, 6));
    assertEquals(4, Vocabulary.build(counts(), 1, 4).size());
    assertEquals(4, Vocabulary.build(counts(), 100, 1000).size());
  }

  @Test
  void buildDoesNotDependOnMapOrder() {
    SplittableRandom rng = new SplittableRandom(5);
    List<String> words = new ArrayList<>();
    Map<String, Long> a = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      String w = "w" + rng.nextInt(100_000);
      words.add(w);
      a.put(w, (long) rng.nextInt(1, 6)); // many ties
    }
    Collections.shuffle(words, new java.util.Random(1));
    Map<String, Long> b = new LinkedHashMap<>();
    for (String w : words) {
      b.put(w, a.get(w));
    }
    assertEquals(Vocabulary.build(a, 2, 200), Vocabulary.build(b, 2, 200));
  }

  @Test
  void countsTokens() {
    Map<String, Long> c =
        Vocabulary.count(List.of(List.of("a", "b", "a"), List.of(), List.of("b", "a")));
    assertEquals(Map.of("a", 3L, "b", 2L), c);
  }

  @Test
  void encodesUnknownsAsUnkAndDecodesModelOutput() {
    Vocabulary v = Vocabulary.of(List.of("k", "ae", "t"));
    assertArrayEquals(new int[] {4, 5, 3, 6}, v.encode(List.of("k", "ae", "zz", "t")));
    assertTrue(v.contains("ae"));
    assertFalse(v.contains("zz"));
    assertEquals(List.of("k", "<unk>", "t"), v.decode(new int[] {1, 4, 3, 0, 6, 2, 5, 5}));
    assertEquals(List.of(), v.decode(new int[] {2, 4}));
    assertEquals(List.of("k", "ae", "t"), v.decode(v.encode(List.of("k", "ae", "t"))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {4, 7}));
    assertEquals("id 7 is outside [0, 7)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> v.token(-1));
  }

  @Test
  void rejectsTokensItCannotStore() {
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("</s>")));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a\nb")));
    assertTrue(e.getMessage().contains("one token per line"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(Map.of("x\r", 5L), 1, 100));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(counts(), 0, 100));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(counts(), 1, 3));
  }

  @Test
  void savesOneTokenPerLineAndLoadsItBack() throws IOException {
    Vocabulary v = Vocabulary.of(List.of("a", " ", "é", "😀", "two words", "#"));
    Path f = dir.resolve("src.vocab");
    v.save(f);
    assertEquals(
        "#rnn4j-vocabulary v1\n<pad>\n<s>\n</s>\n<unk>\na\n \né\n😀\ntwo words\n#\n",
        Files.readString(f, StandardCharsets.UTF_8));
    Vocabulary back = Vocabulary.load(f);
    assertEquals(v, back);
    assertEquals(8, back.id("two words"));
  }

  private FileFormatException loadFails(String content) throws IOException {
    return loadFails(content.getBytes(StandardCharsets.UTF_8));
  }

  private FileFormatException loadFails(byte[] content) throws IOException {
    Path f = dir.resolve("bad.vocab");
    Files.write(f, content);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Vocabulary.load(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    return e;
  }

  /** Files saved by a Windows editor: CRLF line ends and a byte-order mark read as the original. */
  @Test
  void readsWindowsLineEndsAndByteOrderMark() throws IOException {
    Vocabulary v = Vocabulary.of(List.of("a", "two words"));
    String saved = "#rnn4j-vocabulary v1\n<pad>\n<s>\n</s>\n<unk>\na\ntwo words\n";
    Path f = dir.resolve("windows.vocab");
    Files.writeString(f, "\uFEFF" + saved.replace("\n", "\r\n"), StandardCharsets.UTF_8);
    assertEquals(v, Vocabulary.load(f));
  }

  @Test
  void rejectsForeignAndDamagedFilesSayingWhy() throws IOException {
    String ok = "#rnn4j-vocabulary v1\n<pad>\n<s>\n</s>\n<unk>\n";
    assertTrue(loadFails("the\nof\nand\n").getMessage().contains("not an rnn4j vocabulary"));
    assertTrue(loadFails("").getMessage().contains("not an rnn4j vocabulary"));
    assertTrue(
        loadFails("#rnn4j-vocabulary v1\n<pad>\n<unk>\n</s>\n<s>\n")
            .getMessage()
            .contains("line 3 is \"<unk>\", expected the special token <s>"));
    assertTrue(loadFails(ok + "a\n\nb\n").getMessage().contains("line 7 is empty"));
    assertTrue(loadFails(ok + "a\nb\na\n").getMessage().contains("appears on lines 6 and 8"));
    assertTrue(loadFails(ok + "a\nb").getMessage().contains("truncated"));
    assertTrue(loadFails("#rnn4j-vocabulary v1\n<pad>\n<s>\n").getMessage().contains("truncated"));
    assertTrue(
        loadFails("#rnn4j-vocabulary v1\t\r\n<pad>\n")
            .getMessage()
            .contains("first line is \"#rnn4j-vocabulary v1\\t\", expected"));
    assertTrue(
        loadFails(ok + "a\rb\n").getMessage().contains("line 6 is \"a\\rb\": a token cannot hold"));
    assertTrue(
        loadFails(ok + "a\u0000\t\ny\na\u0000\t\n")
            .getMessage()
            .contains("token \"a\\u0000\\t\" appears on lines 6 and 8"));
    byte[] latin1 = (ok + "caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
    FileFormatException utf = loadFails(latin1);
    assertTrue(utf.getMessage().contains("not valid UTF-8 at byte 45 (line 6)"), utf.getMessage());
  }

  @Test
  void aJointVocabularyCountsBothSidesTogether() {
    // "le" is rare on each side but frequent over both; "x" stays below the minimum.
    Vocabulary v =
        Vocabulary.buildJoint(
            java.util.Map.of("le", 1L, "chat", 3L, "x", 1L),
            java.util.Map.of("le", 2L, "cat", 2L),
            2,
            Integer.MAX_VALUE);
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("<pad>", "<s>", "</s>", "<unk>", "chat", "le", "cat"), v.tokens());
  }
}
