package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Configuration is explicit (docs/ARCHITECTURE.md, "Configuration"): {@code
 * dev.rnn4j.backend.SystemProperties} is the only main source that reads rnn4j's system properties;
 * every other class gets its settings from {@code CpuOptions} or {@code CudaOptions}. This scans
 * the main sources of every module (the library, CUDA backend, command line, Spark module and
 * benchmarks) for property reads ({@code System.getProperty}, {@code System.getProperties}, {@code
 * Boolean.getBoolean}, {@code Integer.getInteger}, {@code Long.getLong}, also as method
 * references). A read is allowed elsewhere only with a string literal naming a property that is not
 * rnn4j's ({@code System.getProperty("java.version")}); one through a constant counts as an rnn4j
 * read, since the name cannot be told from the source.
 */
class PropertyReadsTest {
  /** The one file allowed to read rnn4j properties, relative to a source root. */
  static final String READER = "dev/rnn4j/backend/SystemProperties.java";

  /** Main source roots of every module, relative to the repository root. */
  static final List<String> ROOTS =
      List.of(
          "src/main/java",
          "cuda/src/main/java",
          "cli/src/main/java",
          "spark/src/main/java",
          "benchmarks/src/main/java");

  private static final Pattern READ =
      Pattern.compile(
          "\\b(System\\s*\\.\\s*getPropert(?:y|ies)|(?:Boolean\\s*\\.\\s*getBoolean"
              + "|Integer\\s*\\.\\s*getInteger|Long\\s*\\.\\s*getLong))\\s*\\(\\s*(\"[^\"]*\")?"
              + "|\\b(?:System\\s*::\\s*getPropert(?:y|ies)|Boolean\\s*::\\s*getBoolean"
              + "|Integer\\s*::\\s*getInteger|Long\\s*::\\s*getLong)\\b");

  /** The property reads in one source that are not allowed, as "file:line: code". */
  static List<String> reads(String file, String source) {
    List<String> out = new ArrayList<>();
    Matcher m = READ.matcher(source);
    while (m.find()) {
      String literal = m.group(2);
      boolean other =
          m.group(1) != null
              && literal != null
              && !literal.startsWith("\"rnn4j.")
              && !m.group(1).endsWith("getProperties");
      if (!other) {
        int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
        out.add(file + ":" + line + ": " + m.group().trim());
      }
    }
    return out;
  }

  @Test
  void onlySystemPropertiesReadsRnn4jProperties() {
    List<String> found = new ArrayList<>();
    int files = 0;
    for (String root : ROOTS) {
      Path dir = Path.of(root);
      assertTrue(Files.isDirectory(dir), "no " + root + " under " + Path.of("").toAbsolutePath());
      Map<String, String> sources = LayeringTest.sources(dir);
      files += sources.size();
      sources.forEach(
          (f, src) -> {
            if (!(root.equals("src/main/java") && f.equals(READER))) {
              found.addAll(reads(root + "/" + f, src));
            }
          });
    }
    assertTrue(files > 100, "found only " + files + " main sources");
    assertEquals(
        List.of(),
        found,
        "read rnn4j settings through CpuOptions/CudaOptions; add new properties to " + READER);
  }

  @Test
  void theReaderItselfIsFoundAndReads() {
    String src =
        LayeringTest.sources(Path.of("src/main/java"))
            .get(READER.replace('/', java.io.File.separatorChar));
    assertTrue(src != null, READER + " is missing");
    assertTrue(!reads(READER, src).isEmpty(), "the scan no longer sees SystemProperties' reads");
  }

  @Test
  void theScanCatchesEveryFormAndAllowsOtherProperties() {
    String src =
        String.join(
            "\n",
            "class X {",
            "  int a = Integer.getInteger(\"rnn4j.x\", 1);",
            "  boolean b = Boolean.getBoolean(SYNC_PROPERTY);",
            "  String c = System.getProperty(NAME, \"auto\");",
            "  long d = Long.getLong(\"rnn4j.cpu.cacheBytes\", 1L << 30);",
            "  Function<String, String> e = System::getProperty;",
            "  Properties f = System.getProperties();",
            "  String g = System.getProperty(\"java.version\");",
            "  String h = System .getProperty( \"user.home\" );",
            "  String i = System.getenv(\"OMP_NUM_THREADS\");",
            "}");
    List<String> r = reads("X.java", src);
    assertEquals(6, r.size(), r.toString());
    assertEquals("X.java:2: Integer.getInteger(\"rnn4j.x\"", r.get(0));
    assertTrue(r.get(1).startsWith("X.java:3: Boolean.getBoolean("), r.get(1));
    assertTrue(r.get(4).startsWith("X.java:6: System::getProperty"), r.get(4));
    assertTrue(r.get(5).startsWith("X.java:7: System.getProperties("), r.get(5));
  }
}
