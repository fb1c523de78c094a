package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dependencies the pom marks optional, so that a project using rnn4j as a library does without
 * them, stay confined to the code that needs them: picocli to the command line ({@code
 * dev.rnn4j.cli}), JCuda to the CUDA backend ({@code dev.rnn4j.backend.cuda}). A class elsewhere
 * importing them would fail with NoClassDefFoundError in such a project.
 */
class OptionalDependenciesTest {
  private static List<String> offenders(String importPrefix, String allowedPackageDir) {
    Map<String, String> sources = LayeringTest.sources(Path.of("src/main/java"));
    assertTrue(sources.size() > 100, "found only " + sources.size() + " main sources");
    List<String> out = new ArrayList<>();
    sources.forEach(
        (file, src) -> {
          if (!file.startsWith(allowedPackageDir)
              && java.util.regex.Pattern.compile(
                      "(?m)^import\\s+(static\\s+)?" + java.util.regex.Pattern.quote(importPrefix))
                  .matcher(src)
                  .find()) {
            out.add(file);
          }
        });
    return out;
  }

  @Test
  void picocliOnlyInTheCommandLine() {
    assertEquals(List.of(), offenders("picocli.", "dev/rnn4j/cli/"));
  }

  @Test
  void jcudaOnlyInTheCudaBackend() {
    assertEquals(List.of(), offenders("jcuda.", "dev/rnn4j/backend/cuda/"));
  }
}
