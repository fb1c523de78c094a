package dev.rnn4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe replacement of files and directories: a reader sees either the complete old content or
 * the complete new content, never a partial write.
 *
 * <p><b>Files.</b> {@link #write} writes into a temporary file in the target's directory, forces it
 * to disk, then renames it over the target with {@code ATOMIC_MOVE} and forces the directory. If
 * the writer throws, or the process dies before the rename, the old file is untouched.
 *
 * <p><b>Directories</b> (checkpoints of several files). POSIX cannot atomically replace a non-empty
 * directory, so {@link #writeDirectory} writes everything into {@code .NAME.tmp-*} beside the
 * target, forces every file, and then makes two atomic renames: target → {@code .NAME.old-*}, temp
 * → target; finally it deletes the old one. A crash between the two renames leaves no target but a
 * complete {@code .NAME.old-*}; {@link #recoverDirectory} (called by {@code writeDirectory} itself,
 * and to be called by loaders before reading) puts it back.
 *
 * <p>Thread-safety: the methods are stateless, but two concurrent writes to the same target race
 * (the last rename wins); serialise saves of one target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content of a file to a stream (which the caller closes). */
  @FunctionalInterface
  public interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Fills a fresh, empty directory with files. */
  @FunctionalInterface
  public interface DirectoryWriter {
    void writeInto(Path dir) throws IOException;
  }

  /**
   * Atomically replaces (or creates) {@code target} with what {@code writer} writes. The parent
   * directory must exist.
   *
   * @throws IOException if writing, syncing or renaming fails; {@code target} is then unchanged
   */
  public static void write(Path target, ContentWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException(
          "cannot write " + target + ": directory " + dir + " does not exist; create it first");
    }
    Path tmp = null;
    boolean moved = false;
    try {
      FileChannel opened;
      while (true) {
        tmp = dir.resolve("." + abs.getFileName() + "." + randomHex() + ".tmp");
        try {
          // CREATE_NEW applies the umask, unlike createTempFile (always rw-------).
          opened = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          break;
        } catch (FileAlreadyExistsException taken) {
          // another writer picked the same name; draw again
        }
      }
      try (FileChannel ch = opened;
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        writer.writeTo(out);
        out.flush();
        ch.force(true);
      }
      move(tmp, abs);
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved && tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static String randomHex() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /** Atomically replaces {@code target} with {@code bytes}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** Atomically replaces {@code target} with {@code text} encoded as UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Atomically replaces (or creates) the directory {@code target} with the files {@code writer}
   * puts into a fresh temporary directory. Subdirectories are allowed. The parent must exist.
   *
   * @throws IOException if writing fails (the previous directory is then unchanged and the
   *     temporary directory removed) or a rename fails
   */
  public static void writeDirectory(Path target, DirectoryWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException(
          "cannot write " + target + ": directory " + parent + " does not exist; create it first");
    }
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException(
          "cannot replace " + target + " with a directory: it is a file; move it away first");
    }
    recoverDirectory(abs);
    String name = abs.getFileName().toString();
    Path tmp;
    while (true) {
      try {
        // createDirectory applies the umask, unlike createTempDirectory (always rwx------).
        tmp = Files.createDirectory(parent.resolve("." + name + ".tmp-" + randomHex()));
        break;
      } catch (FileAlreadyExistsException taken) {
        // another writer picked the same name; draw again
      }
    }
    boolean moved = false;
    try {
      writer.writeInto(tmp);
      syncTree(tmp);
      syncDirectory(parent);
      Path old = null;
      if (Files.exists(abs)) {
        old = parent.resolve(oldName(name) + randomHex());
        move(abs, old);
      }
      move(tmp, abs);
      moved = true;
      syncDirectory(parent);
      if (old != null) {
        deleteTree(old);
      }
    } finally {
      if (!moved) {
        deleteTree(tmp);
      }
    }
  }

  /**
   * Repairs what a crash inside {@link #writeDirectory} can leave beside {@code target}: if the
   * target is missing but a complete previous version {@code .NAME.old-*} exists, it is renamed
   * back; leftover {@code .NAME.tmp-*} and (when the target exists) {@code .NAME.old-*} directories
   * are deleted. Does nothing when there is nothing to repair.
   *
   * @return true if a previous version was restored
   */
  public static boolean recoverDirectory(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return false;
    }
    String name = abs.getFileName().toString();
    List<Path> olds = new ArrayList<>();
    List<Path> tmps = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path p : ds) {
        String f = p.getFileName().toString();
        if (f.startsWith(oldName(name))) {
          olds.add(p);
        } else if (f.startsWith("." + name + ".tmp-")) {
          tmps.add(p);
        }
      }
    }
    boolean restored = false;
    if (!Files.exists(abs) && !olds.isEmpty()) {
      // At most one old version exists, since every writeDirectory recovers first.
      move(olds.remove(0), abs);
      syncDirectory(parent);
      restored = true;
    }
    for (Path p : olds) {
      deleteTree(p);
    }
    for (Path p : tmps) {
      deleteTree(p);
    }
    return restored;
  }

  /** Prefix of the name the previous version of {@code name} has while it is being replaced. */
  static String oldName(String name) {
    return "." + name + ".old-";
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of "
              + to.getParent()
              + " cannot rename atomically ("
              + e.getMessage()
              + "); save to a local disk instead",
          e);
    }
  }

  /** Forces a directory's entries to disk; a no-op where the platform cannot open directories. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException notSupported) {
      // Windows and some file systems cannot fsync a directory; the rename is still atomic.
    }
  }

  private static void syncTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
              ch.force(true);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            syncDirectory(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
