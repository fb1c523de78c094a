package dev.rnn4j.bench;

/** Checks shared by the benchmarks: both libraries take their OpenMP thread count from the env. */
final class Threads {
  /**
   * OMP_NUM_THREADS each library is meant to run with on the 2-core machine: libtorch 2 OpenMP
   * threads; rnn4j 1 (oneDNN single-threaded, GEMMs split over rnn4j's own 2 threads).
   */
  static String expected(String who) {
    return who.equals("libtorch") ? "2" : "1";
  }

  private Threads() {}

  /**
   * Warns on stderr when OMP_NUM_THREADS is not {@link #expected}: oneDNN and libtorch read it once
   * at start-up, so a JVM started without it runs with every core and its numbers are not
   * comparable.
   */
  static void warnIfOmpUnset(String who) {
    String omp = System.getenv("OMP_NUM_THREADS");
    String want = expected(who);
    if (!want.equals(omp)) {
      System.err.println(
          "WARNING "
              + who
              + ": OMP_NUM_THREADS is "
              + (omp == null ? "unset" : "'" + omp + "'")
              + ", expected "
              + want
              + "; run with OMP_NUM_THREADS="
              + want
              + " java -jar benchmarks.jar (scripts/compare.sh sets it)");
    }
  }
}
