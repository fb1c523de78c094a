package dev.rnn4j.seq2seq;

import java.util.List;

/**
 * The resources of one model call (tensors, attention steps, layer outputs) kept in a list and
 * closed together when the call ends: {@link #own} adds one, {@link #closeAll} closes them in
 * reverse order and rethrows the first failure.
 */
final class Resources {
  private Resources() {}

  /** Adds {@code t} to {@code open} and returns it. */
  static <T extends AutoCloseable> T own(List<AutoCloseable> open, T t) {
    open.add(t);
    return t;
  }

  /** Closes everything in {@code open}, last opened first, and empties the list. */
  static void closeAll(List<AutoCloseable> open) {
    RuntimeException first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
