package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU op-family tests' tolerance against naive double-precision formulas: atol 1e-5 + rtol
 * 1e-5·|ref| for float32 results (a handful of float roundings on values of order 1; a wrong index
 * or term is off by order 1).
 */
final class CpuCompare {
  private CpuCompare() {}

  static void close(double expected, double actual, String what) {
    double tol = 1e-5 + 1e-5 * Math.abs(expected);
    assertTrue(
        Math.abs(expected - actual) <= tol,
        what + ": expected " + expected + ", got " + actual + ", diff " + (actual - expected));
  }
}
