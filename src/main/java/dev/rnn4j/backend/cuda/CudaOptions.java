package dev.rnn4j.backend.cuda;

import java.util.Locale;

/**
 * Parses the CUDA backend's tuning properties ({@value CublasGemm#TF32_PROPERTY}, {@value
 * JCudaDevice#LAUNCH_PROPERTY}, {@value CudaCells#FUSED_STEP_PROPERTY}). A value that is set but
 * not understood is refused with the property's name and what it accepts, rather than read as the
 * default.
 */
final class CudaOptions {
  private CudaOptions() {}

  /** {@value CublasGemm#TF32_PROPERTY}: {@code true} or {@code false} (default false). */
  static boolean tf32(String value) {
    if (value == null) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(CublasGemm.TF32_PROPERTY, value, "true or false");
    };
  }

  /**
   * {@value JCudaDevice#LAUNCH_PROPERTY}: {@code buffer} (default: native argument slots) or {@code
   * arrays} (one Java array per argument); returns whether arrays are asked for.
   */
  static boolean arrayLaunchArguments(String value) {
    if (value == null) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "buffer" -> false;
      case "arrays" -> true;
      default -> throw bad(JCudaDevice.LAUNCH_PROPERTY, value, "buffer or arrays");
    };
  }

  /**
   * {@value CudaCells#FUSED_STEP_PROPERTY}: the largest batch whose LSTM steps run fused, 0 to
   * {@link CudaCells#FUSED_STEP_LIMIT} (default the limit).
   */
  static int fusedStepMaxBatch(String value) {
    if (value == null) {
      return CudaCells.FUSED_STEP_LIMIT;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0 && n <= CudaCells.FUSED_STEP_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw bad(
        CudaCells.FUSED_STEP_PROPERTY,
        value,
        "a whole number from 0 (no fused steps) to " + CudaCells.FUSED_STEP_LIMIT);
  }

  private static IllegalArgumentException bad(String property, String value, String valid) {
    return new IllegalArgumentException(
        "-D" + property + "=" + value + " is not understood; use " + valid);
  }
}
