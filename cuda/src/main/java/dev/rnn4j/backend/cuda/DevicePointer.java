package dev.rnn4j.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Converts between JCuda's {@link CUdeviceptr} and raw device addresses. JCuda's natives read a
 * pointer as {@code nativePointer + byteOffset}, so a pointer with native part 0 and byte offset
 * {@code address} stands for any address; {@link #address()} reads back what {@code cuMemAlloc}
 * stored.
 */
final class DevicePointer extends CUdeviceptr {
  private static final CUdeviceptr NULL = new CUdeviceptr();

  /** An empty pointer for {@code cuMemAlloc} to fill. */
  DevicePointer() {}

  private DevicePointer(long address) {
    super(NULL, address);
  }

  /** A JCuda pointer to a raw device address. */
  static CUdeviceptr at(long address) {
    return new DevicePointer(address);
  }

  /** The raw device address. */
  long address() {
    return getNativePointer() + getByteOffset();
  }
}
