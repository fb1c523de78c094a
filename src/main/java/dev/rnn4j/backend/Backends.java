package dev.rnn4j.backend;

import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses a backend: {@code cpu}, {@code cuda} or {@code auto} (CUDA where a
 * device and driver are usable, else CPU with one log line saying why). Each backend is built from
 * its options ({@link CpuOptions}, {@link CudaOptions}); where none are given, they come from the
 * system properties ({@link SystemProperties}), read when that backend is opened, and only for the
 * backend being opened (a bad CPU property does not stop a CUDA backend, nor the reverse). The
 * system property {@value #PROPERTY} overrides the default choice of {@link #create()} ({@code
 * auto}).
 *
 * <p>The backends themselves are implementations this API does not import: each is a {@link
 * BackendProvider} found through {@link ServiceLoader} ({@code
 * META-INF/services/dev.rnn4j.backend.BackendProvider}). The CPU backend ships in this library; the
 * CUDA backend is the artifact {@value #CUDA_ARTIFACT}, found whenever its jar is on the class
 * path, and opened, and JCuda loaded, only when CUDA is asked for. Without it, {@code cuda} throws
 * {@link BackendUnavailableException} saying to add it, and {@code auto} picks the CPU.
 */
public final class Backends {
  /** System property naming the backend: cpu, cuda or auto ({@link SystemProperties#BACKEND}). */
  public static final String PROPERTY = SystemProperties.BACKEND;

  /**
   * System property with the CPU backend's thread count (default: available processors; {@link
   * SystemProperties#THREADS}).
   */
  public static final String THREADS_PROPERTY = SystemProperties.THREADS;

  /** The artifact that holds the CUDA backend ({@code dev.rnn4j.backend.cuda}). */
  public static final String CUDA_ARTIFACT = "dev.rnn4j:rnn4j-cuda";

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /** The backend named by {@value #PROPERTY}, or {@code auto}, with options from the properties. */
  public static Backend create() {
    return create(SystemProperties.backend());
  }

  /**
   * Opens the named backend with options from the system properties. {@code cuda} throws {@link
   * BackendUnavailableException} with the reason where CUDA cannot run; {@code auto} falls back to
   * CPU.
   */
  public static Backend create(String name) {
    return create(name, null, null);
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
   * processor). The CPU backend's other settings come from the system properties; the CUDA backend
   * ignores both arguments.
   */
  public static Backend create(String name, CpuGemm cpuGemm, int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("thread count must be >= 0 (0: default), got " + threads);
    }
    return open(
        name,
        () -> {
          CpuOptions o = SystemProperties.cpuOptions();
          o = cpuGemm != null ? o.withGemm(cpuGemm) : o;
          return threads > 0 ? o.withThreads(threads) : o;
        },
        SystemProperties::cudaOptions);
  }

  /**
   * Opens the named backend with these options: {@code cpu} for the CPU backend ({@code cpu}, or
   * {@code auto} without CUDA), {@code cuda} for the CUDA backend. A null argument means "from the
   * system properties" ({@link CpuOptions#fromSystemProperties()}, {@link
   * CudaOptions#fromSystemProperties()}), read only if that backend is opened.
   */
  public static Backend create(String name, CpuOptions cpu, CudaOptions cuda) {
    return open(
        name,
        cpu != null ? () -> cpu : SystemProperties::cpuOptions,
        cuda != null ? () -> cuda : SystemProperties::cudaOptions);
  }

  private static Backend open(String name, Supplier<CpuOptions> cpu, Supplier<CudaOptions> cuda) {
    String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "cpu":
        return cpu(cpu);
      case "cuda":
        return cuda(cuda);
      case "auto":
        try {
          return cuda(cuda);
        } catch (BackendUnavailableException e) {
          LOG.info("rnn4j: using the CPU backend; CUDA is unavailable: {}", e.getMessage());
          return cpu(cpu);
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

  private static Backend cpu(Supplier<CpuOptions> options) {
    BackendProvider p = cpuProvider();
    return p.open(options.get(), null);
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

  /**
   * Opens the CUDA backend through its provider (loaded only when asked for). Options that fail to
   * resolve (a system property not understood) make CUDA unavailable with that reason, as a failure
   * to start does, so {@code auto} falls back to CPU.
   */
  private static Backend cuda(Supplier<CudaOptions> options) {
    BackendProvider p;
    try {
      p = provider("cuda");
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new BackendUnavailableException(
          "the CUDA backend (" + CUDA_ARTIFACT + ") is on the class path but does not load: " + e,
          e);
    }
    if (p == null) {
      throw new BackendUnavailableException(missingCudaBackend());
    }
    CudaOptions o;
    try {
      o = options.get();
    } catch (IllegalArgumentException e) {
      throw new BackendUnavailableException(e.getMessage(), e);
    }
    try {
      return p.open(null, o);
    } catch (BackendUnavailableException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new BackendUnavailableException("CUDA backend failed to start: " + e, e);
    }
  }

  /**
   * What to add when no CUDA provider is found: the artifact, in the version of this library where
   * its jar says it ({@code Implementation-Version}).
   */
  static String missingCudaBackend() {
    String version = Backends.class.getPackage().getImplementationVersion();
    return "the CUDA backend is not on the class path: add "
        + CUDA_ARTIFACT
        + (version != null ? ":" + version : " (the version of dev.rnn4j:rnn4j)")
        + " to your build (it brings JCuda and rnn4j's kernels)";
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
