package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;

/**
 * Elementwise agreement |got - ref| <= atol + rtol * |ref| with a message naming the tensor, the
 * first failing index, both values and the largest difference over the whole tensor.
 */
final class Compare {
  private Compare() {}

  static void close(String what, float[] ref, float[] got, double atol, double rtol) {
    if (ref.length != got.length) {
      fail(what + ": " + got.length + " values, expected " + ref.length);
    }
    int firstBad = -1;
    double maxDiff = 0;
    int maxAt = -1;
    for (int i = 0; i < ref.length; i++) {
      double r = ref[i];
      double g = got[i];
      boolean same = Double.compare(r, g) == 0; // NaN == NaN, inf == inf
      double d = same ? 0 : Math.abs(g - r);
      if (!same && !(d <= atol + rtol * Math.abs(r))) {
        if (firstBad < 0) {
          firstBad = i;
        }
        if (Double.isNaN(d)) {
          d = Double.POSITIVE_INFINITY;
        }
      }
      if (d > maxDiff || maxAt < 0) {
        maxDiff = d;
        maxAt = i;
      }
    }
    if (firstBad >= 0) {
      fail(
          String.format(
              Locale.ROOT,
              "%s[%d]: CPU %s, CUDA %s, |diff| %.3g > %.3g (atol %.1g + rtol %.1g·|ref|);"
                  + " max |diff| %.3g at [%d] over %d values",
              what,
              firstBad,
              ref[firstBad],
              got[firstBad],
              Math.abs((double) got[firstBad] - ref[firstBad]),
              atol + rtol * Math.abs(ref[firstBad]),
              atol,
              rtol,
              maxDiff,
              maxAt,
              ref.length));
    }
  }

  static void close(String what, double ref, double got, double atol, double rtol) {
    double d = Math.abs(ref - got);
    if (!(d <= atol + rtol * Math.abs(ref))) {
      fail(
          String.format(
              Locale.ROOT,
              "%s: CPU %s, CUDA %s, |diff| %.3g > atol %.1g + rtol %.1g·|ref|",
              what,
              ref,
              got,
              d,
              atol,
              rtol));
    }
  }
}
