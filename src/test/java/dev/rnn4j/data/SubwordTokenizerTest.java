package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.data.BpeTokenizer.Merge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SubwordTokenizerTest {
  private static final String S = SubwordTokenizer.SPACE;

  static final List<String> TRICKY =
      List.of(
          "",
          " ",
          "a",
          "  leading and trailing  ",
          "multiple   spaces\tand\ttabs\r\nand lines\n",
          "no\u00A0break\u2009thin\u3000ideographic space",
          "a literal \u2581 marker and \u2581\u2581x",
          "emoji 😀😀 and 👩‍💻 (zero-width joiner) 👍🏽!",
          "combining e\u0301 and \u0301 alone, a\u0308\u0304",
          "CJK 漢字かな交じり文、句読点。",
          "Hello, world (2024)! \"quoted\" -- x-y_z 3.14 $5 €6 50%",
          "control \u0001 and format \u200B chars",
          "l'homme d’État «guillemets»");

  private static List<String> corpus() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      texts.add("the lowest, newest (and widest) words: low, lower, newer!");
      texts.add("Le plus bas, le plus récent (et le plus large) : mots 2024.");
    }
    texts.addAll(TRICKY);
    return texts;
  }

  private static List<String> chunks(String text) {
    List<String> out = new ArrayList<>();
    SubwordText.chunks(text, out::add);
    return out;
  }

  @Test
  void chunksCutAtSpacesAndClassChanges() {
    assertEquals(
        List.of(S + "Hello", ",", S + "world", S + "(", "2024", ")!"),
        chunks("Hello, world (2024)!"));
    assertEquals(List.of(S + "mp", "3", S + "x"), chunks("  mp3 \t x "));
    assertEquals(List.of(S + "e\u0301t\u00E9", "."), chunks("e\u0301t\u00E9."));
    assertEquals(List.of(S + "😀👍🏽", "ok"), chunks("😀👍🏽ok"));
    assertEquals(List.of(), chunks(" \t\u2581 "));
  }

  @Test
  void normalizesWhitespaceOnly() {
    assertEquals("a b c", SubwordTokenizer.normalize("  a \t b\u00A0\u2581c\n"));
    assertEquals("", SubwordTokenizer.normalize(" \r\n "));
    assertEquals("e\u0301 Ｆｕｌｌ", SubwordTokenizer.normalize("e\u0301 Ｆｕｌｌ"));
  }

  @Test
  void roundTripsTrickyStrings() {
    for (double coverage : new double[] {1.0, 0.9}) {
      SubwordTokenizer t = SubwordTokenizer.learn(corpus(), 120, coverage);
      for (String s : TRICKY) {
        List<String> tokens = t.tokenize(s);
        assertEquals(SubwordTokenizer.normalize(s), t.detokenize(tokens), s);
        for (String token : tokens) {
          assertFalse(token.isEmpty(), s);
          assertTrue(token.codePoints().noneMatch(Character::isWhitespace), token);
        }
      }
      assertEquals(List.of(), t.tokenize(""));
      assertEquals("", t.detokenize(List.of()));
    }
  }

  @Test
  void noPieceMixesLettersWithPunctuation() {
    SubwordTokenizer t = SubwordTokenizer.learn(corpus(), 400, 1.0);
    assertTrue(t.merges().size() > 100, "too few merges to be a test: " + t.merges().size());
    for (String piece : t.vocabulary()) {
      assertFalse(mixesLettersAndPunctuation(piece), piece);
    }
  }

  /** A letter or digit together with punctuation or a symbol (P*, S*) other than "▁". */
  static boolean mixesLettersAndPunctuation(String piece) {
    boolean word = false;
    boolean punct = false;
    for (int cp : piece.codePoints().toArray()) {
      if (cp == SubwordText.SPACE_MARK) {
        continue;
      }
      word |= Character.isLetterOrDigit(cp);
      punct |= SubwordText.charClass(cp) == SubwordText.PUNCTUATION;
    }
    return word && punct;
  }

  @Test
  void reachesTheVocabularySizeExactly() {
    for (int size : new int[] {80, 81, 150, 250}) {
      SubwordTokenizer t = SubwordTokenizer.learn(corpus(), size, 1.0);
      assertEquals(size, t.vocabulary().size());
      assertEquals(size, new HashSet<>(t.vocabulary()).size());
    }
  }

  @Test
  void stopsWhenNoPairIsLeft() {
    // Chunks ▁ab ×2 and ▁ba: alphabet ▁ a b, then the merges ab, ▁ab, ba, ▁ba ("a" < "▁" breaks
    // the ties); each chunk is then one symbol, so 7 pieces in all.
    SubwordTokenizer t = SubwordTokenizer.learn(List.of("ab ab", "ba"), 100, 1.0);
    assertEquals(7, t.vocabulary().size());
    assertEquals(List.of(S + "ab", S + "ab", S + "ba"), t.tokenize("ab ab ba"));
  }

  @Test
  void refusesAVocabularySmallerThanTheAlphabet() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SubwordTokenizer.learn(List.of("abc"), 3, 1.0));
    assertTrue(e.getMessage().contains("smaller than the 4 characters"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> SubwordTokenizer.learn(List.of("abc"), 10, 0));
    assertThrows(
        IllegalArgumentException.class, () -> SubwordTokenizer.learn(List.of("abc"), 10, 1.5));
  }

  @Test
  void characterCoverageLeavesRareCharactersOutside() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("abab abba");
    }
    texts.add("aqa");
    SubwordTokenizer full = SubwordTokenizer.learn(texts, 20, 1.0);
    assertTrue(full.inVocabulary("q"));
    SubwordTokenizer t = SubwordTokenizer.learn(texts, 20, 0.999);
    assertFalse(t.inVocabulary("q"));
    assertEquals(List.of("a", "b", S), t.vocabulary().subList(0, 3));
    List<String> tokens = t.tokenize("aqab");
    assertEquals(List.of(S + "a", "q", "ab"), tokens);
    assertEquals("aqab", t.detokenize(tokens));
  }

  @Test
  void isDeterministic() {
    List<String> texts = corpus();
    SubwordTokenizer a = SubwordTokenizer.learn(texts, 150, 1.0);
    Collections.reverse(texts);
    SubwordTokenizer b = SubwordTokenizer.learn(texts, 150, 1.0);
    assertEquals(a.merges(), b.merges());
    assertEquals(a.vocabulary(), b.vocabulary());
  }

  @Test
  void jointModelServesBothTexts() {
    List<String> en = List.of("the house is red", "the house is big", "a red house");
    List<String> fr = List.of("la maison est rouge", "la maison est grande", "une maison rouge");
    List<String> both = new ArrayList<>(en);
    both.addAll(fr);
    SubwordTokenizer joint = SubwordTokenizer.learnJoint(List.of(en, fr), 80, 1.0);
    assertEquals(SubwordTokenizer.learn(both, 80, 1.0).merges(), joint.merges());
    assertEquals(List.of(S + "house"), joint.tokenize("house"));
    assertEquals(List.of(S + "maison"), joint.tokenize("maison"));
    assertTrue(joint.inVocabulary("g"));
    assertFalse(joint.inVocabulary("ç"));
  }

  @Test
  void incrementalLearningMatchesANaiveReference() {
    SplittableRandom rng = new SplittableRandom(23);
    int[] alphabet = "abcé,.😀".codePoints().toArray();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StringBuilder line = new StringBuilder();
      int n = 1 + rng.nextInt(6);
      for (int w = 0; w < n; w++) {
        int len = 1 + rng.nextInt(8);
        for (int c = 0; c < len; c++) {
          int k = rng.nextInt(4) == 0 ? rng.nextInt(alphabet.length) : rng.nextInt(3);
          line.appendCodePoint(alphabet[k]);
        }
        line.append(rng.nextInt(5) == 0 ? "  " : " ");
      }
      texts.add(line.toString());
    }
    for (int size : new int[] {40, 150, 400}) {
      SubwordTokenizer t = SubwordTokenizer.learn(texts, size, 1.0);
      assertEquals(naiveMerges(texts, t.alphabet(), size), t.merges(), "vocab " + size);
    }
    assertTrue(SubwordTokenizer.learn(texts, 400, 1.0).merges().size() > 200);
  }

  /** Recounts every pair from scratch before each merge; same order and stopping rule. */
  private static List<Merge> naiveMerges(List<String> texts, List<Integer> alphabet, int size) {
    Set<String> symbols = new HashSet<>();
    alphabet.forEach(cp -> symbols.add(Character.toString(cp)));
    Map<List<String>, Long> words = new HashMap<>();
    for (String text : texts) {
      for (String chunk : chunks(text)) {
        List<String> s = new ArrayList<>();
        chunk.codePoints().forEach(cp -> s.add(Character.toString(cp)));
        words.merge(s, 1L, Long::sum);
      }
    }
    List<Merge> merges = new ArrayList<>();
    while (symbols.size() < size) {
      Map<Merge, Long> pairs = new HashMap<>();
      words.forEach(
          (s, f) -> {
            for (int i = 0; i + 1 < s.size(); i++) {
              pairs.merge(new Merge(s.get(i), s.get(i + 1)), f, Long::sum);
            }
          });
      Merge best = null;
      long bestCount = 0;
      for (Map.Entry<Merge, Long> e : pairs.entrySet()) {
        Merge m = e.getKey();
        long c = e.getValue();
        if (c > bestCount
            || (c == bestCount
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
      symbols.add(best.merged());
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
}
