package dev.rnn4j.bench;

/** Checks shared by the benchmarks: both libraries take their OpenMP thread count from the env. */
final class Threads {
  /** The thread count every benchmark is meant to run with (the machine's 2 cores). */
  static final String EXPECTED = "2";

  private Threads() {}

  /**
   * Warns on stderr when OMP_NUM_THREADS is not {@value #EXPECTED}: oneDNN and libtorch read it
   * once at start-up, so a JVM started without it runs with every core and its numbers are not
   * comparable.
   */
  static void warnIfOmpUnset(String who) {
    String omp = System.getenv("OMP_NUM_THREADS");
    if (!EXPECTED.equals(omp)) {
      System.err.println(
          "WARNING "
              + who
              + ": OMP_NUM_THREADS is "
              + (omp == null ? "unset" : "'" + omp + "'")
              + ", expected "
              + EXPECTED
              + "; run with OMP_NUM_THREADS="
              + EXPECTED
              + " java -jar benchmarks.jar (scripts/compare.sh sets it)");
    }
  }
}
