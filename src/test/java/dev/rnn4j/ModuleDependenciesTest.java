package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The artifacts match what users need (docs/ARCHITECTURE.md, "Modules"): the library
 * (dev.rnn4j:rnn4j, src/) has neither JCuda nor picocli, the CUDA backend (dev.rnn4j:rnn4j-cuda,
 * cuda/) holds JCuda and the package {@code dev.rnn4j.backend.cuda}, and the command line
 * (dev.rnn4j:rnn4j-cli, cli/) holds picocli and {@code dev.rnn4j.cli}. The sources are checked
 * where each package lives and what it imports; this test's own class path, the core module's,
 * shows what a project depending on dev.rnn4j:rnn4j gets.
 */
class ModuleDependenciesTest {
  /** The main sources of one module root that import {@code importPrefix}. */
  private static List<String> importers(String root, String importPrefix) {
    Map<String, String> sources = LayeringTest.sources(Path.of(root));
    assertTrue(!sources.isEmpty(), "no sources under " + root);
    Pattern p = Pattern.compile("(?m)^import\\s+(static\\s+)?" + Pattern.quote(importPrefix));
    List<String> out = new ArrayList<>();
    sources.forEach(
        (file, src) -> {
          if (p.matcher(src).find()) {
            out.add(root + "/" + file);
          }
        });
    return out;
  }

  /** The files of one module root outside the package directory {@code dir}. */
  private static List<String> outside(String root, String dir) {
    List<String> out = new ArrayList<>();
    for (String file : LayeringTest.sources(Path.of(root)).keySet()) {
      if (!file.replace(java.io.File.separatorChar, '/').startsWith(dir)) {
        out.add(root + "/" + file);
      }
    }
    return out;
  }

  @Test
  void picocliOnlyInTheCommandLine() {
    assertEquals(List.of(), importers("src/main/java", "picocli."));
    assertEquals(List.of(), importers("cuda/src/main/java", "picocli."));
    assertTrue(!importers("cli/src/main/java", "picocli.").isEmpty(), "the scan finds nothing");
  }

  @Test
  void jcudaOnlyInTheCudaBackend() {
    assertEquals(List.of(), importers("src/main/java", "jcuda."));
    assertEquals(List.of(), importers("cli/src/main/java", "jcuda."));
    assertTrue(!importers("cuda/src/main/java", "jcuda.").isEmpty(), "the scan finds nothing");
  }

  @Test
  void eachModuleHoldsItsPackagesOnly() {
    assertEquals(List.of(), outside("cuda/src/main/java", "dev/rnn4j/backend/cuda/"));
    assertEquals(List.of(), outside("cli/src/main/java", "dev/rnn4j/cli/"));
    List<String> core = new ArrayList<>();
    for (String file : LayeringTest.sources(Path.of("src/main/java")).keySet()) {
      String f = file.replace(java.io.File.separatorChar, '/');
      if (f.startsWith("dev/rnn4j/cli/") || f.startsWith("dev/rnn4j/backend/cuda/")) {
        core.add(f);
      }
    }
    assertEquals(List.of(), core, "the core holds the command line's or CUDA backend's code");
  }

  /** What a project that depends on dev.rnn4j:rnn4j alone sees: no CUDA, no command line. */
  @Test
  void theLibrarysClassPathHasNoCudaAndNoCommandLine() {
    ClassLoader loader = ModuleDependenciesTest.class.getClassLoader();
    for (String name :
        List.of(
            "jcuda.driver.JCudaDriver",
            "picocli.CommandLine",
            "dev.rnn4j.backend.cuda.CudaBackendProvider",
            "dev.rnn4j.cli.Main")) {
      assertThrows(
          ClassNotFoundException.class,
          () -> Class.forName(name, false, loader),
          name + " is on the core module's class path");
    }
  }
}
