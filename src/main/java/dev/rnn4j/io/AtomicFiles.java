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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
 * directory, but it can atomically replace a symbolic link. So {@link #writeDirectory} gives the
 * target this layout (where the file system has symbolic links):
 *
 * <pre>
 * best/
 *   config.json -&gt; .data/config.json        one relative link per file, never changed
 *   model.safetensors -&gt; .data/model.safetensors
 *   .data -&gt; .v-3f9a0c                      the current version
 *   .v-3f9a0c/config.json ...               its files
 * </pre>
 *
 * A save writes a new {@code .v-*} beside the current one, forces it to disk, and swaps {@code
 * .data} with one atomic rename of a new link over it; then it deletes the previous version. A
 * reader that opens {@code best/config.json} at any moment, across any crash of the writer, finds a
 * complete file of one version; {@link #resolveForReading} gives the version directory, so that a
 * loader reads all files from one version. The directory can be copied ({@code cp -r}, {@code tar})
 * since every link is relative and inside it.
 *
 * <p>A directory of the plain layout (written by an older rnn4j) is turned into this one by its
 * next save. Where the file system has no symbolic links (Windows without the privilege), saves
 * keep the plain layout and take two renames: target → {@code .NAME.old-*}, new → target. A crash
 * between them leaves no target but a complete {@code .NAME.old-*}, which {@link
 * #resolveForReading} reads and {@link #recoverDirectory} (run by the next save) puts back.
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
   * puts into a fresh, empty directory. Subdirectories are allowed. The parent must exist.
   *
   * <p>A reader opening {@code target/NAME} at any moment finds a complete version of the file;
   * {@link #resolveForReading} gives a directory whose files all belong to one version. See the
   * class comment for the layout.
   *
   * @throws IOException if writing fails (the previous directory is then unchanged and the partial
   *     version removed) or a rename fails
   */
  public static void writeDirectory(Path target, DirectoryWriter writer) throws IOException {
    writeDirectory(target, writer, symlinksSupported(target));
  }

  /** {@link #writeDirectory}, with the linked layout or (for tests) the plain one. */
  static void writeDirectory(Path target, DirectoryWriter writer, boolean linked)
      throws IOException {
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
    if (linked && Files.isDirectory(abs)) {
      swapVersion(abs, writer);
    } else {
      replaceWhole(abs, writer, linked);
    }
  }

  /**
   * A save into an existing directory: write a new version inside {@code dir} beside the current
   * one, then swap the {@code .data} link with one atomic rename. A directory of the plain layout
   * (written by an older rnn4j) is turned into the linked one on the way: its files stay until the
   * swap and are then replaced by links one at a time (each by an atomic rename, so a reader always
   * finds every file complete, though for that moment not all of one version).
   */
  private static void swapVersion(Path dir, DirectoryWriter writer) throws IOException {
    Path data = dir.resolve(DATA);
    Path current = Files.isSymbolicLink(data) ? Files.readSymbolicLink(data) : null;
    Path version = createFresh(dir, VERSION_PREFIX);
    boolean swapped = false;
    try {
      writer.writeInto(version);
      syncTree(version);
      hook.reached(Step.VERSION_WRITTEN, dir);
      List<String> names = entryNames(version);
      for (String n : names) {
        if (!Files.exists(dir.resolve(n), LinkOption.NOFOLLOW_LINKS)) {
          // A new file: its link dangles until the swap, which a reader sees as "no such file".
          Files.createSymbolicLink(dir.resolve(n), Path.of(DATA, n));
        }
      }
      Path newData = dir.resolve(DATA + ".tmp-" + randomHex());
      Files.createSymbolicLink(newData, version.getFileName());
      syncDirectory(dir);
      hook.reached(Step.BEFORE_SWAP, dir);
      move(newData, data);
      swapped = true;
      syncDirectory(dir);
      hook.reached(Step.SWAPPED, dir);
      for (String n : names) {
        Path p = dir.resolve(n);
        if (!Files.isSymbolicLink(p)) {
          // A file of the plain layout: replace it by its link.
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(p); // a directory cannot be renamed over; a brief gap for this entry only
          }
          Path link = dir.resolve(DATA + ".tmp-" + randomHex());
          Files.createSymbolicLink(link, Path.of(DATA, n));
          move(link, p);
        }
      }
      // Entries the new version no longer has; then the previous version.
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String f = p.getFileName().toString();
          if (!f.startsWith(".") && !names.contains(f)) {
            deleteTree(p);
          }
        }
      }
      if (current != null && !current.equals(version.getFileName())) {
        deleteTree(dir.resolve(current));
      }
      syncDirectory(dir);
    } finally {
      if (!swapped) {
        deleteTree(version);
      }
    }
  }

  /**
   * Creates {@code target}, or replaces it where the file system has no symbolic links: builds the
   * whole directory beside it, then two renames (target → {@code .NAME.old-*}, new → target). In
   * the plain layout this leaves a moment without {@code target}; {@link #resolveForReading} and
   * {@link #recoverDirectory} find the old version then.
   */
  private static void replaceWhole(Path abs, DirectoryWriter writer, boolean linked)
      throws IOException {
    Path parent = abs.getParent();
    String name = abs.getFileName().toString();
    Path tmp = createFresh(parent, "." + name + ".tmp-");
    boolean moved = false;
    try {
      if (linked) {
        Path version = createFresh(tmp, VERSION_PREFIX);
        writer.writeInto(version);
        for (String n : entryNames(version)) {
          Files.createSymbolicLink(tmp.resolve(n), Path.of(DATA, n));
        }
        Files.createSymbolicLink(tmp.resolve(DATA), version.getFileName());
      } else {
        writer.writeInto(tmp);
      }
      syncTree(tmp);
      syncDirectory(parent);
      hook.reached(Step.VERSION_WRITTEN, abs);
      Path old = null;
      if (Files.exists(abs)) {
        old = parent.resolve(oldName(name) + randomHex());
        move(abs, old);
        hook.reached(Step.BEFORE_SWAP, abs);
      }
      move(tmp, abs);
      moved = true;
      syncDirectory(parent);
      hook.reached(Step.SWAPPED, abs);
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
   * The directory to read {@code target}'s files from, without changing anything on disk: the
   * current version inside a linked directory (so that every file read comes from one version), the
   * directory itself in the plain layout, or, after a crash in the middle of {@link #replaceWhole},
   * the complete previous version beside it. Readers resolve once per load; a file that then
   * vanishes (a save deleted that version meanwhile) is a reason to resolve again.
   *
   * @return the directory to read, or {@code target} itself when nothing better exists (then the
   *     caller's own "missing" error applies)
   */
  public static Path resolveForReading(Path target) throws IOException {
    Path data = target.resolve(DATA);
    if (Files.isSymbolicLink(data)) {
      try {
        return data.toRealPath();
      } catch (NoSuchFileException dangling) {
        // The version vanished between reading the link and resolving it: a save swapped it.
        return target.resolve(DATA).toRealPath();
      }
    }
    if (Files.isDirectory(target)) {
      return target;
    }
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return target;
    }
    List<Path> olds = leftovers(abs, oldName(abs.getFileName().toString()));
    return olds.isEmpty() ? target : resolveForReading(olds.get(0));
  }

  /**
   * Repairs what a crash inside {@link #writeDirectory} can leave: if the target is missing but a
   * complete previous version {@code .NAME.old-*} exists, it is renamed back; leftover {@code
   * .NAME.tmp-*}, {@code .NAME.old-*} (when the target exists), unfinished or unreferenced versions
   * and temporary links inside a linked target are deleted. Meant for the writer: run it before
   * writing, never while another process may be writing the same target.
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
    List<Path> olds = leftovers(abs, oldName(name));
    boolean restored = false;
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !olds.isEmpty()) {
      // At most one old version exists, since every writeDirectory recovers first.
      move(olds.remove(0), abs);
      syncDirectory(parent);
      restored = true;
    }
    for (Path p : olds) {
      deleteTree(p);
    }
    for (Path p : leftovers(abs, "." + name + ".tmp-")) {
      deleteTree(p);
    }
    Path data = abs.resolve(DATA);
    if (Files.isSymbolicLink(data)) {
      Path current = Files.readSymbolicLink(data);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs)) {
        for (Path p : ds) {
          String f = p.getFileName().toString();
          boolean staleVersion = f.startsWith(VERSION_PREFIX) && !current.equals(p.getFileName());
          boolean staleLink = f.startsWith(DATA + ".tmp-");
          if (staleVersion || staleLink) {
            deleteTree(p);
          }
        }
      }
    }
    return restored;
  }

  /**
   * Deletes a directory written by {@link #writeDirectory} (either layout) and its leftovers; does
   * nothing when there is none.
   */
  public static void deleteDirectory(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    String name = abs.getFileName().toString();
    deleteTree(abs);
    if (abs.getParent() != null && Files.isDirectory(abs.getParent())) {
      for (Path p : leftovers(abs, oldName(name))) {
        deleteTree(p);
      }
      for (Path p : leftovers(abs, "." + name + ".tmp-")) {
        deleteTree(p);
      }
    }
  }

  /** The link inside a linked directory that names its current version. */
  static final String DATA = ".data";

  /** Prefix of the version directories inside a linked directory. */
  static final String VERSION_PREFIX = ".v-";

  /** The steps of a directory save, for crash tests that stop a process inside one. */
  public enum Step {
    /** The new version is on disk; the target still shows the previous one. */
    VERSION_WRITTEN,
    /** Right before the rename that makes the new version current. */
    BEFORE_SWAP,
    /** The new version is current; the previous one is not yet deleted. */
    SWAPPED
  }

  /** Called at each {@link Step} of a directory save. */
  @FunctionalInterface
  public interface StepHook {
    void reached(Step step, Path target) throws IOException;
  }

  private static volatile StepHook hook = (step, target) -> {};

  /**
   * Installs a hook called at each step of every directory save in this JVM (crash tests pause
   * there so that a kill lands inside a save); null removes it. Not for production use.
   */
  public static void setStepHook(StepHook h) {
    hook = h == null ? (step, target) -> {} : h;
  }

  private static boolean symlinksSupported(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return false; // writeDirectory explains the missing parent
    }
    Path probe = parent.resolve("." + target.getFileName() + ".probe-" + randomHex());
    try {
      Files.createSymbolicLink(probe, Path.of("."));
      Files.delete(probe);
      return true;
    } catch (UnsupportedOperationException | IOException | SecurityException e) {
      // e.g. Windows without the privilege to create links: the plain layout it is.
      return false;
    }
  }

  /** Creates a new, empty directory {@code dir/PREFIX<random hex>}. */
  private static Path createFresh(Path dir, String prefix) throws IOException {
    while (true) {
      try {
        // createDirectory applies the umask, unlike createTempDirectory (always rwx------).
        return Files.createDirectory(dir.resolve(prefix + randomHex()));
      } catch (FileAlreadyExistsException taken) {
        // another writer picked the same name; draw again
      }
    }
  }

  /** The sorted names of the top-level entries of {@code dir}. */
  private static List<String> entryNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    names.sort(null);
    return names;
  }

  /** The siblings of {@code abs} whose names start with {@code prefix}. */
  private static List<Path> leftovers(Path abs, String prefix) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs.getParent())) {
      for (Path p : ds) {
        if (p.getFileName().toString().startsWith(prefix)) {
          found.add(p);
        }
      }
    }
    found.sort(null);
    return found;
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
            if (attrs.isSymbolicLink()) {
              return FileVisitResult.CONTINUE; // a link is persisted by its directory's sync
            }
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
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
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
