package dev.rnn4j.backend.cuda;

import dev.rnn4j.backend.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;

/**
 * One CUDA backend shared by the GPU tests of a JVM, or the reason there is none. GPU tests call
 * {@link #cuda()}, which skips them (JUnit assumption) with that reason on machines without CUDA.
 */
final class CudaTestSupport {
  private static CudaBackend backend;
  private static String reason;

  private CudaTestSupport() {}

  /** Opens the backend once; returns null and remembers why where CUDA is unavailable. */
  static synchronized CudaBackend tryOpen() {
    if (backend == null && reason == null) {
      try {
        backend = CudaBackend.open();
      } catch (BackendUnavailableException e) {
        reason = e.getMessage();
      }
    }
    return backend;
  }

  /** The shared backend; skips the calling test where CUDA is unavailable. */
  static CudaBackend cuda() {
    CudaBackend b = tryOpen();
    Assumptions.assumeTrue(b != null, () -> "no CUDA here: " + reason);
    return b;
  }

  static synchronized String reason() {
    tryOpen();
    return reason;
  }
}
