package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.data.DebianDescriptions.Description;
import dev.rnn4j.data.DebianDescriptions.Pair;
import dev.rnn4j.data.DebianDescriptions.Splits;
import dev.rnn4j.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianDescriptionsTest {
  @TempDir Path dir;

  private static final String EN =
      """
      Package: editor
      Description-md5: aaa
      Description-en: small text editor
       Editor is a small text editor for the terminal with syntax
       highlighting and undo.
       .
       It supports:
        * many languages
        * macros
       .
       This package contains the program.

      Package: editor-doc
      Description-md5: aaa
      Description-en: this record repeats md5 aaa and is ignored
       Ignored.

      Package: lib
      Description-md5: bbb
      Description-en: shared library
       One paragraph only, short.

      Package: linux-image-6.1.0-1
      Description-md5: ccc
      Description-en: Linux 6.1 for 64-bit PCs
       The Linux kernel 6.1 and modules for use on PCs with AMD64 processors and more words.

      Package: linux-image-6.1.0-2
      Description-md5: ddd
      Description-en: Linux 6.1 for 64-bit PCs (version 2)
       The Linux kernel 6.2 and modules for use on PCs with AMD64 processors and more words.
      """;

  private static final String FR =
      """
      Package: editor
      Description-md5: aaa
      Description-fr: petit éditeur de texte
       Editor est un petit éditeur de texte pour le terminal avec
       coloration syntaxique et annulation.
       .
       Il gère :
        * de nombreux langages
        * des macros
       .
       Ce paquet contient le programme.

      Package: lib
      Description-md5: bbb
      Description-fr: bibliothèque partagée
       Un seul paragraphe.
       .
       Un deuxième, que l'anglais n'a pas.
      """;

  private Map<String, Description> read(String text, String lang) throws IOException {
    Path f = dir.resolve("Translation-" + lang);
    Files.writeString(f, text);
    return DebianDescriptions.read(f, lang);
  }

  @Test
  void recordsPairByMd5AndParagraphsJoinToOneLine() throws IOException {
    Map<String, Description> en = read(EN, "en");
    assertEquals(List.of("aaa", "bbb", "ccc", "ddd"), new ArrayList<>(en.keySet()));
    Description d = en.get("aaa");
    assertEquals("small text editor", d.synopsis());
    assertEquals(3, d.paragraphs().size());
    assertEquals(
        "Editor is a small text editor for the terminal with syntax highlighting and undo.",
        d.paragraphs().get(0));
    assertNull(d.paragraphs().get(1), "a paragraph with list items is not prose");
    assertEquals("This package contains the program.", d.paragraphs().get(2));
  }

  @Test
  void translationPairsAreSynopsesAndParagraphsOfEqualCounts() throws IOException {
    List<Pair> pairs = DebianDescriptions.translationPairs(read(EN, "en"), read(FR, "fr"));
    assertEquals(
        List.of(
            new Pair("small text editor", "petit éditeur de texte"),
            new Pair(
                "Editor is a small text editor for the terminal with syntax highlighting and"
                    + " undo.",
                "Editor est un petit éditeur de texte pour le terminal avec coloration"
                    + " syntaxique et annulation."),
            new Pair("This package contains the program.", "Ce paquet contient le programme."),
            // lib: 1 English paragraph, 2 French ones: only the synopses pair up.
            new Pair("shared library", "bibliothèque partagée")),
        pairs);
  }

  @Test
  void summarisationPairsAndSplitsDropDuplicatesUpToNumbers() throws IOException {
    List<Pair> sum = DebianDescriptions.summarisationPairs(read(EN, "en"));
    // lib's first paragraph has 4 words (< 10); the two kernels differ only in a number.
    assertEquals(3, sum.size(), sum.toString());
    Splits s = DebianDescriptions.split(sum);
    assertEquals(2, s.train().size() + s.dev().size() + s.test().size());
  }

  @Test
  void splitsAreDisjointByHashAndRepeatable() {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      // Letters only: sources differing in digits alone would be one source.
      StringBuilder w = new StringBuilder();
      for (int v = i + 1; v > 0; v /= 26) {
        w.append((char) ('a' + v % 26));
      }
      pairs.add(new Pair("source sentence " + w, "t" + i));
    }
    Splits a = DebianDescriptions.split(pairs);
    List<Pair> reversed = new ArrayList<>(pairs);
    java.util.Collections.reverse(reversed);
    Splits b = DebianDescriptions.split(reversed);
    assertEquals(new HashSet<>(a.dev()), new HashSet<>(b.dev()), "split must not depend on order");
    assertEquals(new HashSet<>(a.test()), new HashSet<>(b.test()));
    Set<String> dev = new HashSet<>();
    a.dev().forEach(p -> dev.add(p.source()));
    assertTrue(a.train().stream().noneMatch(p -> dev.contains(p.source())));
    // 2.5 % each: 100 expected of 4000; a hash split lands within a few standard deviations.
    assertTrue(a.dev().size() > 60 && a.dev().size() < 140, "dev " + a.dev().size());
    assertTrue(a.test().size() > 60 && a.test().size() < 140, "test " + a.test().size());
  }

  @Test
  void aFileOfAnotherLanguageIsNamed() throws IOException {
    Path f = dir.resolve("Translation-fr");
    Files.writeString(f, FR);
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> DebianDescriptions.read(f, "de"));
    assertTrue(e.getMessage().contains("Description-fr:"), e.getMessage());
    assertTrue(e.getMessage().contains("Translation-de"), e.getMessage());
  }

  @Test
  void aLanguageCodeDebianDoesNotUseIsRefused() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> DebianDescriptions.checkLanguage("FR"));
    assertTrue(e.getMessage().contains("e.g. fr, de, pt_BR"), e.getMessage());
    assertEquals("pt_BR", DebianDescriptions.checkLanguage("pt_BR"));
  }
}
