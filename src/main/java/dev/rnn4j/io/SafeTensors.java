package dev.rnn4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 *
 * <pre>
 *   [8 bytes]  N, unsigned little-endian 64-bit: the header length
 *   [N bytes]  UTF-8 JSON: {"__metadata__": {string: string},
 *                           NAME: {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, ...}
 *   [rest]     tensor data, little-endian, row-major; offsets are relative to the end of the header
 * </pre>
 *
 * <p><b>Writing</b> produces the same bytes as the reference implementation (safetensors 0.8.0,
 * checked against a file it wrote): tensors are laid out by dtype (I64, then F32, then I32) and
 * then by name, so every tensor is aligned to its element size; the header lists {@code
 * __metadata__} first (omitted when empty), then the tensors in that same order, and is padded with
 * spaces so the data starts at a multiple of 8. Files are replaced atomically ({@link
 * AtomicFiles}).
 *
 * <p><b>Reading</b> checks everything before trusting it: header length within the file and at most
 * 100 MB, valid UTF-8 JSON object, known dtypes with consistent shapes and byte sizes, and offsets
 * that cover the data exactly once (no gaps, overlaps or trailing bytes, as the format requires).
 * Any violation is a {@link FileFormatException} naming the file and the problem. Supported dtypes:
 * {@code F32}, {@code I32}, {@code I64}.
 *
 * <p>Thread-safety: stateless; all methods may be called from any thread.
 */
public final class SafeTensors {
  /** The header size limit of the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA = "__metadata__";
  private static final List<HostTensor.Dtype> REFERENCE_ORDER =
      List.of(HostTensor.Dtype.I64, HostTensor.Dtype.F32, HostTensor.Dtype.I32);
  private static final int CHUNK = 1 << 16;

  private SafeTensors() {}

  /**
   * The tensors and metadata of a file.
   *
   * @param tensors tensors by name, sorted by name
   * @param metadata the {@code __metadata__} entries, sorted by key (empty if absent)
   */
  public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
      metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** The tensor called {@code name}; throws listing the names present if there is none. */
    public HostTensor get(String name) {
      HostTensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException(
            "no tensor named \"" + name + "\"; present: " + tensors.keySet());
      }
      return t;
    }
  }

  // ---------------------------------------------------------------- writing

  /** Atomically writes {@code tensors} and {@code metadata} to {@code file}. */
  public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    Layout layout = layout(tensors, metadata);
    AtomicFiles.write(file, out -> writeTo(out, layout));
  }

  /**
   * Atomically writes a state dict ({@code Module.stateDict()}, or any named tensors) with the
   * metadata {@code format: pt} that Hugging Face's PyTorch checkpoints carry: {@code
   * safetensors.torch.load_file} reads it, and its result goes to {@code load_state_dict}. An rnn4j
   * model directory's {@code model.safetensors} is written this way.
   */
  public static void save(Path file, Map<String, HostTensor> stateDict) throws IOException {
    write(file, stateDict, Map.of("format", "pt"));
  }

  /**
   * The tensors of a file by name (sorted by name; the metadata is dropped), for {@code
   * Module.loadStateDict}: a file of {@link #save}, or of {@code safetensors.torch.save_file} with
   * F32, I32 or I64 tensors. Validated as {@link #read} says.
   */
  public static Map<String, HostTensor> load(Path file) throws IOException {
    return read(file).tensors();
  }

  /** The bytes of a safetensors file holding {@code tensors} and {@code metadata}. */
  public static byte[] toBytes(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    Layout layout = layout(tensors, metadata);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      writeTo(bytes, layout);
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return bytes.toByteArray();
  }

  /** Header bytes (padded) and tensors in data order. */
  private record Layout(byte[] header, List<HostTensor> order) {}

  private static Layout layout(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    List<String> names = new ArrayList<>(tensors.keySet());
    for (String name : names) {
      if (name == null || name.isEmpty() || name.equals(METADATA)) {
        throw new IllegalArgumentException(
            "invalid tensor name \"" + name + "\": names must be non-empty and not " + METADATA);
      }
      if (tensors.get(name) == null) {
        throw new IllegalArgumentException("tensor \"" + name + "\" is null");
      }
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("metadata keys and values must not be null: " + e);
      }
    }
    // The reference implementation's order: I64, then F32, then I32, each by name. Wider elements
    // come first, so every tensor is aligned to its element size.
    names.sort(
        Comparator.comparingInt((String n) -> REFERENCE_ORDER.indexOf(tensors.get(n).dtype()))
            .thenComparing(Comparator.naturalOrder()));
    Map<String, List<Long>> offsets = new LinkedHashMap<>();
    long pos = 0;
    List<HostTensor> order = new ArrayList<>();
    for (String name : names) {
      HostTensor t = tensors.get(name);
      offsets.put(name, List.of(pos, pos + t.byteSize()));
      pos += t.byteSize();
      order.add(t);
    }
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put(METADATA, new TreeMap<>(metadata));
    }
    for (Map.Entry<String, List<Long>> e : offsets.entrySet()) {
      HostTensor t = tensors.get(e.getKey());
      List<Long> shape = new ArrayList<>();
      for (int d : t.shape().dims()) {
        shape.add((long) d);
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", t.dtype().name());
      info.put("shape", shape);
      info.put("data_offsets", e.getValue());
      header.put(e.getKey(), info);
    }
    StringBuilder json = new StringBuilder(Json.write(header));
    int len = json.toString().getBytes(StandardCharsets.UTF_8).length;
    json.append(" ".repeat((8 - len % 8) % 8));
    return new Layout(json.toString().getBytes(StandardCharsets.UTF_8), order);
  }

  private static void writeTo(OutputStream out, Layout layout) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(layout.header().length);
    out.write(buf.array(), 0, 8);
    out.write(layout.header());
    for (HostTensor t : layout.order()) {
      int n = (int) t.shape().numel();
      int per = CHUNK / t.dtype().byteSize();
      for (int start = 0; start < n; start += per) {
        int count = Math.min(per, n - start);
        buf.clear();
        switch (t.dtype()) {
          case F32 -> buf.asFloatBuffer().put(t.floats(), start, count);
          case I32 -> buf.asIntBuffer().put(t.ints(), start, count);
          case I64 -> buf.asLongBuffer().put(t.longs(), start, count);
        }
        out.write(buf.array(), 0, count * t.dtype().byteSize());
      }
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads and validates a safetensors file.
   *
   * @throws FileFormatException if the file is truncated, corrupted or not a safetensors file
   * @throws IOException if it cannot be read
   */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(new ChannelSource(ch), file.toString());
    }
  }

  /**
   * Reads and validates safetensors bytes; {@code name} is used in error messages.
   *
   * @throws FileFormatException if the bytes are not a valid safetensors file
   */
  public static Contents fromBytes(byte[] bytes, String name) throws FileFormatException {
    try {
      return read(new ArraySource(bytes), name);
    } catch (FileFormatException e) {
      throw e;
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Positional reads from a file or an array. */
  private interface Source {
    long size() throws IOException;

    /** Fills {@code dst} from {@code position}; the caller has checked the range. */
    void read(long position, ByteBuffer dst) throws IOException;
  }

  private record ChannelSource(FileChannel ch) implements Source {
    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
      long p = position;
      while (dst.hasRemaining()) {
        int n = ch.read(dst, p);
        if (n < 0) {
          throw new IOException("file shrank while being read");
        }
        p += n;
      }
    }
  }

  private record ArraySource(byte[] bytes) implements Source {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void read(long position, ByteBuffer dst) {
      dst.put(bytes, (int) position, dst.remaining());
    }
  }

  /** One header entry after validation. */
  private record Info(String name, HostTensor.Dtype dtype, int[] shape, long begin, long end) {}

  private static Contents read(Source src, String file) throws IOException {
    long size = src.size();
    if (size < 8) {
      throw new FileFormatException(
          file,
          "only "
              + size
              + " bytes, too short for the 8-byte header length; not a safetensors file");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    src.read(0, lenBuf);
    long n = lenBuf.getLong(0);
    if (n < 2 || n > MAX_HEADER_BYTES) {
      throw new FileFormatException(
          file,
          "header length "
              + Long.toUnsignedString(n)
              + " is outside [2, "
              + MAX_HEADER_BYTES
              + "]; not a safetensors file, or corrupted");
    }
    if (8 + n > size) {
      throw new FileFormatException(
          file,
          "header length "
              + n
              + " runs past the end of the file ("
              + size
              + " bytes); the file is truncated or not a safetensors file");
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
    src.read(8, headerBuf);
    headerBuf.flip();
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(headerBuf)
              .toString();
    } catch (CharacterCodingException e) {
      throw new FileFormatException(file, "header is not valid UTF-8; corrupted file", e);
    }
    if (!text.startsWith("{")) {
      throw new FileFormatException(
          file, "header does not start with '{'; not a safetensors file, or corrupted");
    }
    Map<String, Object> header;
    try {
      header = Json.parseObject(text);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, "header is not valid JSON: " + e.getMessage(), e);
    }
    long dataLen = size - 8 - n;
    Map<String, String> metadata = new TreeMap<>();
    List<Info> infos = new ArrayList<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      if (e.getKey().equals(METADATA)) {
        metadata = metadata(file, e.getValue());
      } else {
        infos.add(info(file, e.getKey(), e.getValue()));
      }
    }
    checkCoverage(file, infos, dataLen);
    Map<String, HostTensor> tensors = new TreeMap<>();
    long base = 8 + n;
    for (Info info : infos) {
      tensors.put(info.name(), load(src, base, info));
    }
    return new Contents(tensors, metadata);
  }

  private static Map<String, String> metadata(String file, Object value)
      throws FileFormatException {
    if (!(value instanceof Map<?, ?> m)) {
      throw new FileFormatException(
          file, METADATA + " is " + Json.typeName(value) + ", expected an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new FileFormatException(
            file,
            METADATA
                + " entry "
                + Visible.quote((String) e.getKey())
                + " is "
                + Json.typeName(e.getValue())
                + ", expected a string");
      }
      out.put((String) e.getKey(), s);
    }
    return out;
  }

  private static Info info(String file, String name, Object value) throws FileFormatException {
    String where = "tensor " + Visible.quote(name) + ": ";
    if (!(value instanceof Map<?, ?> raw)) {
      throw new FileFormatException(
          file, where + "entry is " + Json.typeName(value) + ", expected an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    String dtypeName;
    List<Object> shapeList;
    List<Object> offsets;
    try {
      dtypeName = Json.getString(m, "dtype");
      shapeList = Json.getArray(m, "shape");
      offsets = Json.getArray(m, "data_offsets");
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, where + e.getMessage());
    }
    HostTensor.Dtype dtype;
    try {
      dtype = HostTensor.Dtype.valueOf(dtypeName);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(
          file,
          where
              + "dtype "
              + Visible.quote(dtypeName)
              + " is not supported (supported: F32, I32, I64); convert the tensor when saving");
    }
    int[] shape = new int[shapeList.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw new FileFormatException(
            file, where + "shape " + Json.write(shapeList) + " must hold integers in [0, 2^31)");
      }
      shape[i] = d.intValue();
      numel = numel == 0 || d == 0 ? 0 : mulOrMax(numel, d);
    }
    if (offsets.size() != 2
        || !(offsets.get(0) instanceof Long begin)
        || !(offsets.get(1) instanceof Long end)
        || begin < 0
        || end < begin) {
      throw new FileFormatException(
          file,
          where
              + "data_offsets "
              + Json.write(offsets)
              + " must be two integers [begin, end], 0 <= begin <= end");
    }
    if (numel > Integer.MAX_VALUE) {
      throw new FileFormatException(
          file,
          where + "shape " + Json.write(shapeList) + " has too many elements for a Java array");
    }
    long expected = numel * dtype.byteSize();
    if (end - begin != expected) {
      throw new FileFormatException(
          file,
          where
              + "data_offsets "
              + Json.write(offsets)
              + " span "
              + (end - begin)
              + " bytes, but "
              + dtype
              + " "
              + Json.write(shapeList)
              + " needs "
              + expected);
    }
    return new Info(name, dtype, shape, begin, end);
  }

  private static long mulOrMax(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  /** The tensors must tile [0, dataLen) exactly: no gaps, overlaps or uncovered bytes. */
  private static void checkCoverage(String file, List<Info> infos, long dataLen)
      throws FileFormatException {
    for (Info info : infos) {
      if (info.end() > dataLen) {
        throw new FileFormatException(
            file,
            "tensor \""
                + info.name()
                + "\" ends at data byte "
                + info.end()
                + " but the file holds only "
                + dataLen
                + " data bytes; the file is truncated");
      }
    }
    List<Info> sorted = new ArrayList<>(infos);
    sorted.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
    long pos = 0;
    String prev = null;
    for (Info info : sorted) {
      if (info.begin() < pos) {
        throw new FileFormatException(
            file, "tensors \"" + prev + "\" and \"" + info.name() + "\" overlap; corrupted header");
      }
      if (info.begin() > pos) {
        throw new FileFormatException(
            file,
            "data bytes ["
                + pos
                + ", "
                + info.begin()
                + ") belong to no tensor (gap before \""
                + info.name()
                + "\"); corrupted header");
      }
      pos = info.end();
      prev = info.name();
    }
    if (pos != dataLen) {
      throw new FileFormatException(
          file,
          (dataLen - pos)
              + " bytes after the last tensor belong to no tensor; corrupted or not written by a"
              + " safetensors writer");
    }
  }

  private static HostTensor load(Source src, long base, Info info) throws IOException {
    int n = (int) ((info.end() - info.begin()) / info.dtype().byteSize());
    int per = CHUNK / info.dtype().byteSize();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    Object data =
        switch (info.dtype()) {
          case F32 -> new float[n];
          case I32 -> new int[n];
          case I64 -> new long[n];
        };
    for (int start = 0; start < n; start += per) {
      int count = Math.min(per, n - start);
      buf.clear().limit(count * info.dtype().byteSize());
      src.read(base + info.begin() + (long) start * info.dtype().byteSize(), buf);
      buf.flip();
      switch (info.dtype()) {
        case F32 -> buf.asFloatBuffer().get((float[]) data, start, count);
        case I32 -> buf.asIntBuffer().get((int[]) data, start, count);
        case I64 -> buf.asLongBuffer().get((long[]) data, start, count);
      }
    }
    return switch (info.dtype()) {
      case F32 -> HostTensor.ofFloats((float[]) data, info.shape());
      case I32 -> HostTensor.ofInts((int[]) data, info.shape());
      case I64 -> HostTensor.ofLongs((long[]) data, info.shape());
    };
  }
}
