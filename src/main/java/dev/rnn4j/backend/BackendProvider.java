package dev.rnn4j.backend;

/**
 * A backend implementation as {@link Backends} finds it: through {@link java.util.ServiceLoader},
 * listed in {@code META-INF/services/dev.rnn4j.backend.BackendProvider}. The backend API imports no
 * implementation; a provider's class must load without loading its backend (the CUDA provider
 * touches JCuda only inside {@link #open}), so finding providers costs nothing.
 */
public interface BackendProvider {
  /** The name {@link Backends#create(String)} knows it by: {@code "cpu"}, {@code "cuda"}. */
  String name();

  /**
   * Opens a backend with its settings: the CPU provider uses {@code cpu}, the CUDA provider {@code
   * cuda}; {@link Backends} resolves only the options of the backend it opens and passes null for
   * the other. Throws {@link BackendUnavailableException} with the reason where the backend cannot
   * run here.
   */
  Backend open(CpuOptions cpu, CudaOptions cuda);
}
