package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void createsAndReplacesAFile() throws IOException {
    Path f = dir.resolve("config.json");
    AtomicFiles.writeString(f, "one");
    assertEquals("one", Files.readString(f));
    AtomicFiles.writeString(f, "two, longer");
    assertEquals("two, longer", Files.readString(f));
    assertEquals(List.of("config.json"), names());
  }

  @Test
  void aWriterThatFailsMidwayLeavesTheOldFileIntact() throws IOException {
    Path f = dir.resolve("model.safetensors");
    AtomicFiles.writeString(f, "previous checkpoint");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    f,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      out.flush();
                      throw new IOException("disk full (simulated)");
                    }));
    assertEquals("disk full (simulated)", e.getMessage());
    assertEquals("previous checkpoint", Files.readString(f));
    assertEquals(List.of("model.safetensors"), names(), "temporary file left behind");

    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.write(
                f,
                out -> {
                  out.write(1);
                  throw new IllegalStateException("bug in the writer");
                }));
    assertEquals("previous checkpoint", Files.readString(f));
    assertEquals(List.of("model.safetensors"), names());
  }

  @Test
  void aMissingParentDirectoryIsExplained() {
    Path f = dir.resolve("no/such/dir/file.txt");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(f, "x"));
    assertTrue(e.getMessage().contains("does not exist; create it first"), e.getMessage());
  }

  @Test
  void createsAndReplacesADirectory() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    AtomicFiles.writeDirectory(
        ckpt,
        d -> {
          Files.writeString(d.resolve("model.safetensors"), "m1");
          Files.writeString(d.resolve("stale.txt"), "only in v1");
          Files.createDirectory(d.resolve("sub"));
          Files.writeString(d.resolve("sub/x"), "x1");
        });
    assertEquals("m1", Files.readString(ckpt.resolve("model.safetensors")));
    assertEquals("x1", Files.readString(ckpt.resolve("sub/x")));

    AtomicFiles.writeDirectory(ckpt, d -> Files.writeString(d.resolve("model.safetensors"), "m2"));
    assertEquals("m2", Files.readString(ckpt.resolve("model.safetensors")));
    assertFalse(Files.exists(ckpt.resolve("stale.txt")), "old files must not survive a swap");
    assertFalse(Files.exists(ckpt.resolve("sub")));
    assertEquals(List.of("ckpt"), names(), "old or temporary directories left behind");
  }

  @Test
  void aFailedDirectoryWriteLeavesThePreviousOneIntact() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    AtomicFiles.writeDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "v1"));
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.writeDirectory(
                ckpt,
                d -> {
                  Files.writeString(d.resolve("a"), "v2");
                  throw new IOException("crash while saving (simulated)");
                }));
    assertEquals("v1", Files.readString(ckpt.resolve("a")));
    assertEquals(List.of("ckpt"), names());
  }

  @Test
  void recoversFromACrashBetweenTheTwoRenames() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    // State after "target -> old" but before "temp -> target": no target, a complete old version,
    // and a temporary directory of unknown completeness.
    Path old = dir.resolve(AtomicFiles.oldName("ckpt") + "1f");
    Files.createDirectory(old);
    Files.writeString(old.resolve("a"), "v1");
    Path tmp = dir.resolve(".ckpt.tmp-123");
    Files.createDirectory(tmp);
    Files.writeString(tmp.resolve("a"), "v2?");
    Files.writeString(dir.resolve("unrelated.txt"), "keep me");

    assertTrue(AtomicFiles.recoverDirectory(ckpt));
    assertEquals("v1", Files.readString(ckpt.resolve("a")));
    assertEquals(List.of("ckpt", "unrelated.txt"), names());
    assertFalse(AtomicFiles.recoverDirectory(ckpt), "nothing left to recover");
  }

  @Test
  void writeDirectoryRecoversFirstAndCleansUp() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    Path old = dir.resolve(AtomicFiles.oldName("ckpt") + "2a");
    Files.createDirectory(old);
    Files.writeString(old.resolve("a"), "v1");
    AtomicFiles.writeDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "v2"));
    assertEquals("v2", Files.readString(ckpt.resolve("a")));
    assertEquals(List.of("ckpt"), names());
  }

  @Test
  void refusesToReplaceAFileWithADirectory() throws IOException {
    Path f = dir.resolve("ckpt");
    Files.writeString(f, "a file");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(f, d -> {}));
    assertTrue(e.getMessage().contains("it is a file"), e.getMessage());
    assertEquals("a file", Files.readString(f));
  }

  /** Temporary files must not carry createTempFile's owner-only permissions into the result. */
  @Test
  void resultsGetTheUsualPermissions() throws IOException {
    Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "not a POSIX file system");
    Path plain = Files.createFile(dir.resolve("plain"));
    Path plainDir = Files.createDirectory(dir.resolve("plainDir"));
    Path f = dir.resolve("f");
    AtomicFiles.writeString(f, "x");
    Path d = dir.resolve("d");
    AtomicFiles.writeDirectory(d, x -> {});
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(d));
  }

  @Test
  void namesWithGlobCharactersAreHandled() throws IOException {
    Path ckpt = dir.resolve("run[1]{a,b}*");
    AtomicFiles.writeDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "v1"));
    AtomicFiles.writeDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "v2"));
    assertEquals("v2", Files.readString(ckpt.resolve("a")));
    assertEquals(List.of("run[1]{a,b}*"), names());
  }
}
