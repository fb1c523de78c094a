package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnn4j.Rand;
import dev.rnn4j.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer is checked against a file built byte by byte from the format description and against a
 * file written by the reference implementation (see {@link #REFERENCE}); the reader against both, a
 * file laid out the other way round, and every kind of damage: each must raise a
 * FileFormatException naming the file, never another exception.
 */
class SafeTensorsTest {
  @TempDir Path dir;

  private static Map<String, HostTensor> small() {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("b", HostTensor.ofInts(new int[] {1, -2}, 2));
    t.put("a", HostTensor.ofFloats(new float[] {1.0f, -2.5f}, 2, 1));
    t.put("c", HostTensor.ofLongs(new long[] {5L}, 1));
    return t;
  }

  /** A safetensors file assembled by hand: length, space-padded header, data. */
  private static byte[] assemble(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(h.length).put(h).put(data);
    return buf.array();
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  // Data order: I64, then F32, then I32; the header lists the tensors in data order.
  private static final String SMALL_HEADER =
      "{\"__metadata__\":{\"format\":\"pt\"},"
          + "\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
          + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[8,16]},"
          + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[16,24]}}";

  // c = 5L; a = 1.0f (0x3F800000), -2.5f (0xC0200000); b = 1, -2 — all little-endian.
  private static final byte[] SMALL_DATA =
      bytes(
          5, 0, 0, 0, 0, 0, 0, 0, //
          0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0, //
          1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF);

  @Test
  void writerMatchesHandBuiltBytes() {
    int len = SMALL_HEADER.length();
    String padded = SMALL_HEADER + " ".repeat((8 - len % 8) % 8);
    byte[] expected = assemble(padded, SMALL_DATA);
    byte[] actual = SafeTensors.toBytes(small(), Map.of("format", "pt"));
    assertEquals(
        new String(expected, StandardCharsets.ISO_8859_1),
        new String(actual, StandardCharsets.ISO_8859_1));
    assertArrayEquals(expected, actual);
    assertEquals(0, (actual.length - SMALL_DATA.length) % 8, "data must start 8-byte aligned");
  }

  @Test
  void readerReadsHandBuiltBytes() throws IOException {
    SafeTensors.Contents c =
        SafeTensors.fromBytes(assemble(SMALL_HEADER + "   ", SMALL_DATA), "hand.safetensors");
    assertEquals(List.of("a", "b", "c"), List.copyOf(c.tensors().keySet()));
    assertEquals(Map.of("format", "pt"), c.metadata());
    assertArrayEquals(new float[] {1.0f, -2.5f}, c.get("a").floats());
    assertEquals(Shape.of(2, 1), c.get("a").shape());
    assertArrayEquals(new int[] {1, -2}, c.get("b").ints());
    assertArrayEquals(new long[] {5L}, c.get("c").longs());
  }

  /**
   * Written by safetensors 0.8.0 (Python, numpy 2.4.6):
   *
   * <pre>
   * save_file({"encoder.weight": np.array([[1.0, -2.5, 3.25], [0.0, -0.0, 1e-30]], np.float32),
   *            "ids": np.array([1, -2, 2**31 - 1, -2**31], np.int32),
   *            "step": np.array([5, -(2**62)], np.int64),
   *            "bias": np.array([0.5], np.float32),
   *            "scalar": np.array(7.0, np.float32),
   *            "empty": np.zeros((0, 2), np.float32)},
   *           "reference-0.8.0.safetensors", metadata={"format": "np"})
   * </pre>
   */
  private static final String REFERENCE = "/dev/rnn4j/io/reference-0.8.0.safetensors";

  private static Map<String, HostTensor> referenceTensors() {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put(
        "encoder.weight",
        HostTensor.ofFloats(new float[] {1f, -2.5f, 3.25f, 0f, -0f, 1e-30f}, 2, 3));
    t.put("ids", HostTensor.ofInts(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, 4));
    t.put("step", HostTensor.ofLongs(new long[] {5, -(1L << 62)}, 2));
    t.put("bias", HostTensor.ofFloats(new float[] {0.5f}, 1));
    t.put("scalar", HostTensor.ofFloats(new float[] {7f}));
    t.put("empty", HostTensor.ofFloats(new float[0], 0, 2));
    return t;
  }

  @Test
  void writesExactlyWhatTheReferenceImplementationWrites() throws IOException {
    byte[] reference;
    try (InputStream in = SafeTensorsTest.class.getResourceAsStream(REFERENCE)) {
      reference = in.readAllBytes();
    }
    byte[] ours = SafeTensors.toBytes(referenceTensors(), Map.of("format", "np"));
    assertEquals(
        new String(reference, StandardCharsets.ISO_8859_1),
        new String(ours, StandardCharsets.ISO_8859_1));

    SafeTensors.Contents c = SafeTensors.fromBytes(reference, REFERENCE);
    assertEquals(Map.of("format", "np"), c.metadata());
    for (Map.Entry<String, HostTensor> e : referenceTensors().entrySet()) {
      HostTensor got = c.get(e.getKey());
      assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
      assertEquals(e.getValue().shape(), got.shape(), e.getKey());
    }
    assertArrayEquals(
        new float[] {1f, -2.5f, 3.25f, 0f, -0f, 1e-30f}, c.get("encoder.weight").floats());
    assertEquals(
        Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(c.get("encoder.weight").floats()[4]));
    assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, c.get("ids").ints());
    assertArrayEquals(new long[] {5, -(1L << 62)}, c.get("step").longs());
    assertArrayEquals(new float[] {7f}, c.get("scalar").floats());
  }

  @Test
  void readerAcceptsOtherKeyOrderSpacingAndDataOrder() throws IOException {
    // Data order b, a; keys in another order; whitespace inside the JSON; no metadata.
    String header =
        "{ \"b\" : {\"shape\": [2], \"dtype\": \"I32\", \"data_offsets\": [0, 8]},\n"
            + "  \"a\": {\"data_offsets\": [8, 16], \"dtype\": \"F32\", \"shape\": [2]} }";
    byte[] data = bytes(1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0);
    SafeTensors.Contents c = SafeTensors.fromBytes(assemble(header, data), "other");
    assertArrayEquals(new int[] {1, -2}, c.get("b").ints());
    assertArrayEquals(new float[] {1.0f, -2.5f}, c.get("a").floats());
    assertEquals(Map.of(), c.metadata());
  }

  @Test
  void roundTripsThroughAFileBitForBit() throws IOException {
    Map<String, HostTensor> t = new TreeMap<>();
    float[] big = Rand.uniform(11, 7 * 10_001, 3f); // crosses the 64 KiB chunk size
    big[0] = Float.NaN;
    big[1] = -0.0f;
    big[2] = Float.intBitsToFloat(0x7FC00123); // NaN with a payload
    big[3] = Float.MIN_VALUE;
    t.put("encoder.weight_ih_l0", HostTensor.ofFloats(big, 7, 10_001, 1));
    t.put("empty", HostTensor.ofFloats(new float[0], 0, 3));
    t.put("scalar", HostTensor.ofFloats(new float[] {42f}));
    long[] longs = new SplittableRandom(3).longs(9000).toArray();
    t.put("step", HostTensor.ofLongs(longs, 9000));
    int[] ints = new SplittableRandom(4).ints(17_000).toArray();
    t.put("ids", HostTensor.ofInts(ints, 17, 1000));
    Map<String, String> meta = Map.of("config", "{\"hidden\":256}", "ünïcode", "✓");
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, t, meta);

    SafeTensors.Contents c = SafeTensors.read(file);
    assertEquals(meta, c.metadata());
    assertEquals(t.keySet(), c.tensors().keySet());
    float[] back = c.get("encoder.weight_ih_l0").floats();
    for (int i = 0; i < big.length; i++) {
      if (Float.floatToRawIntBits(big[i]) != Float.floatToRawIntBits(back[i])) {
        fail("float " + i + ": wrote " + big[i] + ", read " + back[i]);
      }
    }
    assertEquals(Shape.of(7, 10_001, 1), c.get("encoder.weight_ih_l0").shape());
    assertEquals(Shape.of(0, 3), c.get("empty").shape());
    assertEquals(Shape.of(), c.get("scalar").shape());
    assertArrayEquals(new float[] {42f}, c.get("scalar").floats());
    assertArrayEquals(longs, c.get("step").longs());
    assertArrayEquals(ints, c.get("ids").ints());
    long n = headerLength(Files.readAllBytes(file));
    assertEquals(0, n % 8, "header length " + n + " is not a multiple of 8");
  }

  @Test
  void headerIsPaddedForEveryNameLength() throws IOException {
    for (int len = 1; len <= 16; len++) {
      byte[] b =
          SafeTensors.toBytes(
              Map.of("x".repeat(len), HostTensor.ofFloats(new float[] {1f}, 1)), Map.of());
      assertEquals(0, headerLength(b) % 8, "name length " + len);
      assertEquals(1f, SafeTensors.fromBytes(b, "t").get("x".repeat(len)).floats()[0]);
    }
  }

  @Test
  void writerRejectsBadInput() {
    HostTensor one = HostTensor.ofFloats(new float[] {1f}, 1);
    assertThrows(
        IllegalArgumentException.class, () -> SafeTensors.toBytes(Map.of("", one), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SafeTensors.toBytes(Map.of("__metadata__", one), Map.of()));
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> HostTensor.ofFloats(new float[3], 2, 2));
    assertTrue(shape.getMessage().contains("holds 4 elements but the data array has 3"));
    IllegalStateException type = assertThrows(IllegalStateException.class, () -> one.ints());
    assertTrue(type.getMessage().contains("use floats()"), type.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SafeTensors.Contents(Map.of("w", one), Map.of()).get("v"));
    assertTrue(missing.getMessage().contains("present: [w]"), missing.getMessage());
  }

  // ---------------------------------------------------------------- damaged files

  private static void assertRejected(byte[] file, String expectedPart) {
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> SafeTensors.fromBytes(file, "bad.st"));
    assertTrue(e.getMessage().startsWith("bad.st: "), e.getMessage());
    assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
  }

  private static byte[] withHeader(String header, int dataBytes) {
    return assemble(header, new byte[dataBytes]);
  }

  /** Fuzz finding: escaped control characters in header strings were printed raw. */
  @Test
  void headerStringsInMessagesShowControlCharacters() {
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F3\\u00002\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "tensor \"w\": dtype \"F3\\u00002\" is not supported");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"\\r\"],\"data_offsets\":[0,4]}}", 4),
        "shape [\"\\r\"] must hold integers");
    assertRejected(
        withHeader("{\"__metadata__\":{\"k\\t\":1}}", 0),
        "__metadata__ entry \"k\\t\" is an integer");
  }

  @Test
  void rejectsShortFilesAndBadHeaderLengths() {
    assertRejected(new byte[0], "too short");
    assertRejected(bytes(1, 2, 3), "too short");
    byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
    assertRejected(huge, "outside [2, 100000000]");
    byte[] negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array();
    assertRejected(negative, "18446744073709551608");
    byte[] past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
    assertRejected(past, "runs past the end of the file");
    // A foreign file: PNG signature read as a length.
    assertRejected(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0), "outside");
  }

  @Test
  void rejectsHeadersThatAreNotUtf8JsonObjects() {
    assertRejected(assemble("{\"a\":\u00ff}", new byte[0]), "invalid JSON");
    byte[] latin1 = assemble("{\"a\":1}", new byte[0]);
    latin1[10] = (byte) 0xFF;
    assertRejected(latin1, "not valid UTF-8");
    assertRejected(withHeader("[1, 2]", 0), "does not start with '{'");
    assertRejected(withHeader("{\"a\":", 0), "not valid JSON");
    assertRejected(withHeader("{\"a\": 1}", 0), "expected an object");
    assertRejected(withHeader("{\"__metadata__\": {\"k\": 1}}", 0), "expected a string");
    assertRejected(withHeader("{\"__metadata__\": []}", 0), "expected an object of strings");
  }

  @Test
  void rejectsBadTensorEntries() {
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
        "dtype \"F16\" is not supported");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"QQ\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
        "dtype \"QQ\"");
    assertRejected(
        withHeader("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "missing key \"dtype\"");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
        "shape [-2]");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8),
        "must hold integers");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8),
        "expected an array");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8),
        "two integers");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8),
        "0 <= begin <= end");
    // Wrong element size: I64 [2] needs 16 bytes, the offsets span 8.
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
        "span 8 bytes, but I64 [2] needs 16");
    assertRejected(
        withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 8),
        "too many elements");
  }

  @Test
  void rejectsOffsetsThatDoNotTileTheData() throws IOException {
    String two =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%d,%d]}}";
    assertRejected(withHeader(String.format(two, 0, 8, 4, 8), 8), "overlap");
    assertRejected(withHeader(String.format(two, 0, 8, 0, 4), 8), "overlap");
    assertRejected(withHeader(String.format(two, 0, 8, 12, 16), 16), "gap before \"b\"");
    // Data order need not follow key order: b [0, 4) then a [4, 12) tiles the data.
    assertEquals(
        2,
        SafeTensors.fromBytes(withHeader(String.format(two, 4, 12, 0, 4), 12), "ok")
            .tensors()
            .size());
    assertRejected(withHeader(String.format(two, 0, 8, 8, 12), 20), "8 bytes after the last");
    assertRejected(withHeader(String.format(two, 0, 8, 8, 12), 10), "truncated");
    assertRejected(withHeader("{}", 4), "4 bytes after the last tensor");
  }

  @Test
  void rejectsATruncatedFileAtEveryLength() throws IOException {
    byte[] good = SafeTensors.toBytes(small(), Map.of("format", "pt"));
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      FileFormatException e =
          assertThrows(
              FileFormatException.class, () -> SafeTensors.fromBytes(cut, "cut.st"), "len " + len);
      assertTrue(e.getMessage().startsWith("cut.st: "), e.getMessage());
    }
    Path file = dir.resolve("cut.safetensors");
    Files.write(file, Arrays.copyOf(good, good.length - 3));
    FileFormatException e = assertThrows(FileFormatException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  /** Random damage never escapes as anything but a FileFormatException (or a valid read). */
  @Test
  void randomCorruptionOnlyEverGivesFileFormatException() {
    byte[] good = SafeTensors.toBytes(small(), Map.of("format", "pt"));
    SplittableRandom rng = new SplittableRandom(2024);
    int rejected = 0;
    for (int trial = 0; trial < 3000; trial++) {
      byte[] bad = good.clone();
      int flips = 1 + rng.nextInt(4);
      for (int k = 0; k < flips; k++) {
        // Mostly the length and header, where the structure lives.
        int at =
            rng.nextInt(10) < 8
                ? rng.nextInt(good.length - SMALL_DATA.length)
                : rng.nextInt(good.length);
        bad[at] = (byte) rng.nextInt(256);
      }
      try {
        SafeTensors.fromBytes(bad, "fuzz");
      } catch (FileFormatException e) {
        rejected++;
        assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
      } catch (RuntimeException e) {
        throw new AssertionError("trial " + trial + " threw " + e, e);
      }
    }
    assertTrue(rejected > 1000, "only " + rejected + " of 3000 corruptions were detected");
  }

  @Test
  void failedWriteLeavesTheOldFileAndNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, small(), Map.of());
    byte[] before = Files.readAllBytes(file);
    HostTensor bad = HostTensor.ofFloats(new float[] {1f}, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> SafeTensors.write(file, Map.of("__metadata__", bad), Map.of()));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  private static long headerLength(byte[] file) {
    return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  @Test
  void assembleHelperWritesLengthLittleEndian() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(assemble("{}", new byte[0]));
    assertArrayEquals(bytes(2, 0, 0, 0, 0, 0, 0, 0, '{', '}'), out.toByteArray());
  }
}
