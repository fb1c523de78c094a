package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.data.BpeTokenizer.Merge;
import dev.rnn4j.io.FileFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {
  @TempDir Path dir;

  /** The example of Sennrich et al. 2016: low ×5, lower ×2, newest ×6, widest ×3. */
  private static List<String> sennrich() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      texts.add("low");
    }
    texts.add("lower lower");
    for (int i = 0; i < 3; i++) {
      texts.add("newest newest widest");
    }
    return texts;
  }

  @Test
  void learnsTheMergesOfThePaperExample() {
    BpeTokenizer bpe = BpeTokenizer.learn(sennrich(), 4);
    // (e,s) and (s,t</w>) both occur 9 times: the tie goes to the smaller left symbol "e".
    // Then (es,t</w>) 9, (l,o) 7, and among the pairs counted 6 — (n,e), (e,w), (w,es) — (e,w).
    assertEquals(
        List.of(
            new Merge("e", "s"),
            new Merge("es", "t</w>"),
            new Merge("l", "o"),
            new Merge("e", "w")),
        bpe.merges());
    assertEquals(List.of("n", "ew", "est</w>"), bpe.tokenize("newest"));
    assertEquals(List.of("lo", "w", "est</w>"), bpe.tokenize("lowest"));
    assertEquals(List.of("w", "i", "d", "est</w>"), bpe.tokenize("widest"));
  }

  @Test
  void incrementalLearningMatchesANaiveReference() {
    SplittableRandom rng = new SplittableRandom(17);
    int[] alphabet = "abcdeé😀".codePoints().toArray();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StringBuilder line = new StringBuilder();
      int n = 1 + rng.nextInt(6);
      for (int w = 0; w < n; w++) {
        int len = 1 + rng.nextInt(7);
        for (int c = 0; c < len; c++) {
          // Mostly a, b, c so that pairs repeat; sometimes the rarer symbols.
          int k = rng.nextInt(4) == 0 ? rng.nextInt(alphabet.length) : rng.nextInt(3);
          line.appendCodePoint(alphabet[k]);
        }
        line.append(' ');
      }
      texts.add(line.toString());
    }
    List<Merge> expected = naiveLearn(texts, 200, "</w>");
    BpeTokenizer bpe = BpeTokenizer.learn(texts, 200);
    assertTrue(expected.size() > 50, "too few merges to be a test: " + expected.size());
    assertEquals(expected, bpe.merges());
  }

  /** Recounts every pair from scratch before each merge. */
  private static List<Merge> naiveLearn(List<String> texts, int numMerges, String marker) {
    Map<List<String>, Long> words = new HashMap<>();
    for (String t : texts) {
      for (String w : t.trim().split("\\s+")) {
        if (w.isEmpty()) {
          continue;
        }
        List<String> s = new ArrayList<>();
        w.codePoints().forEach(cp -> s.add(new String(Character.toChars(cp))));
        s.set(s.size() - 1, s.get(s.size() - 1) + marker);
        words.merge(s, 1L, Long::sum);
      }
    }
    List<Merge> merges = new ArrayList<>();
    while (merges.size() < numMerges) {
      Map<Merge, Long> pairs = new HashMap<>();
      words.forEach(
          (s, f) -> {
            for (int i = 0; i + 1 < s.size(); i++) {
              pairs.merge(new Merge(s.get(i), s.get(i + 1)), f, Long::sum);
            }
          });
      Merge best = null;
      long bestCount = 1;
      for (Map.Entry<Merge, Long> e : pairs.entrySet()) {
        Merge m = e.getKey();
        long c = e.getValue();
        if (c > bestCount
            || (c == bestCount
                && best != null
                && (m.left().compareTo(best.left()) < 0
                    || (m.left().equals(best.left()) && m.right().compareTo(best.right()) < 0)))) {
          best = m;
          bestCount = c;
        }
      }
      if (best == null) {
        break;
      }
      merges.add(best);
      Map<List<String>, Long> next = new HashMap<>();
      for (Map.Entry<List<String>, Long> e : words.entrySet()) {
        List<String> s = e.getKey();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
          if (i + 1 < s.size()
              && s.get(i).equals(best.left())
              && s.get(i + 1).equals(best.right())) {
            out.add(best.merged());
            i++;
          } else {
            out.add(s.get(i));
          }
        }
        next.merge(out, e.getValue(), Long::sum);
      }
      words = next;
    }
    return merges;
  }

  @Test
  void roundTripsAndIsDeterministic() {
    List<String> texts = new ArrayList<>(sennrich());
    texts.add("the lowest newer  widest\tnews 😀😀 naïve");
    BpeTokenizer a = BpeTokenizer.learn(texts, 30);
    Collections.reverse(texts);
    BpeTokenizer b = BpeTokenizer.learn(texts, 30);
    assertEquals(a.merges(), b.merges());
    for (String s : List.of("lowest newest", "  unseen\twords 😀x  ", "a", "é😀é")) {
      List<String> tokens = a.tokenize(s);
      assertEquals(String.join(" ", s.trim().split("\\s+")), a.detokenize(tokens), s);
      for (String t : tokens) {
        assertTrue(!t.isEmpty() && t.codePoints().noneMatch(Character::isWhitespace), t);
      }
    }
    assertEquals(List.of(), a.tokenize("   "));
    assertEquals(List.of("😀</w>"), a.tokenize("😀"));
  }

  @Test
  void stopsWhenNoPairRepeats() {
    assertEquals(List.of(), BpeTokenizer.learn(List.of("ab cd"), 10).merges());
    assertEquals(
        List.of(new Merge("a", "b</w>")), BpeTokenizer.learn(List.of("ab ab"), 10).merges());
    assertEquals(0, BpeTokenizer.learn(List.of("ab ab"), 0).merges().size());
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.learn(List.of("a"), -1));
  }

  @Test
  void usesACustomMarker() {
    BpeTokenizer bpe = BpeTokenizer.learn(List.of("ab ab ab"), 5, "@@");
    assertEquals(List.of(new Merge("a", "b@@")), bpe.merges());
    assertEquals(List.of("ab@@", "c@@"), bpe.tokenize("ab c"));
    assertEquals("ab c", bpe.detokenize(bpe.tokenize("ab c")));
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.learn(List.of("a"), 1, "a b"));
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.learn(List.of("a"), 1, ""));
  }

  @Test
  void savesAndLoadsMerges() throws IOException {
    BpeTokenizer bpe = BpeTokenizer.learn(sennrich(), 10);
    Path f = dir.resolve("bpe.merges");
    bpe.save(f);
    String text = Files.readString(f);
    assertTrue(text.startsWith("#rnn4j-bpe v1\n#marker </w>\ne s\nes t</w>\nl o\n"), text);
    BpeTokenizer back = BpeTokenizer.load(f);
    assertEquals(bpe.merges(), back.merges());
    assertEquals(bpe.marker(), back.marker());
    assertEquals(bpe.tokenize("lowest newer"), back.tokenize("lowest newer"));
    assertNotEquals(List.of(), back.merges());
  }

  private FileFormatException loadFails(String content) throws IOException {
    Path f = dir.resolve("bad.merges");
    Files.write(f, content.getBytes(StandardCharsets.UTF_8));
    FileFormatException e = assertThrows(FileFormatException.class, () -> BpeTokenizer.load(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    return e;
  }

  /**
   * Merges saved by a Windows editor: CRLF line ends and a byte-order mark read as the original.
   */
  @Test
  void readsWindowsLineEndsAndByteOrderMark() throws IOException {
    Path f = dir.resolve("windows.merges");
    Files.writeString(
        f, "\uFEFF#rnn4j-bpe v1\r\n#marker </w>\r\ne s\r\nl o</w>\r\n", StandardCharsets.UTF_8);
    BpeTokenizer b = BpeTokenizer.load(f);
    assertEquals("</w>", b.marker());
    assertEquals(
        List.of(new BpeTokenizer.Merge("e", "s"), new BpeTokenizer.Merge("l", "o</w>")),
        b.merges());
  }

  @Test
  void rejectsForeignAndDamagedMergeFiles() throws IOException {
    assertTrue(loadFails("#version: 0.2\ne s\n").getMessage().contains("not an rnn4j BPE"));
    assertTrue(loadFails("").getMessage().contains("not an rnn4j BPE"));
    assertTrue(
        loadFails("#rnn4j-bpe v1\ne s\n")
            .getMessage()
            .contains("line 2 is \"e s\", expected \"#marker <marker>\""));
    assertTrue(
        loadFails("#rnn4j-bpe v1\u200B\n#marker </w>\n")
            .getMessage()
            .contains("first line is \"#rnn4j-bpe v1\\u200B\", expected"));
    assertTrue(loadFails("#rnn4j-bpe v1\n#marker </w>\ne s\nes\n").getMessage().contains("line 4"));
    assertTrue(
        loadFails("#rnn4j-bpe v1\n#marker </w>\ne s\na  b\n").getMessage().contains("line 4"));
    assertTrue(
        loadFails("#rnn4j-bpe v1\n#marker </w>\ne s\nl o\ne s\n")
            .getMessage()
            .contains("line 5 repeats line 3"));
    assertTrue(loadFails("#rnn4j-bpe v1\n#marker \n").getMessage().contains("marker"));
  }
}
