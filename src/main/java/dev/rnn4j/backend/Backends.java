package dev.rnn4j.backend;

import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses a backend: {@code cpu}, {@code cuda} or {@code auto} (CUDA where a
 * device and driver are usable, else CPU with one log line saying why). The system property {@value
 * #PROPERTY} overrides the default choice ({@code auto}); {@value #THREADS_PROPERTY} sets the CPU
 * backend's Java threads and {@value CpuGemm#PROPERTY} its GEMM mode ({@link CpuGemm}).
 *
 * <p>The backends themselves are implementations this API does not import: each is a {@link
 * BackendProvider} found through {@link ServiceLoader} ({@code
 * META-INF/services/dev.rnn4j.backend.BackendProvider}), and the CUDA one is opened, and JCuda
 * loaded, only when CUDA is asked for.
 */
public final class Backends {
  /** System property naming the backend: cpu, cuda or auto. */
  public static final String PROPERTY = "rnn4j.backend";

  /** System property with the CPU backend's thread count (default: available processors). */
  public static final String THREADS_PROPERTY = "rnn4j.threads";

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /** The backend named by {@value #PROPERTY}, or {@code auto}. */
  public static Backend create() {
    return create(System.getProperty(PROPERTY, "auto"));
  }

  /**
   * Opens the named backend. {@code cuda} throws {@link BackendUnavailableException} with the
   * reason where CUDA cannot run; {@code auto} falls back to CPU.
   */
  public static Backend create(String name) {
    return create(name, null);
  }

  /**
   * As {@link #create(String)}, with the CPU backend's GEMMs running as {@code cpuGemm} says (null:
   * as the system property {@value CpuGemm#PROPERTY} says, else sgemm). The CUDA backend ignores
   * it.
   */
  public static Backend create(String name, CpuGemm cpuGemm) {
    return create(name, cpuGemm, 0);
  }

  /**
   * As {@link #create(String, CpuGemm)}, with the CPU backend's Java loops on {@code threads}
   * threads (0: as the system property {@value #THREADS_PROPERTY} says, else one per available
   * processor). The CUDA backend ignores it.
   */
  public static Backend create(String name, CpuGemm cpuGemm, int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("thread count must be >= 0 (0: default), got " + threads);
    }
    String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "cpu":
        return cpu(cpuGemm, threads);
      case "cuda":
        return cuda();
      case "auto":
        try {
          return cuda();
        } catch (BackendUnavailableException e) {
          LOG.info("rnn4j: using the CPU backend; CUDA is unavailable: {}", e.getMessage());
          return cpu(cpuGemm, threads);
        }
      default:
        throw new IllegalArgumentException(
            "unknown backend '"
                + name
                + "'; use cpu, cuda or auto (system property "
                + PROPERTY
                + ")");
    }
  }

  private static Backend cpu(CpuGemm gemm, int threads) {
    CpuGemm g = gemm != null ? gemm : CpuGemm.fromProperty();
    if (threads > 0) {
      return cpuProvider().open(g, threads);
    }
    String t = System.getProperty(THREADS_PROPERTY);
    if (t == null) {
      return cpuProvider().open(g, Runtime.getRuntime().availableProcessors());
    }
    try {
      return cpuProvider().open(g, Integer.parseInt(t.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          THREADS_PROPERTY + " must be a positive integer, got '" + t + "'", e);
    }
  }

  private static BackendProvider cpuProvider() {
    BackendProvider p = provider("cpu");
    if (p == null) {
      throw new BackendUnavailableException(
          "this build of rnn4j has no CPU backend (no "
              + BackendProvider.class.getName()
              + " named cpu in META-INF/services)");
    }
    return p;
  }

  /** Opens the CUDA backend through its provider (loaded only when asked for). */
  private static Backend cuda() {
    BackendProvider p;
    try {
      p = provider("cuda");
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new BackendUnavailableException("this build of rnn4j has no CUDA backend", e);
    }
    if (p == null) {
      throw new BackendUnavailableException("this build of rnn4j has no CUDA backend");
    }
    try {
      return p.open(null, 0);
    } catch (BackendUnavailableException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new BackendUnavailableException("CUDA backend failed to start: " + e, e);
    }
  }

  /** The first provider named {@code name} on this class's class path, or null. */
  private static BackendProvider provider(String name) {
    for (BackendProvider p :
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
