package dev.rnn4j.spark;

import dev.rnn4j.io.AtomicFiles;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of a model directory (config.json, model.safetensors, vocabularies, ...) as bytes, to
 * ship to executors in one broadcast. Identified by the SHA-256 of the file names and contents, so
 * an executor JVM loads a given model once, whatever the number of tasks, partitions or jobs.
 * Training state files (trainer.json, optimizer.safetensors) are left out: translation does not
 * need them.
 */
final class ModelFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> TRAINING_ONLY =
      List.of("trainer.json", "optimizer.safetensors");

  private final String id;
  private final LinkedHashMap<String, byte[]> files;

  private ModelFiles(String id, LinkedHashMap<String, byte[]> files) {
    this.id = id;
    this.files = files;
  }

  /**
   * Reads the regular files of {@code given} (a directory written by ModelDirectory.save), all from
   * its current version even while a training run saves a new one.
   */
  static ModelFiles read(Path given) throws IOException {
    Path dir = AtomicFiles.resolveForReading(given);
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IOException(
          given
              + ": not a model directory (no config.json); pass a directory written by rnn4j"
              + " training, e.g. runs/g2p/best");
    }
    LinkedHashMap<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !TRAINING_ONLY.contains(name)) {
          files.put(name, Files.readAllBytes(p));
        }
      }
    }
    MessageDigest sha = sha256();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(e.getValue());
    }
    return new ModelFiles(HexFormat.of().formatHex(sha.digest()), files);
  }

  /** SHA-256 of names and contents (hex). */
  String id() {
    return id;
  }

  /** Total size of the files in bytes (what one broadcast ships). */
  long bytes() {
    long n = 0;
    for (byte[] b : files.values()) {
      n += b.length;
    }
    return n;
  }

  /** Writes the files into a new temporary directory (removed at JVM exit) and returns it. */
  Path materialize() {
    try {
      Path dir = Files.createTempDirectory("rnn4j-model-" + id.substring(0, 12) + "-");
      dir.toFile().deleteOnExit();
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path f = dir.resolve(e.getKey());
        Files.write(f, e.getValue());
        f.toFile().deleteOnExit();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write the broadcast model "
              + id
              + " to a temporary directory (java.io.tmpdir on this executor): "
              + e.getMessage(),
          e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }
}
