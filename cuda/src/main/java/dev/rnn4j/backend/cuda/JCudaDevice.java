package dev.rnn4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;

import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.CudaOptions;
import dev.rnn4j.backend.SystemProperties;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * One CUDA device through JCuda's driver API, shared by every {@link CudaBackend} of the process:
 * the device's primary context (retained once, never destroyed while the JVM runs), the kernel
 * modules (loaded once, see {@link CudaModules}) and a cache of resolved kernel functions.
 *
 * <p>{@link #get()} probes step by step (driver library, {@code cuInit}, device count, compute
 * capability, context, kernel modules) and caches the first failure as a {@link
 * BackendUnavailableException} whose message says what is missing: after a failed probe the JCuda
 * classes cannot be initialised again, and asking twice should cost nothing.
 *
 * <p>Kernels run on the context's legacy default stream. With {@link CudaOptions#sync} every launch
 * is followed by a synchronisation, so an asynchronous fault is reported by the kernel that caused
 * it. That setting and {@link CudaOptions#launchArguments} belong to a backend: {@link
 * #get(CudaOptions)} hands each backend a view of the one device with its own launch settings
 * (sharing the context, modules and function cache).
 */
final class JCudaDevice implements Device {
  private static final int MIN_MAJOR = 8;

  private static JCudaDevice instance;
  private static BackendUnavailableException failure;

  private final int ordinal;
  private final CUcontext context;
  private final String description;
  private final int multiprocessors;
  private final int maxSharedBytes;
  // Kernels whose dynamic shared memory limit was raised to maxSharedBytes (by ordinal).
  private final AtomicIntegerArray sharedRaised;
  private final CudaModules modules;
  private final AtomicReferenceArray<CUfunction> functions;
  private final AtomicLong functionLookups;
  private final ThreadLocal<Boolean> bound;
  private final ThreadLocal<LaunchConfig> lastLaunch;
  private final ThreadLocal<ArgSlots> argSlots;
  // Launch settings of the backends using this view (CudaOptions.sync, launchArguments).
  private final boolean syncEachLaunch;
  private final boolean arrayArgs;

  private JCudaDevice(
      int ordinal,
      CUcontext context,
      String description,
      int multiprocessors,
      int maxSharedBytes,
      CudaModules m) {
    this.maxSharedBytes = Math.max(48 * 1024, maxSharedBytes);
    this.sharedRaised = new AtomicIntegerArray(Kernel.values().length);
    this.functions = new AtomicReferenceArray<>(Kernel.values().length);
    this.functionLookups = new AtomicLong();
    this.ordinal = ordinal;
    this.context = context;
    this.description = description;
    this.multiprocessors = multiprocessors;
    this.modules = m;
    this.bound = ThreadLocal.withInitial(() -> Boolean.FALSE);
    this.lastLaunch = new ThreadLocal<>();
    this.argSlots = ThreadLocal.withInitial(ArgSlots::new);
    this.syncEachLaunch = false;
    this.arrayArgs = false;
    bound.set(Boolean.TRUE); // the probe made the context current on this thread
  }

  /** A view of {@code d} (sharing all its state) with other launch settings. */
  private JCudaDevice(JCudaDevice d, boolean syncEachLaunch, boolean arrayArgs) {
    this.ordinal = d.ordinal;
    this.context = d.context;
    this.description = d.description;
    this.multiprocessors = d.multiprocessors;
    this.maxSharedBytes = d.maxSharedBytes;
    this.sharedRaised = d.sharedRaised;
    this.modules = d.modules;
    this.functions = d.functions;
    this.functionLookups = d.functionLookups;
    this.bound = d.bound;
    this.lastLaunch = d.lastLaunch;
    this.argSlots = d.argSlots;
    this.syncEachLaunch = syncEachLaunch;
    this.arrayArgs = arrayArgs;
  }

  /**
   * The process's device, opened on first use on {@link CudaOptions#device}, as a view with the
   * launch settings of {@code options}. Throws {@link BackendUnavailableException} with the reason
   * where CUDA cannot run (the first probe's answer, either way, is cached), and where the device
   * asked for is not the one the process already uses (rnn4j opens one device per process).
   */
  static synchronized JCudaDevice get(CudaOptions options) {
    JCudaDevice d = probe(options.device());
    if (d.ordinal != options.device()) {
      throw new BackendUnavailableException(
          "CUDA device "
              + options.device()
              + " was asked for, but this process already uses device "
              + d.ordinal
              + " (rnn4j opens one CUDA device per process; CudaOptions.device, -D"
              + SystemProperties.CUDA_DEVICE
              + ")");
    }
    boolean arrays = options.launchArguments() == CudaOptions.LaunchArguments.ARRAYS;
    if (options.sync() == d.syncEachLaunch && arrays == d.arrayArgs) {
      return d;
    }
    return new JCudaDevice(d, options.sync(), arrays);
  }

  /**
   * The process's device with the default launch settings, opened with {@link
   * CudaOptions#defaults()} where no backend opened it yet (for tests and tools).
   */
  static synchronized JCudaDevice get() {
    return instance != null ? instance : get(CudaOptions.defaults());
  }

  private static JCudaDevice probe(int ordinal) {
    if (instance != null) {
      return instance;
    }
    if (failure == null) {
      try {
        instance = open(ordinal);
        return instance;
      } catch (BackendUnavailableException e) {
        failure = e;
      }
    }
    throw new BackendUnavailableException(failure.getMessage(), failure.getCause());
  }

  private static BackendUnavailableException unavailable(String why, Throwable cause) {
    return new BackendUnavailableException(why, cause);
  }

  private static void probeCheck(int rc, String call, String hint) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw unavailable(call + " failed: " + CUresult.stringFor(rc) + hint, null);
    }
  }

  private static JCudaDevice open(int ordinal) {
    CudaModules.Sources sources = CudaModules.Sources.fromClasspath();
    try {
      // First touch of JCudaDriver: loads JCuda's JNI library, which needs libcuda.so.1.
      JCudaDriver.setExceptionsEnabled(false);
    } catch (LinkageError e) {
      throw unavailable(
          "the CUDA driver library could not be loaded (no NVIDIA driver on this machine, or"
              + " libcuda.so.1 is not on the library path): "
              + nativeLoadReason(e),
          e);
    }
    try {
      probeCheck(
          cuInit(0),
          "cuInit",
          " (no usable NVIDIA GPU or driver: check nvidia-smi and CUDA_VISIBLE_DEVICES)");
      int[] count = new int[1];
      probeCheck(cuDeviceGetCount(count), "cuDeviceGetCount", "");
      if (count[0] == 0) {
        throw unavailable("the CUDA driver reports no devices", null);
      }
      if (ordinal >= count[0]) {
        throw unavailable(
            "CUDA device "
                + ordinal
                + " was asked for (CudaOptions.device, -D"
                + SystemProperties.CUDA_DEVICE
                + ") but only "
                + count[0]
                + " CUDA device(s) exist",
            null);
      }
      CUdevice dev = new CUdevice();
      probeCheck(cuDeviceGet(dev, ordinal), "cuDeviceGet(" + ordinal + ")", "");
      int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
      int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
      int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
      int sharedOptIn =
          attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
      byte[] name = new byte[256];
      probeCheck(cuDeviceGetName(name, name.length, dev), "cuDeviceGetName", "");
      int[] driver = new int[1];
      probeCheck(cuDriverGetVersion(driver), "cuDriverGetVersion", "");
      String description =
          cString(name)
              + " (device "
              + ordinal
              + ", sm_"
              + major
              + minor
              + ", "
              + sms
              + " SMs, CUDA driver "
              + driver[0] / 1000
              + "."
              + driver[0] % 1000 / 10
              + ")";
      if (major < MIN_MAJOR) {
        throw unavailable(
            description
                + " has compute capability "
                + major
                + "."
                + minor
                + "; rnn4j's CUDA kernels need "
                + MIN_MAJOR
                + ".0 or newer",
            null);
      }
      CUcontext ctx = new CUcontext();
      probeCheck(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain", "");
      probeCheck(cuCtxSetCurrent(ctx), "cuCtxSetCurrent", "");
      CudaModules m = CudaModules.load(sources, description, driver[0]);
      return new JCudaDevice(ordinal, ctx, description, sms, sharedOptIn, m);
    } catch (CudaException | LinkageError e) {
      throw unavailable("CUDA initialisation failed: " + firstLine(e), e);
    }
  }

  private static int attribute(CUdevice dev, int attribute) {
    int[] v = new int[1];
    probeCheck(
        cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")", "");
    return v[0];
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The line of a native-library load failure that names the cause (e.g. "...so: libcuda.so.1:
   * cannot open shared object file"); JCuda's message is a page of nested stack traces.
   */
  static String nativeLoadReason(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      for (String line : String.valueOf(c.getMessage()).split("\n")) {
        if (line.contains("cannot open shared object file")
            || line.contains("undefined symbol")
            || line.contains("version `")) {
          return line.replace("java.lang.UnsatisfiedLinkError: ", "").trim();
        }
      }
    }
    return firstLine(e);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  // ---------------------------------------------------------------- Device

  @Override
  public String describe() {
    return description;
  }

  @Override
  public int multiprocessors() {
    return multiprocessors;
  }

  @Override
  public int maxSharedBytes() {
    return maxSharedBytes;
  }

  /** Device ordinal. */
  int ordinal() {
    return ordinal;
  }

  /** Which file each module was loaded from (e.g. lstm -> lstm.fatbin). */
  Map<String, String> moduleSources() {
    return modules.loadedFrom();
  }

  /** How many times a kernel function was looked up in its module (once per kernel). */
  long functionLookups() {
    return functionLookups.get();
  }

  @Override
  public void bindThread() {
    if (!bound.get()) {
      check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
      bound.set(Boolean.TRUE);
    }
  }

  private void check(int rc, String what) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new CudaFailureException(
          "CUDA error "
              + CUresult.stringFor(rc)
              + " ("
              + rc
              + ") in "
              + what
              + " on "
              + description);
    }
  }

  @Override
  public long alloc(long bytes) {
    bindThread();
    DevicePointer p = new DevicePointer();
    int rc = cuMemAlloc(p, bytes);
    if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      return 0;
    }
    check(rc, "cuMemAlloc(" + bytes + " bytes)");
    return p.address();
  }

  @Override
  public void free(long address) {
    bindThread();
    check(cuMemFree(DevicePointer.at(address)), "cuMemFree(0x" + Long.toHexString(address) + ")");
  }

  @Override
  public long[] memoryInfo() {
    bindThread();
    long[] free = new long[1];
    long[] total = new long[1];
    check(cuMemGetInfo(free, total), "cuMemGetInfo");
    return new long[] {free[0], total[0]};
  }

  @Override
  public void copyToDevice(long dst, float[] src, int count) {
    bindThread();
    check(cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(src), 4L * count), "cuMemcpyHtoD");
  }

  @Override
  public void copyToDevice(long dst, int[] src, int count) {
    bindThread();
    check(cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(src), 4L * count), "cuMemcpyHtoD");
  }

  @Override
  public void copyToHost(float[] dst, long src, int count) {
    bindThread();
    check(
        cuMemcpyDtoH(Pointer.to(dst), DevicePointer.at(src), 4L * count), syncWhat("cuMemcpyDtoH"));
  }

  @Override
  public void copyToHost(int[] dst, long src, int count) {
    bindThread();
    check(
        cuMemcpyDtoH(Pointer.to(dst), DevicePointer.at(src), 4L * count), syncWhat("cuMemcpyDtoH"));
  }

  @Override
  public void copyToHost(double[] dst, long src, int count) {
    bindThread();
    check(
        cuMemcpyDtoH(Pointer.to(dst), DevicePointer.at(src), 8L * count), syncWhat("cuMemcpyDtoH"));
  }

  @Override
  public void copyOnDevice(long dst, long src, long bytes) {
    bindThread();
    check(cuMemcpyDtoD(DevicePointer.at(dst), DevicePointer.at(src), bytes), "cuMemcpyDtoD");
  }

  @Override
  public void fill32(long dst, int value, long count) {
    bindThread();
    check(cuMemsetD32(DevicePointer.at(dst), value, count), "cuMemsetD32");
  }

  private CUfunction function(Kernel k) {
    CUfunction f = functions.get(k.ordinal());
    if (f == null) {
      CUfunction resolved = new CUfunction();
      check(
          cuModuleGetFunction(resolved, modules.module(k.module()), k.symbol()),
          "cuModuleGetFunction(" + k.symbol() + ") in module " + k.module());
      functionLookups.incrementAndGet();
      functions.compareAndSet(k.ordinal(), null, resolved);
      f = functions.get(k.ordinal());
    }
    return f;
  }

  /**
   * Per-thread launch parameters in native memory (allocated through JavaCPP, which the library
   * already depends on): MAX 8-byte value slots and the array of their addresses that {@code
   * cuLaunchKernel} takes as {@code void** kernelParams}. A launch writes its values into the slots
   * and hands JCuda one direct buffer (the address array), which JCuda passes on as it is: no Java
   * arrays to pin or copy and no per-argument pointer objects to convert. Host time of an empty
   * launch on an H200 (CudaProfile): 3.9–5.5 µs, against 11–14.5 µs with Java arrays (the run and
   * its date: docs/CUDA.md).
   */
  private static final class ArgSlots {
    static final int MAX = 32;
    private final BytePointer valueMemory = new BytePointer(8L * MAX);
    private final LongPointer addressMemory = new LongPointer(MAX);
    final ByteBuffer values;
    final Pointer params;

    ArgSlots() {
      for (int i = 0; i < MAX; i++) {
        addressMemory.put(i, valueMemory.address() + 8L * i);
      }
      values = valueMemory.asByteBuffer().order(ByteOrder.nativeOrder());
      params = Pointer.to(addressMemory.asByteBuffer());
    }
  }

  private Pointer params(KernelArgs args) {
    int n = args.size();
    if (arrayArgs || n > ArgSlots.MAX) {
      Pointer[] params = new Pointer[n];
      for (int i = 0; i < n; i++) {
        long v = args.value(i);
        params[i] =
            switch (args.kind(i)) {
              case 'p', 'l' -> Pointer.to(new long[] {v});
              default -> Pointer.to(new int[] {(int) v}); // 'i', and 'f' as its raw bits
            };
      }
      return Pointer.to(params);
    }
    ArgSlots slots = argSlots.get();
    for (int i = 0; i < n; i++) {
      long v = args.value(i);
      switch (args.kind(i)) {
        case 'p', 'l' -> slots.values.putLong(8 * i, v);
        default -> slots.values.putInt(8 * i, (int) v); // 'i', and 'f' as its raw bits
      }
    }
    return slots.params;
  }

  @Override
  public void launch(LaunchConfig c, KernelArgs args) {
    args.check(c);
    bindThread();
    if (c.sharedBytes() > 48 * 1024 && sharedRaised.get(c.kernel().ordinal()) == 0) {
      check(
          cuFuncSetAttribute(
              function(c.kernel()),
              CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
              maxSharedBytes),
          "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, " + maxSharedBytes + ") for " + c);
      sharedRaised.set(c.kernel().ordinal(), 1);
    }
    Pointer params = params(args);
    int rc =
        cuLaunchKernel(
            function(c.kernel()),
            c.gridX(),
            c.gridY(),
            c.gridZ(),
            c.blockX(),
            c.blockY(),
            c.blockZ(),
            c.sharedBytes(),
            null,
            params,
            null);
    lastLaunch.set(c);
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new CudaFailureException(
          "CUDA error "
              + CUresult.stringFor(rc)
              + " ("
              + rc
              + ") launching "
              + c
              + " on "
              + description);
    }
    if (syncEachLaunch) {
      rc = cuCtxSynchronize();
      if (rc != CUresult.CUDA_SUCCESS) {
        throw new CudaFailureException(
            "CUDA error "
                + CUresult.stringFor(rc)
                + " ("
                + rc
                + ") running "
                + c
                + " on "
                + description);
      }
    }
  }

  private String syncWhat(String call) {
    LaunchConfig last = lastLaunch.get();
    return call
        + (last == null
            ? ""
            : " (an earlier kernel may have failed; the last one this thread queued was "
                + last
                + "; run with -D"
                + SystemProperties.CUDA_SYNC
                + "=true, or CudaOptions.withSync(true), to find it)");
  }

  @Override
  public void synchronize() {
    bindThread();
    check(cuCtxSynchronize(), syncWhat("cuCtxSynchronize"));
  }

  @Override
  public String toString() {
    return "JCudaDevice[" + description + "]";
  }
}
