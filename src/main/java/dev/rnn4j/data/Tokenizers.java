package dev.rnn4j.data;

import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.Visible;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loading a saved subword model of whichever kind a file holds. Stateless. */
public final class Tokenizers {
  /** A SentencePiece ModelProto starts with its first piece: field 1, length-delimited. */
  private static final byte SENTENCEPIECE_FIRST_BYTE = 0x0A;

  private Tokenizers() {}

  /**
   * The model in {@code file}, chosen by its first line: {@value BpeTokenizer#HEADER} gives a
   * {@link BpeTokenizer}, {@value SubwordTokenizer#HEADER} a {@link SubwordTokenizer}, and a binary
   * file starting like a SentencePiece {@code .model} a {@link SentencePieceBpeTokenizer}.
   *
   * @throws FileFormatException if the first line is neither (the message quotes it and lists the
   *     headers) or the file is damaged
   */
  public static Tokenizer load(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.toString();
    String first = firstLine(bytes);
    if (first.equals(BpeTokenizer.HEADER)) {
      return BpeTokenizer.read(bytes, name);
    }
    if (first.equals(SubwordTokenizer.HEADER)) {
      return SubwordTokenizer.read(bytes, name);
    }
    if (bytes.length > 0 && bytes[0] == SENTENCEPIECE_FIRST_BYTE) {
      return SentencePieceBpeTokenizer.read(bytes, name);
    }
    throw new FileFormatException(
        name,
        "first line is "
            + Visible.quote(first)
            + ", expected \""
            + BpeTokenizer.HEADER
            + "\" or \""
            + SubwordTokenizer.HEADER
            + "\", or a SentencePiece .model file; not a subword model");
  }

  /** The first line, decoded leniently (the reader decodes strictly), without BOM or {@code \r}. */
  private static String firstLine(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && end < 200 && bytes[end] != '\n') {
      end++;
    }
    String s = new String(bytes, 0, end, StandardCharsets.UTF_8);
    if (s.startsWith(Utf8.BOM)) {
      s = s.substring(1);
    }
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
