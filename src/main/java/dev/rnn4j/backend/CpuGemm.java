package dev.rnn4j.backend;

import java.util.Locale;

/**
 * How the CPU backend multiplies matrices: {@link CpuOptions#gemm}. Chosen per backend ({@link
 * CpuOptions#withGemm}, {@link Backends#create(String, CpuGemm, int)}); the default of {@link
 * CpuOptions#fromSystemProperties()} comes from the system property {@value #PROPERTY}. It lives in
 * the backend API so that choosing it needs no import of the CPU implementation; whether this CPU
 * can run {@link #BF16} is {@code CpuBackend.bf16Unavailable()}.
 */
public enum CpuGemm {
  /** oneDNN's {@code dnnl_sgemm}: f32 throughout (the default). */
  SGEMM,
  /** oneDNN's matmul primitive in f32 (brgemm kernels; see the CPU backend's DnnlMatmul). */
  F32,
  /**
   * Mixed precision: both operands rounded to bfloat16 (nearest even), f32 accumulation and output,
   * through oneDNN's matmul primitive. About 2x the f32 GEMM rate on CPUs with AVX512-BF16 or AMX;
   * on other CPUs (where oneDNN would emulate bf16, or has none) the CPU backend refuses it with
   * the reason; each operand keeps 8 significant bits, so products differ from f32 by about 2^-9
   * relative. Everything outside GEMMs stays f32.
   */
  BF16;

  /**
   * System property with the default: {@code sgemm}, {@code f32} or {@code bf16} (the same as
   * {@link SystemProperties#CPU_GEMM}, which reads it).
   */
  public static final String PROPERTY = SystemProperties.CPU_GEMM;

  /** Parses {@code sgemm}, {@code f32} or {@code bf16} (any case); names the choices otherwise. */
  public static CpuGemm parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "sgemm" -> SGEMM;
      case "f32" -> F32;
      case "bf16" -> BF16;
      default ->
          throw new IllegalArgumentException(
              "CPU GEMM mode '" + value + "' is not one of sgemm, f32, bf16");
    };
  }
}
