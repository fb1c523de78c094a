package dev.rnn4j.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Device} in host memory for tests without a GPU: allocations are byte buffers at made-up
 * addresses, copies and fills are real, and launches run no code but are checked: arguments against
 * the kernel signature, the launch configuration against CUDA's limits, and every pointer argument
 * against the live allocations. Lets the whole Java side of the CUDA backend run here.
 */
final class FakeDevice implements Device {
  private static final long BASE = 0x7f00_0000_0000L;

  private final TreeMap<Long, ByteBuffer> blocks = new TreeMap<>();
  private final long capacity;
  private final List<LaunchConfig> launches = new ArrayList<>();
  private long next = BASE;
  private long used;
  private int failFrees;

  /** A device with {@code capacity} bytes of memory. */
  FakeDevice(long capacity) {
    this.capacity = capacity;
  }

  FakeDevice() {
    this(1L << 30);
  }

  /** The next {@code n} calls to {@link #free} throw. */
  void failNextFrees(int n) {
    failFrees = n;
  }

  List<LaunchConfig> launches() {
    return launches;
  }

  int liveBlocks() {
    return blocks.size();
  }

  @Override
  public String describe() {
    return "fake device (" + capacity + " bytes)";
  }

  @Override
  public int multiprocessors() {
    return 4;
  }

  @Override
  public int maxSharedBytes() {
    return 227 * 1024; // sm_90's opt-in limit
  }

  @Override
  public long alloc(long bytes) {
    if (used + bytes > capacity) {
      return 0;
    }
    long a = next;
    next += (bytes + 255) / 256 * 256 + 256;
    blocks.put(a, ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN));
    used += bytes;
    return a;
  }

  @Override
  public void free(long address) {
    if (failFrees > 0) {
      failFrees--;
      throw new CudaFailureException("fake cuMemFree failure");
    }
    ByteBuffer b = blocks.remove(address);
    if (b == null) {
      throw new IllegalStateException("free of unknown address 0x" + Long.toHexString(address));
    }
    used -= b.capacity();
  }

  @Override
  public long[] memoryInfo() {
    return new long[] {capacity - used, capacity};
  }

  /** The buffer holding [address, address + bytes), positioned at address. */
  private ByteBuffer at(long address, long bytes) {
    Map.Entry<Long, ByteBuffer> e = blocks.floorEntry(address);
    if (e == null || address + bytes > e.getKey() + e.getValue().capacity()) {
      throw new IllegalStateException(
          "access to [0x"
              + Long.toHexString(address)
              + ", +"
              + bytes
              + ") outside every live allocation");
    }
    ByteBuffer b = e.getValue().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.position((int) (address - e.getKey()));
    return b;
  }

  @Override
  public void copyToDevice(long dst, float[] src, int count) {
    at(dst, 4L * count).asFloatBuffer().put(src, 0, count);
  }

  @Override
  public void copyToDevice(long dst, int[] src, int count) {
    at(dst, 4L * count).asIntBuffer().put(src, 0, count);
  }

  @Override
  public void copyToHost(float[] dst, long src, int count) {
    at(src, 4L * count).asFloatBuffer().get(dst, 0, count);
  }

  @Override
  public void copyToHost(int[] dst, long src, int count) {
    at(src, 4L * count).asIntBuffer().get(dst, 0, count);
  }

  @Override
  public void copyToHost(double[] dst, long src, int count) {
    at(src, 8L * count).asDoubleBuffer().get(dst, 0, count);
  }

  @Override
  public void copyOnDevice(long dst, long src, long bytes) {
    ByteBuffer s = at(src, bytes);
    s.limit(s.position() + (int) bytes);
    at(dst, bytes).put(s);
  }

  @Override
  public void fill32(long dst, int value, long count) {
    ByteBuffer b = at(dst, 4 * count);
    for (long i = 0; i < count; i++) {
      b.putInt(value);
    }
  }

  @Override
  public void launch(LaunchConfig c, KernelArgs args) {
    args.check(c);
    if (c.gridY() > 65535 || c.gridZ() > 65535) {
      throw new IllegalStateException("grid y/z above 65535 in " + c);
    }
    if (c.blockZ() > 64 || c.blockX() > 1024 || c.blockY() > 1024) {
      throw new IllegalStateException("block dimension above CUDA's limits in " + c);
    }
    if (c.sharedBytes() > maxSharedBytes()) {
      throw new IllegalStateException("more dynamic shared memory than the device has in " + c);
    }
    for (int i = 0; i < args.size(); i++) {
      if (args.kind(i) == 'p' && args.value(i) != 0) {
        at(args.value(i), 4); // must point into a live allocation
      }
    }
    launches.add(c);
  }

  @Override
  public void synchronize() {}

  @Override
  public void bindThread() {}
}
