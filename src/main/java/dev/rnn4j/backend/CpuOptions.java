package dev.rnn4j.backend;

import java.util.Locale;

/**
 * Every setting of the CPU backend, read once when the backend is built ({@code new
 * CpuBackend(options)} or {@link Backends#create(String, CpuOptions, CudaOptions)}). It lives in
 * the backend API, beside {@link CpuGemm}, so that choosing settings needs no import of the CPU
 * implementation. {@link #defaults()} is the documented default of each setting; {@link
 * #fromSystemProperties()} is what the system properties (table: docs/ARCHITECTURE.md,
 * "Configuration") make of them. Values are checked here, so a bad one fails before anything is
 * built, naming the setting, the value and what it accepts.
 *
 * <pre>{@code
 * CpuOptions o = CpuOptions.defaults().withThreads(4).withGemm(CpuGemm.BF16);
 * }</pre>
 *
 * @param threads the Java threads of the backend's loops, at least 1 (default: one per available
 *     processor). oneDNN's own threads come from {@code OMP_NUM_THREADS}.
 * @param gemm how GEMMs run (default {@link CpuGemm#SGEMM})
 * @param activations how the recurrent cells evaluate tanh and σ (default {@link Activations#FAST})
 * @param fusedRnn when layers run whole sequences through oneDNN's RNN primitives (default {@link
 *     FusedRnn#AUTO})
 * @param checkMemory the checking mode of the off-heap memory: canaries around every tensor, double
 *     closes refused, allocation sites recorded; slower, for hunting memory errors and leaks
 *     (default false)
 * @param cacheBytes the most bytes of closed tensors' blocks the backend keeps for reuse, at least
 *     0 (default 1 GiB)
 */
public record CpuOptions(
    int threads,
    CpuGemm gemm,
    Activations activations,
    FusedRnn fusedRnn,
    boolean checkMemory,
    long cacheBytes) {

  /** The default of {@link #cacheBytes}: 1 GiB. */
  public static final long DEFAULT_CACHE_BYTES = 1L << 30;

  /** How the recurrent cells evaluate tanh and σ. */
  public enum Activations {
    /**
     * A vectorizable rational approximation (relative error under 3.4e-7); the default, 10-30x
     * faster per activation than {@link #EXACT}.
     */
    FAST,
    /** {@link Math#exp}-based reference loops, within one float ulp. */
    EXACT;

    /** Parses {@code fast} or {@code exact} (any case); names the choices otherwise. */
    public static Activations parse(String value) {
      return switch (lower(value)) {
        case "fast" -> FAST;
        case "exact" -> EXACT;
        default ->
            throw new IllegalArgumentException("expected fast or exact, got '" + value + "'");
      };
    }
  }

  /**
   * When layers run whole full-length batches through oneDNN's LSTM, GRU and RNN primitives instead
   * of the per-step cells. The default follows measurement (docs/PERFORMANCE.md, "Fused
   * sequences"): the primitive is faster for inference, the per-step loop for training.
   */
  public enum FusedRnn {
    /** For inference only (the default); property value {@code auto}. */
    AUTO,
    /** For inference and training; property value {@code true}. */
    ALWAYS,
    /** Never; property value {@code false}. */
    NEVER;

    /**
     * Parses {@code auto}, {@code true} or {@code false} (any case); names the choices otherwise.
     */
    public static FusedRnn parse(String value) {
      return switch (lower(value)) {
        case "auto" -> AUTO;
        case "true" -> ALWAYS;
        case "false" -> NEVER;
        default ->
            throw new IllegalArgumentException("expected auto, true or false, got '" + value + "'");
      };
    }
  }

  /** Checks every setting; the message names it, the value and what it accepts. */
  public CpuOptions {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "CpuOptions.threads must be >= 1 (the default is one per available processor, "
              + Runtime.getRuntime().availableProcessors()
              + " here), got "
              + threads);
    }
    if (gemm == null) {
      throw new IllegalArgumentException(
          "CpuOptions.gemm is null; use CpuGemm.SGEMM (the default), F32 or BF16");
    }
    if (activations == null) {
      throw new IllegalArgumentException(
          "CpuOptions.activations is null; use Activations.FAST (the default) or EXACT");
    }
    if (fusedRnn == null) {
      throw new IllegalArgumentException(
          "CpuOptions.fusedRnn is null; use FusedRnn.AUTO (the default), ALWAYS or NEVER");
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException(
          "CpuOptions.cacheBytes must be >= 0 (0 keeps no closed blocks; default "
              + DEFAULT_CACHE_BYTES
              + "), got "
              + cacheBytes);
    }
  }

  /**
   * The defaults: one thread per available processor, sgemm, fast activations, fused sequences for
   * inference, no memory checking, 1 GiB of cached blocks. System properties play no part.
   */
  public static CpuOptions defaults() {
    return new CpuOptions(
        Runtime.getRuntime().availableProcessors(),
        CpuGemm.SGEMM,
        Activations.FAST,
        FusedRnn.AUTO,
        false,
        DEFAULT_CACHE_BYTES);
  }

  /**
   * The defaults with each setting whose system property is set replaced by its value ({@link
   * SystemProperties#cpuOptions()}); a value that is not understood is refused naming the property.
   */
  public static CpuOptions fromSystemProperties() {
    return SystemProperties.cpuOptions();
  }

  /** These options with {@code threads} Java threads. */
  public CpuOptions withThreads(int threads) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  /** These options with GEMMs run as {@code gemm} says. */
  public CpuOptions withGemm(CpuGemm gemm) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  /** These options with the cells' tanh and σ evaluated as {@code activations} says. */
  public CpuOptions withActivations(Activations activations) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  /** These options with the fused-sequence policy {@code fusedRnn}. */
  public CpuOptions withFusedRnn(FusedRnn fusedRnn) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  /** These options with the off-heap memory's checking mode on or off. */
  public CpuOptions withCheckMemory(boolean checkMemory) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  /** These options keeping at most {@code cacheBytes} of closed blocks for reuse. */
  public CpuOptions withCacheBytes(long cacheBytes) {
    return new CpuOptions(threads, gemm, activations, fusedRnn, checkMemory, cacheBytes);
  }

  private static String lower(String value) {
    return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
  }
}
