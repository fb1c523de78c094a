package dev.rnn4j.backend.cuda;

/**
 * A CUDA driver or cuBLAS call failed; the message names the call, its launch configuration and the
 * error.
 */
public class CudaFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CudaFailureException(String message) {
    super(message);
  }

  public CudaFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
