package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block of README.md, compiled and run as written: each block becomes the body of a
 * {@code main} with the library's packages imported, is compiled against the main classes with the
 * JDK's compiler and runs in this JVM. The only change: relative paths ({@code Path.of("x")}) point
 * into a temporary directory. A block with a {@code // prints A, B, C} comment must print exactly
 * those lines.
 */
class ReadmeExampleTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PRINTS =
      Pattern.compile("// prints (.*?)(?:  \\(|$)", Pattern.MULTILINE);
  private static final String IMPORTS =
      String.join(
          "\n",
          "import dev.rnn4j.backend.*;",
          "import dev.rnn4j.io.*;",
          "import dev.rnn4j.nn.*;",
          "import dev.rnn4j.seq2seq.*;",
          "import dev.rnn4j.tensor.*;",
          "import dev.rnn4j.train.*;",
          "import java.nio.file.*;",
          "import java.util.*;");

  static List<String> javaBlocks(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyJavaBlockCompilesAndRuns(@TempDir Path tmp) throws Exception {
    List<String> blocks =
        javaBlocks(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
    assertTrue(blocks.size() >= 3, "README.md has " + blocks.size() + " Java blocks");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String body =
          blocks.get(i).replace("Path.of(\"", "Path.of(WORK, \"").replaceAll("(?m)^", "    ");
      String code =
          IMPORTS
              + "\npublic class ReadmeBlock"
              + i
              + " {\n  public static String WORK;\n  public static void main(String[] args) throws"
              + " Exception {\n"
              + body
              + "\n  }\n}\n";
      Path f = src.resolve("ReadmeBlock" + i + ".java");
      Files.writeString(f, code);
      files.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", mainClasses()));
    args.addAll(files);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    assertEquals(
        0,
        rc,
        "README.md's Java blocks do not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, ReadmeExampleTest.class.getClassLoader())) {
      for (int i = 0; i < blocks.size(); i++) {
        Class<?> c = loader.loadClass("ReadmeBlock" + i);
        c.getDeclaredField("WORK").set(null, work.toString());
        Method main = c.getMethod("main", String[].class);
        String printed = run(main);
        Matcher p = PRINTS.matcher(blocks.get(i));
        if (p.find()) {
          String want = p.group(1).strip();
          assertEquals(
              want,
              String.join(", ", printed.strip().split("\\R")),
              "README Java block " + i + " promises to print " + want);
        }
      }
    }
  }

  /** stdout of {@code main()}, captured. */
  private static String run(Method main) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  /** The directory (or jar) holding the library's classes. */
  private static String mainClasses() throws IOException {
    try {
      return Path.of(Backend.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
  }
}
