package dev.rnn4j.io;

import dev.rnn4j.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated safetensors files: {@link SafeTensors#fromBytes} returns or throws {@link
 * FileFormatException} with a message; never another exception, a hang or memory beyond {@link
 * Fuzz#MAX_ALLOCATED_BYTES}, whatever the header claims.
 */
class SafeTensorsFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("safetensors");
  private static final Fuzz.Stats HEADER_STATS = new Fuzz.Stats("safetensors-header");

  @Test
  void readerReturnsOrReportsTheProblem() {
    Fuzz.forAll(4021L, 10_000, Fuzz.inputs("safetensors"), this::readerReturnsOrReportsTheProblem);
  }

  void readerReturnsOrReportsTheProblem(byte[] file) {
    Fuzz.check(
        STATS, file, b -> SafeTensors.fromBytes(b, "fuzz.safetensors"), FileFormatException.class);
  }

  /**
   * Header-aware inputs: the JSON header of a corpus file is mutated and the 8-byte length is
   * rewritten to match, so most inputs reach the dtype, shape and offset checks instead of failing
   * at the length.
   */
  Fuzz.Source headerMutations() {
    List<byte[]> files = Fuzz.corpus("safetensors");
    List<byte[]> headers = new ArrayList<>();
    for (byte[] f : files) {
      headers.add(Arrays.copyOfRange(f, 8, 8 + (int) le64(f)));
    }
    return r -> {
      byte[] file = files.get(r.nextInt(files.size()));
      byte[] header = Fuzz.next(r, headers);
      int dataStart = 8 + (int) le64(file);
      int dataLen = file.length - dataStart;
      // Sometimes drop or add data bytes, so offsets meet a file of another size.
      int keep = r.nextInt(4) == 0 ? r.nextInt(dataLen + 9) : dataLen;
      ByteBuffer out = ByteBuffer.allocate(8 + header.length + keep).order(ByteOrder.LITTLE_ENDIAN);
      out.putLong(header.length).put(header);
      out.put(file, dataStart, Math.min(keep, dataLen));
      return out.array();
    };
  }

  @Test
  void readerChecksEveryHeaderField() {
    Fuzz.forAll(4028L, 10_000, headerMutations(), this::readerChecksEveryHeaderField);
  }

  void readerChecksEveryHeaderField(byte[] file) {
    Fuzz.check(
        HEADER_STATS,
        file,
        b -> SafeTensors.fromBytes(b, "fuzz.safetensors"),
        FileFormatException.class);
  }

  private static long le64(byte[] b) {
    return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
    System.out.println(HEADER_STATS.summary());
  }
}
