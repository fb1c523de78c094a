package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendProvider;
import dev.rnn4j.backend.BackendUnavailableException;
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
    try {
      Class.forName("jcuda.driver.JCudaDriver", false, CudaBackendProvider.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new BackendUnavailableException(
          "JCuda is not on the class path: dev.rnn4j:rnn4j-cuda depends on org.jcuda:jcuda:12.6.0"
              + " and org.jcuda:jcuda-natives:12.6.0 (classifier linux-x86_64); was it excluded"
              + " from your build?",
          e);
    }
    return CudaBackend.open(cuda);
  }
}
