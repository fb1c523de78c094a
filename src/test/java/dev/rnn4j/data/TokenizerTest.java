package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  private final CharTokenizer chars = new CharTokenizer();
  private final WhitespaceTokenizer words = new WhitespaceTokenizer();

  @Test
  void charTokenizerSplitsCodePointsAndRoundTrips() {
    assertEquals(List.of("c", "a", "t"), chars.tokenize("cat"));
    assertEquals(List.of("h", "é", " ", "😀", "!"), chars.tokenize("hé 😀!"));
    assertEquals(List.of(), chars.tokenize(""));
    for (String s : List.of("", "a b\tc\n", "naïve 😀😀 x", "  lead")) {
      assertEquals(s, chars.detokenize(chars.tokenize(s)));
    }
  }

  @Test
  void whitespaceTokenizerSplitsOnRunsOfWhitespace() {
    assertEquals(List.of("K", "AE1", "T"), words.tokenize("K AE1 T"));
    assertEquals(List.of("a", "b", "c"), words.tokenize("  a\tb \u2003 c\n"));
    assertEquals(List.of(), words.tokenize(" \t "));
    assertEquals(List.of("😀x"), words.tokenize("😀x"));
    assertEquals("a b c", words.detokenize(words.tokenize("  a\tb  c\n")));
    assertEquals("c a t", words.detokenize(words.tokenize("c a t")));
  }
}
