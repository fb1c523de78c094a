package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reader finds if the writer of a directory dies at any step of a save: the test copies the
 * parent directory exactly as it is at each {@link AtomicFiles.Step} (links as links), which is
 * what a {@code kill -9} at that moment leaves, and reads the copy as a reader would.
 */
class AtomicDirectoryCrashTest {
  @TempDir Path dir;
  @TempDir Path snapshots;
  private final List<Path> taken = new ArrayList<>();
  private int snapshotCount;

  @BeforeEach
  void snapshotAtEveryStep() {
    AtomicFiles.setStepHook(
        (step, target) -> {
          Path copy = snapshots.resolve(snapshotCount++ + "-" + step);
          copyTree(dir, copy);
          taken.add(copy);
        });
  }

  @AfterEach
  void removeHook() {
    AtomicFiles.setStepHook(null);
  }

  /** Writes version {@code v}: files a and b hold "a{v}" and "b{v}"; odd versions also have c. */
  private void save(Path ckpt, int v, boolean linked) throws IOException {
    AtomicFiles.writeDirectory(
        ckpt,
        d -> {
          Files.writeString(d.resolve("a"), "a" + v);
          Files.writeString(d.resolve("b"), "b" + v);
          if (v % 2 == 1) {
            Files.writeString(d.resolve("c"), "c" + v);
          }
        },
        linked);
  }

  /**
   * Reads a checkpoint in a snapshot the way a reader does: by the path it was given (every file
   * must be there and complete) and through resolveForReading (all files of one version).
   */
  private static int readConsistently(Path ckpt, String where) throws IOException {
    return readConsistently(ckpt, where, true);
  }

  private static int readConsistently(Path ckpt, String where, boolean byPath) throws IOException {
    if (byPath) {
      assertTrue(Files.isReadable(ckpt.resolve("a")), where + ": " + ckpt + "/a is missing");
      assertTrue(Files.isReadable(ckpt.resolve("b")), where + ": " + ckpt + "/b is missing");
    }
    Path version = AtomicFiles.resolveForReading(ckpt);
    String a = Files.readString(version.resolve("a"));
    String b = Files.readString(version.resolve("b"));
    int v = Integer.parseInt(a.substring(1));
    assertEquals("b" + v, b, where + ": a and b from different versions");
    Path c = version.resolve("c");
    assertEquals(v % 2 == 1, Files.exists(c), where + ": c present in version " + v);
    return v;
  }

  private void crashAtEveryStep(boolean linked) throws IOException {
    Path ckpt = dir.resolve("best");
    save(ckpt, 1, linked);
    int versions = 6;
    for (int v = 2; v <= versions; v++) {
      taken.clear();
      save(ckpt, v, linked);
      assertEquals(3, taken.size(), "a save passes three steps");
      for (Path snap : taken) {
        // The plain layout has a moment without the target: only resolveForReading finds it.
        int seen = readConsistently(snap.resolve("best"), snap.getFileName().toString(), linked);
        assertTrue(seen == v - 1 || seen == v, snap + ": version " + seen + " while saving " + v);
        // The next save in that state (after the crash) must recover and succeed.
        AtomicFiles.setStepHook(null);
        save(snap.resolve("best"), 100 + v, linked);
        assertEquals(100 + v, readConsistently(snap.resolve("best"), snap + " after recovery"));
        assertEquals(List.of("best"), names(snap), "leftovers after the next save");
        snapshotAtEveryStep();
      }
      assertEquals(v, readConsistently(ckpt, "after save " + v));
    }
  }

  @Test
  void aReaderFindsACompleteVersionAtEveryStepOfALinkedSave() throws IOException {
    crashAtEveryStep(true);
    Path ckpt = dir.resolve("best");
    assertTrue(Files.isSymbolicLink(ckpt.resolve("a")), "linked layout expected");
    assertEquals(List.of(".data", ".v-"), hiddenKinds(ckpt), "one version, one link");
  }

  @Test
  void thePlainLayoutIsRecoveredByReadersAndTheNextSave() throws IOException {
    crashAtEveryStep(false);
  }

  @Test
  void aPlainDirectoryIsMigratedToTheLinkedLayout() throws IOException {
    Path ckpt = dir.resolve("best");
    save(ckpt, 1, false);
    assertFalse(Files.isSymbolicLink(ckpt.resolve("a")));
    taken.clear();
    save(ckpt, 2, true);
    for (Path snap : taken) {
      // Every file is there at every moment; a, b and c may come from different versions while
      // they are swapped one by one (the checksums in a model's config catch such a mix), but
      // resolveForReading still sees one version.
      Path best = snap.resolve("best");
      for (String f : List.of("a", "b")) {
        String content = Files.readString(best.resolve(f));
        assertTrue(content.equals(f + 1) || content.equals(f + 2), snap + "/" + f + ": " + content);
      }
      int seen = readConsistently(best, snap.getFileName().toString(), false);
      assertTrue(seen == 1 || seen == 2);
    }
    assertTrue(Files.isSymbolicLink(ckpt.resolve("a")));
    assertEquals(2, readConsistently(ckpt, "after migration"));
    save(ckpt, 3, true);
    assertEquals(3, readConsistently(ckpt, "after a linked save"));
    assertEquals(List.of("best"), names(dir));
  }

  @Test
  void aCopyOfALinkedDirectoryIsAComplete(@TempDir Path elsewhere) throws IOException {
    Path ckpt = dir.resolve("best");
    save(ckpt, 1, true);
    save(ckpt, 2, true);
    Path copy = elsewhere.resolve("model");
    copyTree(ckpt, copy); // as cp -r or tar: links stay links
    assertEquals(2, readConsistently(copy, "copy"));
  }

  @Test
  void deleteDirectoryRemovesEveryLayoutAndItsLeftovers() throws IOException {
    Path linked = dir.resolve("epoch-001");
    save(linked, 1, true);
    save(linked, 2, true);
    Path plain = dir.resolve("epoch-002");
    save(plain, 1, false);
    Files.createDirectory(dir.resolve(".epoch-002.tmp-77"));
    AtomicFiles.deleteDirectory(linked);
    AtomicFiles.deleteDirectory(plain);
    AtomicFiles.deleteDirectory(dir.resolve("never-written"));
    assertEquals(List.of(), names(dir));
  }

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The hidden entries of a linked directory, version names cut to their prefix. */
  private static List<String> hiddenKinds(Path d) throws IOException {
    return names(d).stream()
        .filter(n -> n.startsWith("."))
        .map(n -> n.startsWith(AtomicFiles.VERSION_PREFIX) ? AtomicFiles.VERSION_PREFIX : n)
        .sorted()
        .toList();
  }

  /** Copies a tree as it is on disk: symbolic links are copied as links. */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Path dest = to.resolve(from.relativize(f).toString());
            if (Files.isSymbolicLink(f)) {
              Files.createSymbolicLink(dest, Files.readSymbolicLink(f));
            } else {
              Files.copy(f, dest, LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
