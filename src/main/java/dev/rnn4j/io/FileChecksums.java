package dev.rnn4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SHA-256 checksums of the files of a directory, kept as a JSON object {@code {"name": "hex", ...}}
 * in the directory's own description file (which is not itself listed), so that a file replaced
 * after the save is refused by name instead of being used. Stateless and thread-safe.
 */
public final class FileChecksums {
  private static final int BUFFER = 1 << 16;

  private FileChecksums() {}

  /**
   * The checksum of every regular file directly in {@code dir}, by name in sorted order, except
   * {@code exclude} (the file that will hold them).
   */
  public static Map<String, Object> of(Path dir, String exclude) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().equals(exclude)) {
          files.add(p);
        }
      }
    }
    files.sort(null);
    Map<String, Object> sums = new LinkedHashMap<>();
    for (Path p : files) {
      sums.put(p.getFileName().toString(), sha256(p));
    }
    return sums;
  }

  /**
   * Checks the files of {@code dir} against {@code recorded} (what {@link #of} gave when it was
   * saved, as parsed from JSON). Null means the directory predates checksums: nothing to check.
   * Files not listed are not checked.
   *
   * @param shown the directory as the user named it, for messages
   * @param description the file {@code recorded} comes from, for messages
   * @throws FileFormatException naming the file that is missing or differs, or the description when
   *     {@code recorded} is malformed
   */
  public static void verify(Path shown, Path dir, String description, Object recorded)
      throws IOException {
    if (recorded == null) {
      return;
    }
    if (!(recorded instanceof Map<?, ?> sums)) {
      throw new FileFormatException(
          shown.resolve(description).toString(),
          "checksums must be an object of file name to SHA-256, got " + recorded);
    }
    for (Map.Entry<?, ?> e : sums.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof String expected)
          || name.contains("/")
          || name.contains("\\")
          || name.startsWith(".")) {
        throw new FileFormatException(
            shown.resolve(description).toString(),
            "checksum entry '" + name + "' is not a file name with a SHA-256 string");
      }
      String actual;
      try {
        actual = sha256(dir.resolve(name));
      } catch (NoSuchFileException missing) {
        throw new FileFormatException(
            shown.resolve(name).toString(),
            "missing, though " + description + " lists it; the directory is incomplete");
      }
      if (!actual.equalsIgnoreCase(expected)) {
        throw new FileFormatException(
            shown.resolve(name).toString(),
            "does not belong to this model: its SHA-256 is "
                + actual
                + " but "
                + description
                + " records "
                + expected
                + "; it was replaced or changed after the model was saved. Put back the file"
                + " saved with the model, or train again");
      }
    }
  }

  /** The SHA-256 of a file's bytes, in lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buf = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
