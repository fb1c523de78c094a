package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.BackendProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The command line's logging, as a user sees it: {@code dev.rnn4j.cli.Main} run in a child JVM on
 * the test class path (slf4j-simple bound, configured by {@link Main#configureLogging}). With
 * {@code --backend cpu} nothing about CUDA is logged; with {@code auto} the one line about the
 * choice is there, in the launcher's format, so the capture itself is shown to work.
 */
class CliLoggingTest {
  /** Exit code and stderr of {@code rnn4j lstm-demo --steps 1 --backend BACKEND}. */
  private record Child(int code, String err) {}

  private static Child lstmDemo(String backend) throws IOException, InterruptedException {
    return lstmDemo(backend, false);
  }

  /**
   * As {@link #lstmDemo(String)}, optionally with the CUDA backend (rnn4j-cuda, found as the jar or
   * directory its provider comes from), the JCuda jars and the cuBLAS presets left off the class
   * path: the class path of a project that depends on dev.rnn4j:rnn4j alone.
   */
  private static Child lstmDemo(String backend, boolean withoutCuda)
      throws IOException, InterruptedException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    if (withoutCuda) {
      Path cudaModule = cudaBackendLocation();
      List<String> all = List.of(cp.split(java.io.File.pathSeparator));
      assertTrue(
          all.stream().anyMatch(e -> Path.of(e).toAbsolutePath().equals(cudaModule)),
          "rnn4j-cuda (" + cudaModule + ") is not on the class path " + cp);
      List<String> kept =
          all.stream()
              .filter(
                  e ->
                      !Path.of(e).toAbsolutePath().equals(cudaModule)
                          && !e.contains("jcuda")
                          && !e.replace('\\', '/').contains("/org/bytedeco/cuda/"))
              .toList();
      cp = String.join(java.io.File.pathSeparator, kept);
    }
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            cp,
            Main.class.getName(),
            "lstm-demo",
            "--steps",
            "1",
            "--threads",
            "1",
            "--backend",
            backend);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "rnn4j lstm-demo did not finish; stderr: " + err);
    return new Child(p.exitValue(), err);
  }

  @Test
  void cpuBackendLogsNothingAboutCuda() throws Exception {
    Child c = lstmDemo("cpu");
    assertEquals(0, c.code(), c.err());
    List<String> cuda =
        c.err().lines().filter(l -> l.toLowerCase(Locale.ROOT).contains("cuda")).toList();
    assertTrue(cuda.isEmpty(), "--backend cpu logged about CUDA: " + cuda);
    assertTrue(c.err().lines().noneMatch(l -> l.startsWith("SLF4J")), c.err());
  }

  @Test
  void autoLogsItsChoiceInTheLaunchersFormat() throws Exception {
    Child c = lstmDemo("auto");
    assertEquals(0, c.code(), c.err());
    // Either "INFO rnn4j: using the CPU backend; CUDA is unavailable: ..." or, where a GPU
    // works, "INFO rnn4j: CUDA backend on ...": no thread or logger name, no SLF4J warning.
    assertTrue(
        c.err()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("INFO rnn4j: using the CPU backend; CUDA is unavailable: ")
                        || l.startsWith("INFO rnn4j: CUDA backend on ")),
        c.err());
    assertTrue(c.err().lines().noneMatch(l -> l.startsWith("SLF4J")), c.err());
  }

  /** Where this JVM's CUDA provider comes from: rnn4j-cuda's jar or classes directory. */
  private static Path cudaBackendLocation() {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("cuda")) {
        try {
          return Path.of(p.getClass().getProtectionDomain().getCodeSource().getLocation().toURI())
              .toAbsolutePath();
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new AssertionError("rnn4j-cuda is not on the command line's class path");
  }

  /** Without rnn4j-cuda, asking for CUDA says which artifact to add; auto runs on the CPU. */
  @Test
  void cudaWithoutTheCudaArtifactSaysWhatToAddAndAutoFallsBack() throws Exception {
    Child cuda = lstmDemo("cuda", true);
    assertTrue(cuda.code() != 0, cuda.err());
    assertTrue(
        cuda.err().contains("the CUDA backend is not on the class path: add dev.rnn4j:rnn4j-cuda"),
        cuda.err());
    Child auto = lstmDemo("auto", true);
    assertEquals(0, auto.code(), auto.err());
    assertTrue(
        auto.err().contains("CUDA is unavailable: the CUDA backend is not on the class path: add"),
        auto.err());
  }
}
