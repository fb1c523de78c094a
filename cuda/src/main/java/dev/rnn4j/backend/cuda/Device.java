package dev.rnn4j.backend.cuda;

/**
 * The driver operations the CUDA backend is built on: device memory, copies, kernel launches. The
 * production implementation is {@link JCudaDevice} (JCuda's driver API on the primary context);
 * tests also run the backend's Java side against a host-memory fake, so argument marshalling,
 * validation and memory bookkeeping are checked on machines without a GPU.
 *
 * <p>All operations are ordered on one stream (the context's legacy default stream): a copy to the
 * host waits for every earlier launch, and memory freed after a launch may be reused by a later
 * one. Addresses are raw device addresses; sizes are in bytes unless named {@code count}.
 */
interface Device {
  /** Human-readable device name and capabilities, for logs and error messages. */
  String describe();

  /** Streaming multiprocessors (sizes grids). */
  int multiprocessors();

  /**
   * The most dynamic shared memory one block may use, in bytes (the device's opt-in limit: 227 KiB
   * on sm_90, 163 KiB on sm_80). Launches asking for more than 48 KiB get it without further calls.
   */
  int maxSharedBytes();

  /** A new block of {@code bytes}, or 0 when the device is out of memory. */
  long alloc(long bytes);

  /** Returns a block from {@link #alloc}. */
  void free(long address);

  /** {free, total} device memory in bytes as the driver reports it. */
  long[] memoryInfo();

  void copyToDevice(long dst, float[] src, int count);

  void copyToDevice(long dst, int[] src, int count);

  void copyToHost(float[] dst, long src, int count);

  void copyToHost(int[] dst, long src, int count);

  void copyToHost(double[] dst, long src, int count);

  void copyOnDevice(long dst, long src, long bytes);

  /** Sets {@code count} 4-byte words at dst to {@code value}. */
  void fill32(long dst, int value, long count);

  /** Queues a kernel; the arguments must match its signature. */
  void launch(LaunchConfig config, KernelArgs args);

  /** Waits for all queued work; throws if any of it failed. */
  void synchronize();

  /** Makes the device current on the calling thread (a no-op when it already is). */
  void bindThread();
}
