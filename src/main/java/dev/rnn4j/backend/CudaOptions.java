package dev.rnn4j.backend;

import java.util.Locale;

/**
 * Every setting of the CUDA backend, read once when the backend is opened ({@code
 * CudaBackend.open(options)} or {@link Backends#create(String, CpuOptions, CudaOptions)}). It lives
 * in the backend API so that choosing settings needs no import of the CUDA implementation (nor
 * JCuda). {@link #defaults()} is the documented default of each setting; {@link
 * #fromSystemProperties()} is what the system properties (table: docs/ARCHITECTURE.md,
 * "Configuration") make of them. Values are checked here, naming the setting, the value and what it
 * accepts.
 *
 * <p>{@link #device}, {@link #sync} and {@link #launchArguments} concern the process's one CUDA
 * device: rnn4j opens one device per process, so every CUDA backend of a process must name the same
 * {@link #device}; {@link #sync} and {@link #launchArguments} apply to the launches of the backend
 * that has them.
 *
 * @param device the CUDA device ordinal, at least 0 (default 0)
 * @param gemm which GEMM implementation runs (default {@link Gemm#AUTO})
 * @param tf32 whether cuBLAS may use TF32 tensor cores: faster on large products, no longer within
 *     float rounding of the CPU (default false)
 * @param fusedStepMaxBatch the largest batch whose LSTM steps run as one fused kernel, 0 (off) to
 *     {@link #FUSED_STEP_LIMIT} (default {@link #FUSED_STEP_LIMIT})
 * @param sync whether every kernel launch is followed by a synchronisation, so an asynchronous
 *     fault is reported by the kernel that caused it; slow, for debugging (default false)
 * @param launchArguments how launch arguments reach the driver (default {@link
 *     LaunchArguments#BUFFER})
 */
public record CudaOptions(
    int device,
    Gemm gemm,
    boolean tf32,
    int fusedStepMaxBatch,
    boolean sync,
    LaunchArguments launchArguments) {

  /** The largest batch the fused LSTM step kernel is checked for (its parity test ran 1 to 32). */
  public static final int FUSED_STEP_LIMIT = 32;

  /** The GEMM implementation of the CUDA backend. */
  public enum Gemm {
    /** cuBLAS where it loads, else rnn4j's own kernel with one warning (the default). */
    AUTO,
    /** cuBLAS, or the backend is unavailable. */
    CUBLAS,
    /** rnn4j's own tiled kernel (slower than cuBLAS). */
    KERNEL;

    /** Parses {@code auto}, {@code cublas} or {@code kernel} (any case); names them otherwise. */
    public static Gemm parse(String value) {
      return switch (lower(value)) {
        case "auto" -> AUTO;
        case "cublas" -> CUBLAS;
        case "kernel" -> KERNEL;
        default ->
            throw new IllegalArgumentException(
                "expected auto, cublas or kernel, got '" + value + "'");
      };
    }
  }

  /** How kernel launch arguments are handed to the driver. */
  public enum LaunchArguments {
    /**
     * Per-thread native argument slots, one direct buffer per launch (the default; 3.9-5.5 µs of
     * host time per empty launch on an H200).
     */
    BUFFER,
    /** One Java array per argument, the older and slower way (11-14.5 µs), for comparison. */
    ARRAYS;

    /** Parses {@code buffer} or {@code arrays} (any case); names the choices otherwise. */
    public static LaunchArguments parse(String value) {
      return switch (lower(value)) {
        case "buffer" -> BUFFER;
        case "arrays" -> ARRAYS;
        default ->
            throw new IllegalArgumentException("expected buffer or arrays, got '" + value + "'");
      };
    }
  }

  /** Checks every setting; the message names it, the value and what it accepts. */
  public CudaOptions {
    if (device < 0) {
      throw new IllegalArgumentException(
          "CudaOptions.device must be a device ordinal >= 0, got " + device);
    }
    if (gemm == null) {
      throw new IllegalArgumentException(
          "CudaOptions.gemm is null; use Gemm.AUTO (the default), CUBLAS or KERNEL");
    }
    if (fusedStepMaxBatch < 0 || fusedStepMaxBatch > FUSED_STEP_LIMIT) {
      throw new IllegalArgumentException(
          "CudaOptions.fusedStepMaxBatch must be from 0 (no fused steps) to "
              + FUSED_STEP_LIMIT
              + ", got "
              + fusedStepMaxBatch);
    }
    if (launchArguments == null) {
      throw new IllegalArgumentException(
          "CudaOptions.launchArguments is null; use LaunchArguments.BUFFER (the default) or"
              + " ARRAYS");
    }
  }

  /**
   * The defaults: device 0, GEMMs by cuBLAS where it loads, no TF32, fused LSTM steps up to batch
   * {@value #FUSED_STEP_LIMIT}, no synchronisation after launches, arguments through native slots.
   * System properties play no part.
   */
  public static CudaOptions defaults() {
    return new CudaOptions(0, Gemm.AUTO, false, FUSED_STEP_LIMIT, false, LaunchArguments.BUFFER);
  }

  /**
   * The defaults with each setting whose system property is set replaced by its value ({@link
   * SystemProperties#cudaOptions()}); a value that is not understood is refused naming the
   * property.
   */
  public static CudaOptions fromSystemProperties() {
    return SystemProperties.cudaOptions();
  }

  /** These options on device {@code device}. */
  public CudaOptions withDevice(int device) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  /** These options with GEMMs by {@code gemm}. */
  public CudaOptions withGemm(Gemm gemm) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  /** These options with cuBLAS's TF32 tensor cores allowed or not. */
  public CudaOptions withTf32(boolean tf32) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  /** These options with LSTM steps fused up to batch {@code fusedStepMaxBatch} (0: never). */
  public CudaOptions withFusedStepMaxBatch(int fusedStepMaxBatch) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  /** These options with a synchronisation after every launch, or without. */
  public CudaOptions withSync(boolean sync) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  /** These options with launch arguments passed as {@code launchArguments} says. */
  public CudaOptions withLaunchArguments(LaunchArguments launchArguments) {
    return new CudaOptions(device, gemm, tf32, fusedStepMaxBatch, sync, launchArguments);
  }

  private static String lower(String value) {
    return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
  }
}
