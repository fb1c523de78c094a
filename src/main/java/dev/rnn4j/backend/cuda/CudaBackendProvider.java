package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendProvider;
import dev.rnn4j.backend.CpuGemm;

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

  /** {@link CudaBackend#open()}; the CPU settings are ignored. */
  @Override
  public Backend open(CpuGemm cpuGemm, int threads) {
    return CudaBackend.open();
  }
}
