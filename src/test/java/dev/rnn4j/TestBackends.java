package dev.rnn4j;

import dev.rnn4j.backend.cpu.CpuBackend;

/** One CPU backend shared by the tests of a JVM (loading oneDNN once). */
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
