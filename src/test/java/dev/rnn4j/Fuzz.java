package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Fuzzing support for the {@code *FuzzTest} properties: inputs are mutations of the seed corpus in
 * {@code src/test/resources/fuzz/<target>/} (bit flips, truncation, insertion of random or
 * format-significant bytes, duplication, splicing of two corpus files, overwritten 64-bit lengths)
 * or fully random bytes, drawn from a seeded {@link Random}, so a fixed seed repeats a run.
 *
 * <p>{@link #check} runs one input on a worker thread and accepts exactly two outcomes: the reader
 * returns, or it throws one of the declared exception types with a non-empty message free of raw
 * control characters. Anything else fails with the input in Base64 (to paste into a regression
 * test): another exception, an {@link Error}, more than {@link #TIMEOUT_MS} (a hang), or more than
 * {@link #MAX_ALLOCATED_BYTES} allocated by the worker thread (memory not bounded by the input).
 */
public final class Fuzz {
  /** Time one input may take; the slowest measured input takes under 100 ms. */
  public static final long TIMEOUT_MS = 5_000;

  /** Bytes one input may allocate (inputs are under 64 KiB). */
  public static final long MAX_ALLOCATED_BYTES = 64L << 20;

  private static final byte[][] SIGNIFICANT = {
    {'\n'},
    {'\r'},
    {'\t'},
    {' '},
    {0},
    {(byte) 0xFF},
    {(byte) 0xC3},
    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
    {'"'},
    {'\\'},
    {'{'},
    {'}'},
    {'['},
    {']'},
    {','},
    {':'},
    {'-'},
    "\\u0000".getBytes(StandardCharsets.US_ASCII),
    "\\uD800".getBytes(StandardCharsets.US_ASCII),
    "99999999999999999999".getBytes(StandardCharsets.US_ASCII),
    "2147483648".getBytes(StandardCharsets.US_ASCII),
    "1e999".getBytes(StandardCharsets.US_ASCII),
    "-0.0".getBytes(StandardCharsets.US_ASCII),
    "null".getBytes(StandardCharsets.US_ASCII),
    "</w>".getBytes(StandardCharsets.US_ASCII),
    "<unk>".getBytes(StandardCharsets.US_ASCII)
  };

  private static final long[] LENGTHS = {
    0,
    1,
    7,
    8,
    -1,
    Long.MIN_VALUE,
    Long.MAX_VALUE,
    1L << 62,
    1L << 31,
    (1L << 31) - 1,
    1L << 32,
    100_000_001L
  };

  private static final ExecutorService[] WORKER = {newWorker()};

  private Fuzz() {}

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-worker");
          t.setDaemon(true);
          return t;
        });
  }

  /** What one target's run did, for the summary line. */
  public static final class Stats {
    private final String target;
    private final long startNanos = System.nanoTime();
    private long inputs;
    private long errors;
    private long maxAllocated;
    private long maxNanos;

    public Stats(String target) {
      this.target = target;
    }

    /** "target: N inputs (R results, E errors) in S s; max per input: B bytes allocated, T ms". */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "fuzz %s: %d inputs (%d results, %d declared errors) in %.1f s; max per input %d KiB"
              + " allocated, %.1f ms",
          target,
          inputs,
          inputs - errors,
          errors,
          (System.nanoTime() - startNanos) / 1e9,
          maxAllocated >> 10,
          maxNanos / 1e6);
    }
  }

  /** Reads one input; may throw. */
  @FunctionalInterface
  public interface Reader {
    void read(byte[] input) throws Exception;
  }

  /** The files of {@code fuzz/<target>/}, sorted by name. */
  public static List<byte[]> corpus(String target) {
    URL dir = Fuzz.class.getClassLoader().getResource("fuzz/" + target);
    if (dir == null) {
      throw new IllegalStateException(
          "no seed corpus fuzz/" + target + " on the test class path (src/test/resources)");
    }
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      List<byte[]> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        out.add(Files.readAllBytes(f));
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("seed corpus fuzz/" + target + " is empty");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Draws one input from a seeded random. */
  @FunctionalInterface
  public interface Source {
    byte[] draw(Random r);
  }

  /** Inputs for a target: 90 % mutated corpus files, 10 % random bytes. */
  public static Source inputs(String target) {
    List<byte[]> corpus = corpus(target);
    return r -> next(r, corpus);
  }

  /**
   * Runs {@code property} on {@code tries} inputs drawn from {@code source} with a {@link Random}
   * seeded by {@code seed}, so a run repeats exactly.
   */
  public static void forAll(
      long seed, int tries, Source source, java.util.function.Consumer<byte[]> property) {
    Random r = new Random(seed);
    for (int i = 0; i < tries; i++) {
      property.accept(source.draw(r));
    }
  }

  /** One input: a random mutation chain of a {@code corpus} entry, or random bytes. */
  public static byte[] next(Random r, List<byte[]> corpus) {
    if (r.nextInt(10) == 0) {
      byte[] b = new byte[r.nextInt(r.nextBoolean() ? 16 : 512)];
      r.nextBytes(b);
      return b;
    }
    byte[] b = corpus.get(r.nextInt(corpus.size()));
    int rounds = 1 + r.nextInt(r.nextBoolean() ? 2 : 6);
    for (int i = 0; i < rounds; i++) {
      b = mutate(r, b, corpus);
    }
    return b;
  }

  private static byte[] mutate(Random r, byte[] b, List<byte[]> corpus) {
    int n = b.length;
    switch (r.nextInt(8)) {
      case 0 -> { // flip 1-8 bits
        if (n == 0) {
          return b;
        }
        byte[] c = b.clone();
        for (int k = 1 + r.nextInt(8); k > 0; k--) {
          c[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
        }
        return c;
      }
      case 1 -> { // truncate
        return java.util.Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n));
      }
      case 2 -> { // insert random bytes
        byte[] ins = new byte[1 + r.nextInt(16)];
        r.nextBytes(ins);
        return insert(b, r.nextInt(n + 1), ins);
      }
      case 3 -> { // insert a byte sequence that means something to some format
        return insert(b, r.nextInt(n + 1), SIGNIFICANT[r.nextInt(SIGNIFICANT.length)]);
      }
      case 4 -> { // duplicate a slice
        if (n == 0) {
          return b;
        }
        int from = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - from, 256));
        return insert(b, r.nextInt(n + 1), java.util.Arrays.copyOfRange(b, from, from + len));
      }
      case 5 -> { // splice: a prefix of this input and a suffix of a corpus file
        byte[] other = corpus.get(r.nextInt(corpus.size()));
        int cut = r.nextInt(n + 1);
        int from = r.nextInt(other.length + 1);
        byte[] c = java.util.Arrays.copyOf(b, cut + other.length - from);
        System.arraycopy(other, from, c, cut, other.length - from);
        return c;
      }
      case 6 -> { // overwrite 8 bytes with a boundary 64-bit value (little-endian), e.g. a length
        if (n < 8) {
          return b;
        }
        byte[] c = b.clone();
        long v = LENGTHS[r.nextInt(LENGTHS.length)];
        int at = r.nextBoolean() ? 0 : r.nextInt(n - 7);
        for (int k = 0; k < 8; k++) {
          c[at + k] = (byte) (v >>> (8 * k));
        }
        return c;
      }
      default -> { // delete a slice
        if (n == 0) {
          return b;
        }
        int from = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - from, 64));
        byte[] c = new byte[n - len];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, from + len, c, from, n - from - len);
        return c;
      }
    }
  }

  private static byte[] insert(byte[] b, int at, byte[] ins) {
    byte[] c = new byte[b.length + ins.length];
    System.arraycopy(b, 0, c, 0, at);
    System.arraycopy(ins, 0, c, at, ins.length);
    System.arraycopy(b, at, c, at + ins.length, b.length - at);
    return c;
  }

  /**
   * Runs {@code reader} on {@code input} and fails unless it returns or throws one of {@code
   * declared} with a visible, non-empty message (see the class comment).
   */
  @SafeVarargs
  public static void check(
      Stats stats, byte[] input, Reader reader, Class<? extends Exception>... declared) {
    long[] allocated = new long[1];
    Future<Throwable> f =
        WORKER[0].submit(
            () -> {
              com.sun.management.ThreadMXBean mx =
                  (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
              long before = mx.getCurrentThreadAllocatedBytes();
              try {
                reader.read(input);
                return null;
              } catch (Throwable t) {
                return t;
              } finally {
                allocated[0] = mx.getCurrentThreadAllocatedBytes() - before;
              }
            });
    long start = System.nanoTime();
    Throwable thrown;
    try {
      thrown = f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      WORKER[0] = newWorker(); // the old worker may never return
      throw new AssertionError("no result after " + TIMEOUT_MS + " ms (a hang?): " + show(input));
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("fuzz worker failed: " + show(input), e);
    }
    long nanos = System.nanoTime() - start;
    stats.inputs++;
    stats.maxNanos = Math.max(stats.maxNanos, nanos);
    stats.maxAllocated = Math.max(stats.maxAllocated, allocated[0]);
    if (allocated[0] > MAX_ALLOCATED_BYTES) {
      fail(
          allocated[0]
              + " bytes allocated for a "
              + input.length
              + "-byte input, more than "
              + MAX_ALLOCATED_BYTES
              + ": "
              + show(input));
    }
    if (thrown == null) {
      return;
    }
    boolean isDeclared = false;
    for (Class<? extends Exception> c : declared) {
      isDeclared |= c.isInstance(thrown);
    }
    String msg = thrown.getMessage();
    if (!isDeclared) {
      throw new AssertionError("undeclared " + thrown + " for " + show(input), thrown);
    }
    if (msg == null || msg.isBlank()) {
      throw new AssertionError("error without a message for " + show(input), thrown);
    }
    for (int i = 0; i < msg.length(); i++) {
      if (Character.isISOControl(msg.charAt(i))) {
        throw new AssertionError(
            "message shows a raw control character U+"
                + String.format("%04X", (int) msg.charAt(i))
                + ": "
                + msg
                + " for "
                + show(input),
            thrown);
      }
    }
    stats.errors++;
  }

  /** The input in Base64, to paste into a regression test. */
  public static String show(byte[] input) {
    return input.length + " bytes, Base64 " + Base64.getEncoder().encodeToString(input);
  }
}
