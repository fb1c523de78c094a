package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendProvider;
import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.CudaOptions;

/**
 * {@link CudaBackend} for {@link dev.rnn4j.backend.Backends} (ServiceLoader registration). Loading
 * this class loads neither {@link CudaBackend} nor JCuda; {@link #open} does, when CUDA is asked
 * for.
 */
public final class CudaBackendProvider implements BackendProvider {
  /** The public no-argument constructor ServiceLoader needs. */
  public CudaBackendProvider() {}

  @Override
  public String name() {
    return "cuda";
  }

  /** {@link CudaBackend#open(CudaOptions)}; the CPU options are ignored. */
  @Override
  public Backend open(CpuOptions cpu, CudaOptions cuda) {
    return CudaBackend.open(cuda);
  }
}
