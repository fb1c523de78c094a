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
   * Opens a backend. {@code cpuGemm} and {@code threads} are the CPU backend's settings as {@link
   * Backends} resolved them (for {@code cpu}: never null, and the thread count as given); other
   * backends get null and 0 and ignore them. Throws {@link BackendUnavailableException} with the
   * reason where the backend cannot run here.
   */
  Backend open(CpuGemm cpuGemm, int threads);
}
