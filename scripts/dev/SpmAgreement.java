import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a SentencePiece BPE .model through Tokenizers.load and compares its pieces, line by line,
 * with SentencePiece's own (one line of space-separated pieces per text line). Run from the
 * repository root after a build: {@code java -cp src/target/classes scripts/dev/SpmAgreement.java
 * MODEL TEXT PIECES}.
 */
public final class SpmAgreement {
  public static void main(String[] args) throws Exception {
    Tokenizer t = Tokenizers.load(Path.of(args[0]));
    List<String> text = Files.readAllLines(Path.of(args[1]));
    List<String> expected = Files.readAllLines(Path.of(args[2]));
    int same = 0;
    String firstDiff = null;
    for (int i = 0; i < text.size(); i++) {
      List<String> want = expected.get(i).isEmpty() ? List.of() : Arrays.asList(expected.get(i).split(" "));
      List<String> got = t.tokenize(text.get(i));
      if (got.equals(want)) {
        same++;
      } else if (firstDiff == null) {
        firstDiff = "line " + (i + 1) + ": rnn4j " + got + " vs SentencePiece " + want;
      }
    }
    System.out.printf(
        "  %s read by rnn4j: %d of %d lines split exactly as SentencePiece%s%n",
        t.getClass().getSimpleName(),
        same,
        text.size(),
        firstDiff == null ? "" : "; first difference " + firstDiff);
  }
}
