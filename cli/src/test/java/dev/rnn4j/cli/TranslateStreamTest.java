package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnn4j.TestBackends;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code translate} as a stream filter: output before the input ends, the model checked before
 * input is read, and bad lines (over-long, invalid UTF-8) reported by line while the others are
 * translated. The model has random weights (seed 7): the tests check alignment and messages, not
 * translations.
 */
class TranslateStreamTest {
  @TempDir static Path tmp;
  private static Path model;
  private final InputStream oldIn = System.in;
  private final PrintStream oldOut = System.out;
  private final PrintStream oldErr = System.err;

  private record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  @BeforeAll
  static void saveRandomModel() throws Exception {
    Vocabulary v = Vocabulary.of(List.of("a", "b", "c", "d"));
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(8, 8, 8, CellType.GRU, 8, 1, false, 8, 1, AttentionType.DOT, 0f, false);
    model = tmp.resolve("model");
    try (Seq2SeqModel m = new Seq2SeqModel(TestBackends.cpu(), cfg, 7)) {
      ModelDirectory.save(
          model, m, v, v, new WhitespaceTokenizer(), new WhitespaceTokenizer(), null);
    }
  }

  @AfterEach
  void restoreStreams() {
    System.setIn(oldIn);
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private static Run run(InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setIn(stdin);
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    String[] all = new String[args.length + 5];
    all[0] = "translate";
    all[1] = "--model";
    all[2] = model.toString();
    all[3] = "--backend";
    all[4] = "cpu";
    System.arraycopy(args, 0, all, 5, args.length);
    int code = Main.run(all);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run run(byte[] stdin, String... args) {
    return run(new ByteArrayInputStream(stdin), args);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The first output line arrives while stdin is still open: translate works in a pipe. */
  @Test
  void writesTheFirstOutputBeforeTheInputEnds() throws Exception {
    PipedOutputStream producer = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(producer, 1 << 16);
    PipedInputStream consumer = new PipedInputStream(1 << 16);
    PrintStream stdout =
        new PrintStream(new PipedOutputStream(consumer), true, StandardCharsets.UTF_8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setIn(stdin);
    System.setOut(stdout);
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () ->
                Main.run(
                    "translate", "--model", model.toString(), "--backend", "cpu", "--beam", "2"));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(consumer, StandardCharsets.UTF_8));
    producer.write(utf8("a b c\n"));
    producer.flush();
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(out));
    try {
      first.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      producer.close();
      fail("no output for line 1 within 60 s while stdin stayed open: translate does not stream");
    }
    producer.write(utf8("b a\n"));
    producer.close();
    assertEquals(0, code.get(60, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    readLine(out);
    assertEquals(null, readLine(out), "one output per input line");
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aBadModelFailsBeforeAnyInputIsRead() {
    AtomicBoolean read = new AtomicBoolean();
    InputStream watched =
        new InputStream() {
          @Override
          public int read() {
            read.set(true);
            return -1;
          }
        };
    System.setIn(watched);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code = Main.run("translate", "--model", tmp.resolve("nope").toString(), "--backend", "cpu");
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope"), err.toString());
    assertFalse(read.get(), "stdin was read before the model was loaded");
  }

  @Test
  void anInputOverTheTokenLimitIsReportedAndLeftEmpty() {
    String longLine = "a ".repeat(600).trim();
    Run r = run(utf8("a b\n" + longLine + "\nc\n"));
    assertEquals(TranslateCommand.SOME_LINES_FAILED, r.code(), r.err());
    assertEquals(3, r.lines().size(), r.out());
    assertEquals("", r.lines().get(1));
    assertTrue(
        r.err()
            .contains(
                "rnn4j: stdin: line 2: 600 tokens, more than --max-input-tokens 512; wrote an empty"
                    + " line (--truncate translates the first 512 instead)"),
        r.err());
    assertTrue(r.err().contains("1 of 3 lines could not be translated"), r.err());
  }

  @Test
  void truncateTranslatesTheStartOfAnOverlongInput() {
    String longLine = "a ".repeat(30).trim();
    Run r = run(utf8("b\n" + longLine + "\n"), "--max-input-tokens", "20", "--truncate");
    assertEquals(0, r.code(), r.err());
    assertEquals(2, r.lines().size(), r.out());
    assertTrue(
        r.err().contains("rnn4j: stdin: line 2: 30 tokens, translating the first 20 (--truncate)"),
        r.err());
  }

  /** Used to die with OutOfMemoryError on a 4 MB line; now it costs at most --max-line-bytes. */
  @Test
  void aFourMegabyteLineWithoutLineEndIsReportedNotLoaded() {
    byte[] in = utf8("a\n" + "b ".repeat(2 << 20));
    Run r = run(in);
    assertEquals(TranslateCommand.SOME_LINES_FAILED, r.code(), r.err());
    assertEquals(2, r.lines().size(), r.out());
    assertTrue(
        r.err()
            .contains(
                "rnn4j: stdin: line 2: 4194304 bytes, more than --max-line-bytes 65536; wrote an"
                    + " empty line (--truncate translates the start of it instead)"),
        r.err());
  }

  /** The same invalid bytes from a file and from stdin: the same report and the same output. */
  @Test
  void invalidUtf8IsReportedWithLineAndOffsetFromFileAndStdin() throws Exception {
    byte[] bytes = {'a', '\n', 'b', ' ', (byte) 0xC3, '(', '\n', 'c', '\n'};
    Path file = Files.write(tmp.resolve("bad.txt"), bytes);
    Run fromFile = run(new byte[0], "--input", file.toString());
    Run fromStdin = run(bytes);
    String why =
        "line 2: not valid UTF-8 at byte offset 4 (the line starts at byte 2); wrote an empty line";
    assertTrue(fromFile.err().contains("rnn4j: " + file + ": " + why), fromFile.err());
    assertTrue(fromStdin.err().contains("rnn4j: stdin: " + why), fromStdin.err());
    assertEquals(TranslateCommand.SOME_LINES_FAILED, fromFile.code());
    assertEquals(TranslateCommand.SOME_LINES_FAILED, fromStdin.code());
    assertEquals(fromFile.out(), fromStdin.out());
    assertEquals(3, fromStdin.lines().size());
    assertEquals("", fromStdin.lines().get(1));
  }

  @Test
  void nBestNumbersLinesAcrossBatches() {
    Run r = run(utf8("a\nb\n\nc\n"), "--batch-size", "1", "--beam", "2", "--n-best", "2");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(7, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("0 ||| ") && lines.get(1).startsWith("0 ||| "), r.out());
    assertTrue(lines.get(2).startsWith("1 ||| "), r.out());
    assertEquals("", lines.get(4));
    assertTrue(lines.get(5).startsWith("3 ||| "), r.out());
  }

  @Test
  void limitsBelowOneAreRefusedNamingTheOption() {
    Run r = run(utf8("a\n"), "--max-input-tokens", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--max-input-tokens must be >= 1, got 0"), r.err());
  }
}
