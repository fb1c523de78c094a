package dev.rnn4j.backend;

import java.util.Locale;
import java.util.function.Function;

/**
 * The one place rnn4j reads its system properties ({@code -Drnn4j....}), turning them into {@link
 * CpuOptions}, {@link CudaOptions} and the backend name; every other class gets its settings from
 * those objects (a test fails if another main source reads an rnn4j property). A property that is
 * not set leaves its setting at the default; one that is set but not understood is refused, naming
 * the property, the value and what it accepts, rather than read as the default. The table of
 * properties, options and defaults is in docs/ARCHITECTURE.md ("Configuration").
 *
 * <p>The properties are read when a backend is built ({@link Backends#create(String)}, the
 * backends' constructors without options), never per call: a property changed later affects only
 * backends built later.
 */
public final class SystemProperties {
  /** The backend {@link Backends#create()} opens: cpu, cuda or auto (default auto). */
  public static final String BACKEND = "rnn4j.backend";

  /** {@link CpuOptions#threads}: a positive integer (default: one per available processor). */
  public static final String THREADS = "rnn4j.threads";

  /** {@link CpuOptions#gemm}: sgemm, f32 or bf16 (default sgemm). */
  public static final String CPU_GEMM = "rnn4j.cpu.gemm";

  /** {@link CpuOptions#activations}: fast or exact (default fast). */
  public static final String CPU_ACTIVATIONS = "rnn4j.cpu.activations";

  /** {@link CpuOptions#fusedRnn}: auto, true or false (default auto). */
  public static final String CPU_FUSED_RNN = "rnn4j.cpu.fusedRnn";

  /** {@link CpuOptions#checkMemory}: true or false (default false). */
  public static final String CPU_CHECK_MEMORY = "rnn4j.cpu.checkMemory";

  /** {@link CpuOptions#cacheBytes}: a whole number of bytes >= 0 (default 1 GiB). */
  public static final String CPU_CACHE_BYTES = "rnn4j.cpu.cacheBytes";

  /** {@link CudaOptions#device}: a device ordinal >= 0 (default 0). */
  public static final String CUDA_DEVICE = "rnn4j.cuda.device";

  /** {@link CudaOptions#gemm}: auto, cublas or kernel (default auto). */
  public static final String CUDA_GEMM = "rnn4j.cuda.gemm";

  /** {@link CudaOptions#tf32}: true or false (default false). */
  public static final String CUDA_TF32 = "rnn4j.cuda.tf32";

  /** {@link CudaOptions#fusedStepMaxBatch}: 0 to 32 (default 32). */
  public static final String CUDA_FUSED_STEP_MAX_BATCH = "rnn4j.cuda.fusedStepMaxBatch";

  /** {@link CudaOptions#sync}: true or false (default false). */
  public static final String CUDA_SYNC = "rnn4j.cuda.sync";

  /** {@link CudaOptions#launchArguments}: buffer or arrays (default buffer). */
  public static final String CUDA_LAUNCH = "rnn4j.cuda.launch";

  private SystemProperties() {}

  /** The backend named by {@value #BACKEND}, else {@code auto}. */
  public static String backend() {
    return backend(System::getProperty);
  }

  /** {@link CpuOptions#defaults()} with each set CPU property applied. */
  public static CpuOptions cpuOptions() {
    return cpuOptions(System::getProperty);
  }

  /** {@link CudaOptions#defaults()} with each set CUDA property applied. */
  public static CudaOptions cudaOptions() {
    return cudaOptions(System::getProperty);
  }

  /**
   * As {@link #backend()}, reading properties through {@code property} (name → value, null when
   * unset): a {@link java.util.Properties}' {@code getProperty}, a map's {@code get}.
   */
  public static String backend(Function<String, String> property) {
    String v = property.apply(BACKEND);
    return v == null ? "auto" : v;
  }

  /** As {@link #cpuOptions()}, reading properties through {@code property} (null when unset). */
  public static CpuOptions cpuOptions(Function<String, String> property) {
    CpuOptions o = CpuOptions.defaults();
    String v;
    if ((v = property.apply(THREADS)) != null) {
      o = o.withThreads(positiveInt(THREADS, v));
    }
    if ((v = property.apply(CPU_GEMM)) != null) {
      o = o.withGemm(parse(CPU_GEMM, v, CpuGemm::parse));
    }
    if ((v = property.apply(CPU_ACTIVATIONS)) != null) {
      o = o.withActivations(parse(CPU_ACTIVATIONS, v, CpuOptions.Activations::parse));
    }
    if ((v = property.apply(CPU_FUSED_RNN)) != null) {
      o = o.withFusedRnn(parse(CPU_FUSED_RNN, v, CpuOptions.FusedRnn::parse));
    }
    if ((v = property.apply(CPU_CHECK_MEMORY)) != null) {
      o = o.withCheckMemory(bool(CPU_CHECK_MEMORY, v));
    }
    if ((v = property.apply(CPU_CACHE_BYTES)) != null) {
      o = o.withCacheBytes(bytes(CPU_CACHE_BYTES, v));
    }
    return o;
  }

  /** As {@link #cudaOptions()}, reading properties through {@code property} (null when unset). */
  public static CudaOptions cudaOptions(Function<String, String> property) {
    CudaOptions o = CudaOptions.defaults();
    String v;
    if ((v = property.apply(CUDA_DEVICE)) != null) {
      o = o.withDevice(wholeNumber(CUDA_DEVICE, v, 0, Integer.MAX_VALUE, "a device ordinal >= 0"));
    }
    if ((v = property.apply(CUDA_GEMM)) != null) {
      o = o.withGemm(parse(CUDA_GEMM, v, CudaOptions.Gemm::parse));
    }
    if ((v = property.apply(CUDA_TF32)) != null) {
      o = o.withTf32(bool(CUDA_TF32, v));
    }
    if ((v = property.apply(CUDA_FUSED_STEP_MAX_BATCH)) != null) {
      o =
          o.withFusedStepMaxBatch(
              wholeNumber(
                  CUDA_FUSED_STEP_MAX_BATCH,
                  v,
                  0,
                  CudaOptions.FUSED_STEP_LIMIT,
                  "a whole number from 0 (no fused steps) to " + CudaOptions.FUSED_STEP_LIMIT));
    }
    if ((v = property.apply(CUDA_SYNC)) != null) {
      o = o.withSync(bool(CUDA_SYNC, v));
    }
    if ((v = property.apply(CUDA_LAUNCH)) != null) {
      o = o.withLaunchArguments(parse(CUDA_LAUNCH, v, CudaOptions.LaunchArguments::parse));
    }
    return o;
  }

  private static <T> T parse(String name, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("system property " + name + ": " + e.getMessage(), e);
    }
  }

  private static boolean bool(String name, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(name, value, "true or false");
    };
  }

  private static int positiveInt(String name, String value) {
    return wholeNumber(name, value, 1, Integer.MAX_VALUE, "a positive integer");
  }

  private static int wholeNumber(String name, String value, int min, int max, String valid) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw bad(name, value, valid);
  }

  private static long bytes(String name, String value) {
    try {
      long n = Long.decode(value.trim()); // as Long.getLong read it: 0x... and 0... too
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw bad(name, value, "a whole number of bytes >= 0, e.g. 1073741824");
  }

  private static IllegalArgumentException bad(String name, String value, String valid) {
    return new IllegalArgumentException(
        "system property " + name + ": expected " + valid + ", got '" + value + "'");
  }
}
