package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendProvider;
import dev.rnn4j.backend.CpuGemm;

/** {@link CpuBackend} for {@link dev.rnn4j.backend.Backends} (ServiceLoader registration). */
public final class CpuBackendProvider implements BackendProvider {
  /** The public no-argument constructor ServiceLoader needs. */
  public CpuBackendProvider() {}

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public Backend open(CpuGemm cpuGemm, int threads) {
    return new CpuBackend(threads, cpuGemm);
  }
}
