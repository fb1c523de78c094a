package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The 13a rules, worked by hand from sacreBLEU's tokenizer_13a.py / tokenizer_re.py (github
 * mjpost/sacrebleu, f615c72). sacreBLEU's own test suite has no 13a tokenizer test; its BLEU values
 * with the 13a tokenizer are checked in {@link SacreBleuTest}.
 */
class Tokenizer13aTest {

  @Test
  void splitsSymbolsAndSentenceFinalPunctuation() {
    // "!" is in the symbol class: " ! "; "o," is non-digit + comma: "o , ".
    assertEquals("Hello , world !", Tokenizer13a.tokenize("Hello, world!"));
    // Apostrophes are not split by 13a.
    assertEquals("It wasn't surprising .", Tokenizer13a.tokenize("It wasn't surprising."));
    assertEquals("( a ) [ b ] { c } \" d \" a / b", Tokenizer13a.tokenize("(a) [b] {c} \"d\" a/b"));
    assertEquals("a / b : c ; d ? e @ f", Tokenizer13a.tokenize("a/b:c;d?e@f"));
  }

  @Test
  void keepsNumbersWholeButSplitsPunctuationAroundThem() {
    // "$" is a symbol; "3.50" and "1,000": period/comma between digits stay; "50," splits
    // because the comma precedes a space; "yen." splits after a non-digit.
    assertEquals(
        "It costs $ 3.50 , or 1,000 yen .", Tokenizer13a.tokenize("It costs $3.50, or 1,000 yen."));
    // A period after a digit at the end: rule 5 (before a non-digit, here the padding space).
    assertEquals("in 1999 .", Tokenizer13a.tokenize("in 1999."));
    // Between a digit and a letter: rule 5 splits ".a"; between a letter and a digit: rule 4.
    assertEquals("3 . a", Tokenizer13a.tokenize("3.a"));
    assertEquals("a . 5", Tokenizer13a.tokenize("a.5"));
  }

  @Test
  void splitsADashOnlyAfterADigit() {
    assertEquals(
        "pages 10 - 20 and well-known", Tokenizer13a.tokenize("pages 10-20 and well-known"));
    assertEquals("a -5", Tokenizer13a.tokenize("a -5"));
  }

  @Test
  void languageIndependentPart() {
    // <skipped> deleted, "-\n" joins, "\n" is a space, entities unescaped, then '"' and '&' split.
    assertEquals(
        "a \" b \" & c hyphenated line < x >",
        Tokenizer13a.tokenize("a &quot;b&quot; &amp; c<skipped> hyphen-\nated\nline &lt;x&gt;"));
    // Entities are unescaped in the order &quot; &amp; &lt; &gt;, each once over the line: so
    // "&amp;lt;" becomes "&lt;" and then "<", but "&amp;quot;" stays "&quot;".
    assertEquals("<", Tokenizer13a.tokenize("&amp;lt;"));
    assertEquals("& quot ;", Tokenizer13a.tokenize("&amp;quot;"));
  }

  @Test
  void collapsesAnyUnicodeWhitespaceAsPythonSplitDoes() {
    assertEquals("a b c", Tokenizer13a.tokenize("  a\u00a0\tb\u3000 c \u2029"));
    assertEquals("", Tokenizer13a.tokenize(""));
    // Non-ASCII punctuation is not in the 13a classes.
    assertEquals("«Grüße»", Tokenizer13a.tokenize("«Grüße»"));
  }
}
