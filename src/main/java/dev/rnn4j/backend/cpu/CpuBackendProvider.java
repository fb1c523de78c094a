package dev.rnn4j.backend.cpu;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendProvider;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.CudaOptions;

/** {@link CpuBackend} for {@link dev.rnn4j.backend.Backends} (ServiceLoader registration). */
public final class CpuBackendProvider implements BackendProvider {
  /** The public no-argument constructor ServiceLoader needs. */
  public CpuBackendProvider() {}

  @Override
  public String name() {
    return "cpu";
  }

  /** {@code new CpuBackend(cpu)}; the CUDA options are ignored. */
  @Override
  public Backend open(CpuOptions cpu, CudaOptions cuda) {
    return new CpuBackend(cpu);
  }
}
