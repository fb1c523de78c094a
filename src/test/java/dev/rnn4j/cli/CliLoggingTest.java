package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

  /** As {@link #lstmDemo(String)}, optionally with the JCuda jars left off the class path. */
  private static Child lstmDemo(String backend, boolean withoutJCuda)
      throws IOException, InterruptedException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    if (withoutJCuda) {
      cp =
          java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
              .filter(e -> !e.contains("jcuda"))
              .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
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

  /** A CPU-only project has no JCuda (optional): asking for CUDA says what to add. */
  @Test
  void cudaWithoutJCudaSaysWhatToAddAndAutoFallsBack() throws Exception {
    Child cuda = lstmDemo("cuda", true);
    assertTrue(cuda.code() != 0, cuda.err());
    assertTrue(
        cuda.err().contains("JCuda is not on the class path")
            && cuda.err().contains("org.jcuda:jcuda-natives:12.6.0"),
        cuda.err());
    Child auto = lstmDemo("auto", true);
    assertEquals(0, auto.code(), auto.err());
    assertTrue(
        auto.err().contains("CUDA is unavailable: JCuda is not on the class path"), auto.err());
  }
}
