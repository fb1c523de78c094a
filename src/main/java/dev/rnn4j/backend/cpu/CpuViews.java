package dev.rnn4j.backend.cpu;

import dev.rnn4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The CPU backend's tensors as buffers, and the size check every op family shares (the twin of the
 * CUDA backend's {@code Views}).
 */
final class CpuViews {
  private CpuViews() {}

  static CpuTensor cpu(Tensor t) {
    if (t instanceof CpuTensor c) {
      return c;
    }
    throw new IllegalArgumentException(
        "expected a tensor of the CPU backend, got " + (t == null ? "null" : t.toString()));
  }

  static FloatBuffer f(Tensor t) {
    return cpu(t).floats();
  }

  static IntBuffer i(Tensor t) {
    return cpu(t).ints();
  }

  /** The lengths (B) as ints, or null for none (every sequence full length). */
  static IntBuffer lens(Tensor lengths) {
    return lengths == null ? null : i(lengths);
  }

  static void sameSize(String op, Tensor a, Tensor b) {
    if (a.numel() != b.numel()) {
      throw new IllegalArgumentException(op + ": sizes differ, " + a.shape() + " vs " + b.shape());
    }
  }
}
