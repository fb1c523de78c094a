import dev.rnn4j.data.BpeTokenizer;
import dev.rnn4j.data.SubwordTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Measures SubwordTokenizer on a TSV corpus (SOURCE TAB TARGET): learning time, pieces per test
 * sentence, vocabulary entries mixing letters or digits with punctuation, and the round trip; with
 * --old also the learning time of BpeTokenizer for 8000 merges on the target side.
 *
 * <p>Run from the repository root after a build: {@code java -cp src/target/classes
 * scripts/dev/SubwordCompare.java DIR VOCAB_SIZE [--old]} (DIR holds train.tsv and test.tsv).
 */
public final class SubwordCompare {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Wall and CPU seconds of {@code run}, as "W s wall, C s CPU". */
  private static String time(Runnable run) {
    long w = System.nanoTime();
    long c = THREADS.getCurrentThreadCpuTime();
    run.run();
    return String.format(
        "%.2f s wall, %.2f s CPU",
        (System.nanoTime() - w) / 1e9, (THREADS.getCurrentThreadCpuTime() - c) / 1e9);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int vocabSize = Integer.parseInt(args[1]);
    boolean old = args.length > 2 && args[2].equals("--old");
    List<String> src = new ArrayList<>();
    List<String> tgt = new ArrayList<>();
    side(Files.readAllLines(dir.resolve("train.tsv")), src, tgt);
    List<String> testSrc = new ArrayList<>();
    List<String> testTgt = new ArrayList<>();
    side(Files.readAllLines(dir.resolve("test.tsv")), testSrc, testTgt);

    SubwordTokenizer[] model = new SubwordTokenizer[1];
    // A first run warms the JIT up; the second is timed.
    SubwordTokenizer.learn(tgt.subList(0, tgt.size() / 4), vocabSize / 4, 0.9995);
    String jointTime =
        time(() -> model[0] = SubwordTokenizer.learnJoint(List.of(src, tgt), vocabSize, 0.9995));
    report("joint", model[0], jointTime, testSrc, testTgt);
    String targetTime = time(() -> model[0] = SubwordTokenizer.learn(tgt, vocabSize, 0.9995));
    report("target", model[0], targetTime, List.of(), testTgt);
    if (old) {
      BpeTokenizer[] bpe = new BpeTokenizer[1];
      String oldTime = time(() -> bpe[0] = BpeTokenizer.learn(tgt, 8000));
      System.out.printf(
          "old BpeTokenizer.learn, target side, 8000 merges: %s (%d merges)%n",
          oldTime, bpe[0].merges().size());
    }
  }

  private static void side(List<String> lines, List<String> src, List<String> tgt) {
    for (String l : lines) {
      int tab = l.indexOf('\t');
      if (tab >= 0) {
        src.add(l.substring(0, tab));
        tgt.add(l.substring(tab + 1));
      }
    }
  }

  private static void report(
      String name, SubwordTokenizer t, String time, List<String> testSrc, List<String> testTgt) {
    int letters = 0;
    int digits = 0;
    for (String p : t.vocabulary()) {
      letters += mixes(p, Character::isLetter) ? 1 : 0;
      digits += mixes(p, SubwordCompare::isNumber) ? 1 : 0;
    }
    System.out.printf(
        "%s: vocab %d (alphabet %d, merges %d), learned in %s, letter+punctuation entries %d,"
            + " digit+punctuation entries %d%n",
        name,
        t.vocabulary().size(),
        t.alphabet().size(),
        t.merges().size(),
        time,
        letters,
        digits);
    for (List<String> test : List.of(testSrc, testTgt)) {
      if (test.isEmpty()) {
        continue;
      }
      long pieces = 0;
      int bad = 0;
      for (String s : test) {
        List<String> tokens = t.tokenize(s);
        pieces += tokens.size();
        if (!t.detokenize(tokens).equals(SubwordTokenizer.normalize(s))) {
          bad++;
        }
      }
      System.out.printf(
          "  %s test: %.2f pieces/sentence over %d sentences, round-trip failures %d%n",
          test == testSrc ? "source" : "target", (double) pieces / test.size(), test.size(), bad);
    }
  }

  /** Unicode N*, like Python's unicodedata.category(c)[0] == "N". */
  static boolean isNumber(int cp) {
    int t = Character.getType(cp);
    return t == Character.DECIMAL_DIGIT_NUMBER
        || t == Character.LETTER_NUMBER
        || t == Character.OTHER_NUMBER;
  }

  /** A code point of {@code kind} together with punctuation or a symbol (P*, S*) but "▁". */
  static boolean mixes(String piece, IntPredicate kind) {
    boolean word = false;
    boolean punct = false;
    for (int cp : piece.codePoints().toArray()) {
      if (cp == 0x2581) {
        continue;
      }
      if (kind.test(cp)) {
        word = true;
      }
      int ty = Character.getType(cp);
      if (ty >= Character.DASH_PUNCTUATION && ty <= Character.OTHER_SYMBOL
          || ty == Character.CONNECTOR_PUNCTUATION
          || ty == Character.INITIAL_QUOTE_PUNCTUATION
          || ty == Character.FINAL_QUOTE_PUNCTUATION) {
        punct = true;
      }
    }
    return word && punct;
  }
}
