package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pairs encoded on executors as `rnn4j train` encodes them, after a trip through serialization. */
class TextCodecTest {
  // Ids: <pad> 0, <s> 1, </s> 2, <unk> 3, the 4, cat 5, sat 6.
  private final Vocabulary vocab = Vocabulary.of(List.of("the", "cat", "sat"));

  private static TextCodec shipped(TextCodec c) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (TextCodec) in.readObject();
    }
  }

  @Test
  void aCopyModelsPairsUseTheSourcesExtendedVocabulary() throws Exception {
    WhitespaceTokenizer ws = new WhitespaceTokenizer();
    TextCodec copy = shipped(new TextCodec(ws, ws, vocab, vocab, true));
    int[][] p = copy.pair("the zorb sat quux", "quux the blah zorb");
    assertArrayEquals(new int[] {4, 7, 6, 8}, p[0], "source-only words: 7, 8");
    assertArrayEquals(new int[] {8, 4, 3, 7}, p[1], "copied words take their ids; others <unk>");
    TextCodec plain = shipped(new TextCodec(ws, ws, vocab, vocab, false));
    int[][] q = plain.pair("the zorb sat quux", "quux the blah zorb");
    assertArrayEquals(new int[] {4, 3, 6, 3}, q[0]);
    assertArrayEquals(new int[] {3, 4, 3, 3}, q[1]);
  }

  @Test
  void copyingNeedsOneJointVocabulary() {
    WhitespaceTokenizer ws = new WhitespaceTokenizer();
    Vocabulary other = Vocabulary.of(List.of("le", "chat"));
    assertThrows(IllegalArgumentException.class, () -> new TextCodec(ws, ws, vocab, other, true));
  }
}
