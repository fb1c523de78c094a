package dev.rnn4j.io;

import java.io.IOException;

/**
 * A file that exists and can be read but whose content is not what its reader expects: truncated,
 * corrupted, or a different format. The message names the file, what is wrong and, where it helps,
 * what to do.
 */
public class FileFormatException extends IOException {
  /** A message of the form {@code "<file>: <problem>"}. */
  public FileFormatException(String file, String problem) {
    super(file + ": " + problem);
  }

  /** Like {@link #FileFormatException(String, String)}, keeping the underlying cause. */
  public FileFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
