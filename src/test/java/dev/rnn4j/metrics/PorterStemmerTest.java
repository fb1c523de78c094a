package dev.rnn4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against NLTK's PorterStemmer() (NLTK_EXTENSIONS mode, what rouge-score calls): 4,252 words of
 * src/test/resources/metrics/porter_nltk.tsv, written by scripts/dev/metric_reference.py with
 * Debian 12's python3-nltk 3.8; plus the examples of Porter (1980) worked by hand.
 */
class PorterStemmerTest {

  @Test
  void matchesNltkOnEveryFixtureWord() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int n = 0;
    try (InputStream in = PorterStemmerTest.class.getResourceAsStream("/metrics/porter_nltk.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        n++;
        String got = PorterStemmer.stem(f[0]);
        if (!got.equals(f[1])) {
          mismatches.add(f[0] + ": nltk " + f[1] + ", got " + got);
        }
      }
    }
    assertTrue(n > 4000, "fixture words: " + n);
    assertEquals(List.of(), mismatches, mismatches.size() + " of " + n + " words differ");
  }

  /** Porter's own examples, with NLTK's departures where its extensions apply. */
  @Test
  void portersExamples() {
    // Step 1a.
    assertEquals("caress", PorterStemmer.stem("caresses"));
    assertEquals("poni", PorterStemmer.stem("ponies"));
    assertEquals("tie", PorterStemmer.stem("ties")); // NLTK: a 4-letter "-ies" keeps "ie"
    assertEquals("cat", PorterStemmer.stem("cats"));
    // Step 1b: "feed" has m("f") = 0, "agreed" m("agr") = 1.
    assertEquals("feed", PorterStemmer.stem("feed"));
    assertEquals("agre", PorterStemmer.stem("agreed")); // then step 5a drops the e
    assertEquals("hop", PorterStemmer.stem("hopping"));
    assertEquals("fall", PorterStemmer.stem("falling"));
    assertEquals("file", PorterStemmer.stem("filing")); // m = 1 and *o: add e
    // Step 1c, 2, 3, 4.
    assertEquals("happi", PorterStemmer.stem("happy"));
    assertEquals("relat", PorterStemmer.stem("relational"));
    assertEquals("electr", PorterStemmer.stem("electrical"));
    assertEquals("adopt", PorterStemmer.stem("adoption"));
    // NLTK's irregular forms and short words.
    assertEquals("die", PorterStemmer.stem("dying"));
    assertEquals("sky", PorterStemmer.stem("skies"));
    assertEquals("news", PorterStemmer.stem("news"));
    assertEquals("is", PorterStemmer.stem("is"));
  }

  @Test
  void measureCountsVowelConsonantPairs() {
    // Porter's table: m=0 tr, ee, tree, y, by; m=1 trouble, oats, trees, ivy; m=2 troubles,
    // private, oaten, orrery.
    for (String w : List.of("tr", "ee", "tree", "y", "by")) {
      assertEquals(0, PorterStemmer.measure(w), w);
    }
    for (String w : List.of("trouble", "oats", "trees", "ivy")) {
      assertEquals(1, PorterStemmer.measure(w), w);
    }
    for (String w : List.of("troubles", "private", "oaten", "orrery")) {
      assertEquals(2, PorterStemmer.measure(w), w);
    }
  }
}
