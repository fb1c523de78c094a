package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.FileFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SentencePieceBpeTokenizer} on model files written here field by field in the protobuf wire
 * format of {@code sentencepiece_model.proto} (ModelProto: 1 pieces, 2 trainer_spec, 3
 * normalizer_spec; SentencePiece: 1 piece, 2 score, 3 type; TrainerSpec: 3 model_type;
 * NormalizerSpec: 3 add_dummy_prefix, 4 remove_extra_whitespaces).
 */
class SentencePieceBpeTokenizerTest {
  @TempDir Path dir;

  private static final String S = SubwordTokenizer.SPACE;

  /** A protobuf message under construction. */
  private static final class Proto {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Proto field(int number, long value) {
      return varint(number << 3).varint(value);
    }

    Proto field(int number, float value) {
      varint(number << 3 | 5);
      int bits = Float.floatToIntBits(value);
      for (int i = 0; i < 4; i++) {
        out.write(bits >>> (8 * i));
      }
      return this;
    }

    Proto field(int number, byte[] body) {
      varint(number << 3 | 2).varint(body.length);
      out.writeBytes(body);
      return this;
    }

    Proto field(int number, String s) {
      return field(number, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto field(int number, Proto message) {
      return field(number, message.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  private static Proto piece(String piece, float score, int type) {
    return new Proto().field(1, piece).field(2, score).field(3, type);
  }

  /** A BPE model: "ab" scores higher than "▁a", so "▁ab" comes from ▁ + ab. */
  private static Proto model(int modelType, boolean addDummyPrefix) {
    Proto m =
        new Proto()
            .field(1, piece("<unk>", 0, 2))
            .field(1, piece("<s>", 0, 3))
            .field(1, piece("</s>", 0, 3))
            .field(1, piece("ab", -1, 1))
            .field(1, piece(S + "a", -2, 1))
            .field(1, piece(S + "ab", -3, 1))
            .field(1, piece("ba", -4, 1))
            .field(1, piece(S, -5, 1))
            .field(1, piece("a", -6, 1))
            .field(1, piece("b", -7, 1));
    m.field(2, new Proto().field(3, modelType).field(1, "ignored input"));
    m.field(3, new Proto().field(1, "nmt_nfkc").field(3, addDummyPrefix ? 1 : 0).field(4, 1));
    return m;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  @Test
  void encodesByScoreLikeSentencePiece() throws IOException {
    Path f = write("m.model", model(2, true).bytes());
    Tokenizer t = Tokenizers.load(f);
    SentencePieceBpeTokenizer spm = assertInstanceOf(SentencePieceBpeTokenizer.class, t);
    assertEquals(10, spm.pieces().size());
    assertEquals(List.of(S + "ab", S + "ab", "a"), t.tokenize("ab  aba "));
    // x and y are no pieces: the run "xy" is one unknown piece, as SentencePiece's <unk>.
    assertEquals(List.of(S + "a", "xy", "b", S, "z"), t.tokenize("axyb z"));
    for (String s : List.of("", "ab  aba ", " axyb\tz ", "b\u2581a")) {
      assertEquals(SubwordTokenizer.normalize(s), t.detokenize(t.tokenize(s)), s);
    }
    SentencePieceBpeTokenizer noPrefix =
        SentencePieceBpeTokenizer.read(model(2, false).bytes(), "m");
    assertEquals(List.of("ab", S + "ab"), noPrefix.tokenize("ab ab"));
    assertEquals("ab ab", noPrefix.detokenize(noPrefix.tokenize("ab ab")));
  }

  @Test
  void refusesOtherModelTypesAndDamagedFiles() throws IOException {
    Path unigram = write("u.model", model(1, true).bytes());
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> SentencePieceBpeTokenizer.load(unigram));
    assertEquals(
        unigram
            + ": SentencePiece model type is UNIGRAM; only BPE models are supported (train with"
            + " --model_type=bpe)",
        e.getMessage());
    byte[] full = model(2, true).bytes();
    Path cut = write("cut.model", Arrays.copyOf(full, full.length - 3));
    e = assertThrows(FileFormatException.class, () -> Tokenizers.load(cut));
    assertTrue(e.getMessage().startsWith(cut + ": protobuf: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; not a SentencePiece model or damaged"), e.getMessage());
    Path noPieces = write("empty.model", new Proto().field(2, new Proto().field(3, 2)).bytes());
    e = assertThrows(FileFormatException.class, () -> SentencePieceBpeTokenizer.load(noPieces));
    assertEquals(noPieces + ": no pieces; not a SentencePiece model", e.getMessage());
  }
}
