package dev.rnn4j.backend.cuda;

/**
 * Device memory ran out even after the backend returned its cached blocks to the driver. The
 * message says how much was asked for, how much the driver reports free and how much this backend
 * holds.
 */
public class CudaOutOfMemoryException extends CudaFailureException {
  private static final long serialVersionUID = 1L;

  private final long requestedBytes;
  private final long freeBytes;

  public CudaOutOfMemoryException(String message, long requestedBytes, long freeBytes) {
    super(message);
    this.requestedBytes = requestedBytes;
    this.freeBytes = freeBytes;
  }

  /** Bytes the failed allocation asked for (after rounding to the allocator's size class). */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** Free device memory the driver reported after the failure, or -1 if unknown. */
  public long freeBytes() {
    return freeBytes;
  }
}
