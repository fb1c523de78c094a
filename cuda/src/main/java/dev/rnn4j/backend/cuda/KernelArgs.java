package dev.rnn4j.backend.cuda;

import java.util.Arrays;

/**
 * The arguments of one kernel launch, in order, each with its kind (pointer, long, int, float) so a
 * launch can check them against {@link Kernel#signature()} before handing them to the driver: a
 * 4-byte int where the kernel expects an 8-byte pointer would otherwise be read as garbage.
 */
final class KernelArgs {
  private long[] values = new long[16];
  private final StringBuilder kinds = new StringBuilder(16);

  private KernelArgs add(char kind, long value) {
    int n = kinds.length();
    if (n == values.length) {
      values = Arrays.copyOf(values, 2 * n);
    }
    values[n] = value;
    kinds.append(kind);
    return this;
  }

  /** A device address (0 for a null pointer). */
  KernelArgs ptr(long address) {
    return add('p', address);
  }

  /** A 64-bit integer. */
  KernelArgs l(long v) {
    return add('l', v);
  }

  /** A 32-bit integer. */
  KernelArgs i(int v) {
    return add('i', v);
  }

  /** A float. */
  KernelArgs f(float v) {
    return add('f', Float.floatToRawIntBits(v));
  }

  int size() {
    return kinds.length();
  }

  /** Kind letters in order, comparable with {@link Kernel#signature()}. */
  String signature() {
    return kinds.toString();
  }

  char kind(int index) {
    return kinds.charAt(index);
  }

  /** The raw value: an address, a long, an int, or a float's bits. */
  long value(int index) {
    return values[index];
  }

  /** Throws unless these arguments match the kernel's parameters. */
  void check(LaunchConfig config) {
    String want = config.kernel().signature();
    if (!want.contentEquals(kinds)) {
      throw new IllegalStateException(
          "kernel arguments ("
              + kinds
              + ") do not match the parameters of "
              + config
              + " ("
              + want
              + "): a bug in the rnn4j CUDA launcher");
    }
  }
}
