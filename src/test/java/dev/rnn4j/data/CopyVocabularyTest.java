package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A source's extended vocabulary, worked by hand (See et al. 2017, §2.2). */
class CopyVocabularyTest {
  // Ids: <pad> 0, <s> 1, </s> 2, <unk> 3, the 4, cat 5, sat 6.
  private final Vocabulary vocab = Vocabulary.of(List.of("the", "cat", "sat"));

  @Test
  void sourceOnlyWordsAreNumberedFromVInOrderOfFirstAppearance() {
    CopyVocabulary cv =
        CopyVocabulary.of(vocab, List.of("the", "zorb", "cat", "quux", "zorb", "<unk>"));
    assertArrayEquals(new int[] {4, 7, 5, 8, 7, 3}, cv.sourceIds());
    assertEquals(List.of("zorb", "quux"), cv.sourceOnlyWords());
    assertEquals(9, cv.size());
    // A literal <unk> token is the vocabulary's UNK, not a word to copy.
  }

  @Test
  void targetWordsTakeTheirSourceWordsIdOrUnk() {
    CopyVocabulary cv = CopyVocabulary.of(vocab, List.of("zorb", "sat", "quux"));
    assertArrayEquals(
        new int[] {4, 8, 6, 3, 7}, cv.encodeTarget(List.of("the", "quux", "sat", "blah", "zorb")));
  }

  @Test
  void decodeReadsSourceOnlyIdsAndStopsAtEos() {
    CopyVocabulary cv = CopyVocabulary.of(vocab, List.of("zorb", "sat", "quux"));
    assertEquals(
        List.of("quux", "the", "zorb", "<unk>"),
        cv.decode(new int[] {Vocabulary.BOS, 8, 4, 7, 3, Vocabulary.EOS, 5}));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cv.decode(new int[] {9}));
    assertTrue(e.getMessage().contains("extended vocabulary [0, 9)"), e.getMessage());
  }

  @Test
  void aSourceWithoutUnknownWordsIsTheVocabularysEncoding() {
    CopyVocabulary cv = CopyVocabulary.of(vocab, List.of("the", "cat"));
    assertArrayEquals(vocab.encode(List.of("the", "cat")), cv.sourceIds());
    assertEquals(vocab.size(), cv.size());
    assertEquals(List.of(), cv.sourceOnlyWords());
  }

  @Test
  void embeddableIdsReplaceSourceOnlyIdsByUnkWithoutCopyingWhenThereAreNone() {
    int[] plain = {4, 5, 6};
    assertSame(plain, CopyVocabulary.embeddable(plain, 7));
    int[] ext = {4, 7, -1, 8};
    assertArrayEquals(new int[] {4, 3, -1, 3}, CopyVocabulary.embeddable(ext, 7));
    assertArrayEquals(new int[] {4, 7, -1, 8}, ext, "the argument is not modified");
  }
}
