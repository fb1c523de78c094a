package dev.rnn4j;

import dev.rnn4j.backend.cpu.CpuBackend;

/**
 * One CPU backend shared by the tests of a JVM (loading oneDNN once).
 *
 * <p>A copy of the core module's {@code src/test/java/dev/rnn4j/TestBackends.java}: the modules
 * share no test classes, since a test-jar dependency breaks {@code mvn -Dmaven.test.skip=true
 * package} (Maven resolves test-scoped dependencies that such a build never makes).
 */
public final class TestBackends {
  private static CpuBackend cpu;

  private TestBackends() {}

  public static synchronized CpuBackend cpu() {
    if (cpu == null) {
      cpu = new CpuBackend(2);
    }
    return cpu;
  }
}
