package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/ARCHITECTURE.md, enforced: every {@code import dev.rnn4j...} (plain or
 * static) of a main source of the library and the modules built on it ({@link #MAIN_ROOTS}: the
 * core, rnn4j-cuda, rnn4j-cli) must name a package its own package may depend on, per {@link
 * #ALLOWED}. Arrows point only downward:
 *
 * <pre>
 *   cli
 *   train
 *   seq2seq
 *   nn                          data
 *   backend (API)               │
 *   │  backend.cpu, backend.cuda: implementations, found by ServiceLoader; imported by nobody
 *   tensor  io  metrics  util   (io uses tensor's Shape; util: the counter-based RNG)
 * </pre>
 *
 * A file may always use its own package. Tests are not checked (they may name implementations). The
 * modules' dependencies hold part of it too: rnn4j-cli compiles against neither JCuda nor
 * rnn4j-cuda (a runtime dependency), and the core sees neither.
 */
class LayeringTest {
  /**
   * The main source roots of the core (rnn4j), the CUDA backend (rnn4j-cuda) and the command line
   * (rnn4j-cli), relative to the repository root, where the tests run.
   */
  static final List<String> MAIN_ROOTS =
      List.of("src/main/java", "cuda/src/main/java", "cli/src/main/java");

  /** Package (relative to dev.rnn4j) → the rnn4j packages its files may import. */
  static final Map<String, Set<String>> ALLOWED = table();

  private static Map<String, Set<String>> table() {
    Map<String, Set<String>> t = new LinkedHashMap<>();
    t.put("util", Set.of());
    t.put("metrics", Set.of("util"));
    t.put("tensor", Set.of("util"));
    t.put("io", Set.of("tensor", "util"));
    t.put("backend", Set.of("tensor", "util"));
    t.put("backend.cpu", Set.of("backend", "tensor", "util"));
    t.put("backend.cuda", Set.of("backend", "tensor", "util"));
    t.put("nn", Set.of("backend", "tensor", "io", "util"));
    t.put("data", Set.of("io", "util"));
    t.put("seq2seq", Set.of("nn", "data", "backend", "tensor", "io", "metrics", "util"));
    t.put("train", Set.of("seq2seq", "nn", "data", "backend", "tensor", "io", "metrics", "util"));
    t.put(
        "cli",
        Set.of("train", "seq2seq", "nn", "data", "backend", "tensor", "io", "metrics", "util"));
    return Map.copyOf(t);
  }

  /** Violations being fixed, as "file: import ..." prefixes; empty once the layering holds. */
  private static final List<String> KNOWN =
      List.of("dev/rnn4j/tensor/Tensor.java: import dev.rnn4j.backend.Backend ");

  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+dev\\.rnn4j\\.([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile(
          "^\\s*import\\s+(?:static\\s+)?(dev\\.rnn4j\\.[\\w.*]+)\\s*;", Pattern.MULTILINE);

  /** One upward (or sideways) arrow: the file, its import, and the rule it breaks. */
  record Violation(String file, String imported, String rule) {
    @Override
    public String toString() {
      return file + ": import " + imported + " breaks " + rule;
    }
  }

  /**
   * The rnn4j package an import names, relative to dev.rnn4j: the leading lower-case segments
   * ({@code dev.rnn4j.backend.cpu.CpuBackend} → {@code backend.cpu}).
   */
  static String packageOf(String imported) {
    String[] parts = imported.substring("dev.rnn4j.".length()).split("\\.");
    StringBuilder pkg = new StringBuilder();
    for (String p : parts) {
      if (p.equals("*") || Character.isUpperCase(p.charAt(0))) {
        break;
      }
      pkg.append(pkg.length() == 0 ? "" : ".").append(p);
    }
    return pkg.toString();
  }

  /** The violations in one source file; {@code file} names it in the messages. */
  static List<Violation> check(String file, String source, Map<String, Set<String>> allowed) {
    List<Violation> out = new ArrayList<>();
    Matcher pm = PACKAGE.matcher(source);
    if (!pm.find()) {
      out.add(new Violation(file, "-", "the rule that every file declares a dev.rnn4j package"));
      return out;
    }
    String own = pm.group(1);
    Set<String> may = allowed.get(own);
    if (may == null) {
      out.add(
          new Violation(
              file, "-", "the rule that package " + own + " has a row in the layering table"));
      return out;
    }
    Matcher im = IMPORT.matcher(source);
    while (im.find()) {
      String imported = im.group(1);
      String target = packageOf(imported);
      if (!target.equals(own) && !may.contains(target)) {
        out.add(
            new Violation(
                file,
                imported,
                "'" + own + " may import only " + new java.util.TreeSet<>(may) + "'"));
      }
    }
    return out;
  }

  /**
   * Every .java file under the {@link #MAIN_ROOTS}, by path relative to its root (the package path:
   * {@code dev/rnn4j/cli/Main.java}), with its text.
   */
  static Map<String, String> mainSources() {
    Map<String, String> files = new TreeMap<>();
    for (String root : MAIN_ROOTS) {
      Path dir = Path.of(root);
      assertTrue(Files.isDirectory(dir), "no " + root + " under " + Path.of("").toAbsolutePath());
      files.putAll(sources(dir));
    }
    return files;
  }

  /** Every .java file under {@code root}, by path relative to it, with its text. */
  static Map<String, String> sources(Path root) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
        files.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  @Test
  void mainSourcesImportOnlyDownward() {
    Map<String, String> files = mainSources();
    assertTrue(files.size() > 100, "found only " + files.size() + " files under " + MAIN_ROOTS);
    List<String> found = new ArrayList<>();
    files.forEach((f, src) -> check(f, src, ALLOWED).forEach(v -> found.add(v.toString())));
    List<String> known = new ArrayList<>();
    for (String f : found) {
      if (KNOWN.stream().anyMatch(f::startsWith)) {
        known.add(f);
      }
    }
    found.removeAll(known);
    assertEquals(List.of(), found, "imports that point up the layering (docs/ARCHITECTURE.md)");
    for (String k : KNOWN) {
      assertTrue(known.stream().anyMatch(f -> f.startsWith(k)), "fixed; remove from KNOWN: " + k);
    }
  }

  @Test
  void checkerRejectsAnUpwardImport() {
    String src =
        "package dev.rnn4j.train;\n\nimport dev.rnn4j.cli.Main;\nimport dev.rnn4j.seq2seq.Seq2SeqModel;\n"
            + "import static dev.rnn4j.backend.cpu.CpuBackend.foo;\n\nclass X {}\n";
    List<Violation> v = check("dev/rnn4j/train/X.java", src, ALLOWED);
    assertEquals(2, v.size(), v.toString());
    assertEquals("dev/rnn4j/train/X.java", v.get(0).file());
    assertEquals("dev.rnn4j.cli.Main", v.get(0).imported());
    assertTrue(v.get(0).rule().startsWith("'train may import only ["), v.get(0).rule());
    assertEquals("dev.rnn4j.backend.cpu.CpuBackend.foo", v.get(1).imported());
    assertTrue(v.get(0).toString().contains("train/X.java: import dev.rnn4j.cli.Main breaks"));
  }

  @Test
  void checkerKnowsPackagesAndUnlistedOnes() {
    assertEquals("backend.cpu", packageOf("dev.rnn4j.backend.cpu.CpuBackend"));
    assertEquals("backend", packageOf("dev.rnn4j.backend.*"));
    assertEquals("tensor", packageOf("dev.rnn4j.tensor.Shape.of"));
    List<Violation> v = check("X.java", "package dev.rnn4j.extra;\nclass X {}\n", ALLOWED);
    assertEquals(1, v.size());
    assertTrue(v.get(0).rule().contains("extra has a row"), v.get(0).rule());
    assertEquals(
        List.of(), check("Y.java", "package dev.rnn4j.nn;\nimport dev.rnn4j.nn.Lstm;\n", ALLOWED));
  }
}
