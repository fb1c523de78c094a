package dev.rnn4j.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.rnn4j.backend.CpuGemm;
import java.util.HashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Row-major {@code C = op(A) op(B) + beta C} through oneDNN's matmul primitive, the alternative to
 * {@link DnnlGemm}'s sgemm that {@link CpuBackend} uses in the modes {@link CpuGemm#F32} and {@link
 * CpuGemm#BF16}:
 *
 * <ul>
 *   <li>{@link CpuGemm#F32}: f32 operands and accumulation, like sgemm but through oneDNN's brgemm
 *       kernels. Measured here: 1.1-1.15x sgemm's speed on one thread for the recurrent shapes
 *       (32-64 x 2048 x 512), the same for large ones, but a whole K4 layer on two threads took 450
 *       against 390 ms, so sgemm stays the default.
 *   <li>{@link CpuGemm#BF16}: both operands are rounded to bfloat16 (round to nearest even) by a
 *       oneDNN reorder into per-thread buffers, products accumulate in f32 and C stays f32 (mixed
 *       precision, as PyTorch's CPU autocast). On CPUs with AVX512-BF16 or AMX this runs about 2x
 *       the f32 rate (measured 487 against 237 GFLOP/s for f32 on one Zen 5 core, 512 x 1024 x
 *       768); elsewhere oneDNN emulates it far slower than f32 or has none, and {@link CpuBackend}
 *       refuses the mode ({@link #bf16Unsupported}). Each operand loses all but 8 significant bits,
 *       so results differ from f32 by about 2^-9 of the operands' scale.
 * </ul>
 *
 * <p>The measurements behind these choices, with their dates: docs/PERFORMANCE.md, "Mixed precision
 * (bf16)".
 *
 * <p>Primitives are created once per shape, layout, β and precision and kept per thread (oneDNN
 * primitives and streams are used by one thread at a time here); operands are bound by pointer on
 * each call. Shapes: op(A) (m, k), op(B) (k, n), C (m, n); A, B, C are element offsets into the
 * pointers with leading dimensions lda, ldb, ldc as for BLAS row-major.
 */
final class DnnlMatmul {
  /** Plans kept per thread before the cache is emptied (bucketed batches make a few hundred). */
  private static final int MAX_PLANS = 4096;

  /**
   * A product's shape and layout. {@code preparedB}: B is a {@link #prepare}d bf16 copy (then
   * {@code tb} is false and {@code ldb} is k).
   */
  private record Key(
      CpuGemm precision,
      boolean ta,
      boolean tb,
      boolean preparedB,
      int m,
      int n,
      int k,
      int lda,
      int ldb,
      int ldc,
      float beta) {}

  /** One shape's primitives and the memory objects they read, re-pointed on every call. */
  private static final class Plan {
    final matmul prim;
    final memory a;
    final memory b;
    final memory c;
    final IntMemoryMap args = new IntMemoryMap();
    // BF16 only: reorders from the caller's f32 operands into the bf16 buffers a and b point to
    // (toB is null for a prepared B).
    final Conversion toA;
    final Conversion toB;

    Plan(Key key) {
      memory.desc aDesc = f32(key.m, key.k, key.ta, key.lda);
      memory.desc bDesc = key.preparedB ? null : f32(key.k, key.n, key.tb, key.ldb);
      memory.desc cDesc = f32(key.m, key.n, false, key.ldc);
      if (key.precision == CpuGemm.BF16) {
        // Dense bf16 copies that keep the caller's orientation, so each reorder reads in order
        // (a blocked layout for B, as the primitive prefers, cost more to write than it saved
        // when B was converted on every call: K4's per-step GEMMs took 3x as long). A prepared B
        // is already bf16 and column-major (k contiguous for each of the n columns).
        toA = new Conversion(aDesc, bf16(key.m, key.k, key.ta));
        aDesc = toA.to.get_desc();
        if (key.preparedB) {
          toB = null;
          bDesc = bf16(key.k, key.n, true);
        } else {
          toB = new Conversion(bDesc, bf16(key.k, key.n, key.tb));
          bDesc = toB.to.get_desc();
        }
      } else {
        toA = null;
        toB = null;
      }
      primitive_attr attr = new primitive_attr();
      if (key.beta != 0f) {
        post_ops ops = new post_ops();
        ops.append_sum(key.beta, 0, memory.data_type.undef);
        attr.set_post_ops(ops);
      }
      prim =
          new matmul(
              new matmul.primitive_desc(DnnlRuntime.ENGINE, aDesc, bDesc, cDesc, attr, false));
      a = toA != null ? toA.to : unbound(aDesc);
      b = toB != null ? toB.to : unbound(bDesc);
      c = unbound(cDesc);
      args.put(DNNL_ARG_SRC, a).put(DNNL_ARG_WEIGHTS, b).put(DNNL_ARG_DST, c);
    }
  }

  /** A reorder from f32 memory to bf16 memory, both bound by pointer when run. */
  private static final class Conversion {
    final memory from;
    final memory to;
    final reorder prim;
    final IntMemoryMap args = new IntMemoryMap();
    final long bytes;

    Conversion(memory.desc fromDesc, memory.desc toDesc) {
      from = unbound(fromDesc);
      to = unbound(toDesc);
      prim = new reorder(from, to);
      args.put(DNNL_ARG_FROM, from).put(DNNL_ARG_TO, to);
      bytes = toDesc.get_size();
    }

    void run(Pointer src, Pointer dst) {
      from.set_data_handle(src);
      to.set_data_handle(dst);
      prim.execute(DnnlRuntime.stream(), args);
    }
  }

  /** A thread's plans, its B-preparing conversions and its two growable bf16 operand buffers. */
  private static final class ThreadState {
    final HashMap<Key, Plan> plans = new HashMap<>();
    final HashMap<Key, Conversion> preparations = new HashMap<>();
    BytePointer aBuf = new BytePointer(0L);
    BytePointer bBuf = new BytePointer(0L);

    Plan plan(Key key) {
      Plan p = plans.get(key);
      if (p == null) {
        if (plans.size() >= MAX_PLANS) {
          plans.clear();
        }
        p = new Plan(key);
        plans.put(key, p);
      }
      return p;
    }

    Conversion preparation(Key key) {
      Conversion p = preparations.get(key);
      if (p == null) {
        if (preparations.size() >= MAX_PLANS) {
          preparations.clear();
        }
        p = new Conversion(f32(key.k, key.n, key.tb, key.ldb), bf16(key.k, key.n, true));
        preparations.put(key, p);
      }
      return p;
    }

    BytePointer aBuffer(long bytes) {
      if (aBuf.capacity() < bytes) {
        aBuf.close();
        aBuf = new BytePointer(Math.max(bytes, aBuf.capacity() * 2));
      }
      return aBuf;
    }

    BytePointer bBuffer(long bytes) {
      if (bBuf.capacity() < bytes) {
        bBuf.close();
        bBuf = new BytePointer(Math.max(bytes, bBuf.capacity() * 2));
      }
      return bBuf;
    }
  }

  private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

  private DnnlMatmul() {}

  /** An f32 (rows, cols) view of a row-major buffer, or of the transpose of one. */
  private static memory.desc f32(long rows, long cols, boolean transposed, long ld) {
    return new memory.desc(
        new LongPointer(rows, cols),
        memory.data_type.f32,
        transposed ? new LongPointer(1, ld) : new LongPointer(ld, 1));
  }

  private static memory.desc bf16(long rows, long cols, boolean columnMajor) {
    return new memory.desc(
        new LongPointer(rows, cols),
        memory.data_type.bf16,
        columnMajor ? new LongPointer(1, rows) : new LongPointer(cols, 1));
  }

  private static memory unbound(memory.desc d) {
    return new memory(d, DnnlRuntime.ENGINE, (Pointer) null);
  }

  /**
   * Whether oneDNN's kernel for a bf16 product, named {@code impl} (its implementation string, e.g.
   * {@code brg_matmul:avx512_core_bf16}), uses bf16 instructions (AVX512-BF16, AMX, AVX2-VNNI-2,
   * AVX10) rather than emulating them (e.g. {@code gemm:jit:bf16} on plain AVX-512, about 10
   * GFLOP/s here) or a reference loop.
   */
  static boolean nativeBf16(String impl) {
    String s = impl.toLowerCase(java.util.Locale.ROOT);
    return s.contains("avx512_core_bf16")
        || s.contains("amx")
        || s.contains("avx2_vnni_2")
        || s.contains("avx10");
  }

  /**
   * Null where this CPU multiplies bf16 natively; otherwise why not (oneDNN's choice of kernel for
   * a 64 x 64 x 64 product, or its refusal, as on AVX2 CPUs).
   */
  static String bf16Unsupported() {
    try {
      String impl =
          new matmul.primitive_desc(
                  DnnlRuntime.ENGINE,
                  bf16(64, 64, false),
                  bf16(64, 64, true),
                  f32(64, 64, false, 64),
                  new primitive_attr(),
                  false)
              .impl_info_str()
              .getString();
      return nativeBf16(impl)
          ? null
          : "oneDNN would multiply bf16 with '" + impl + "', which emulates bf16 in software";
    } catch (RuntimeException e) {
      return "oneDNN has no bf16 matrix product for this CPU (" + e.getMessage() + ")";
    }
  }

  /**
   * C = op(A) op(B) + beta C. {@code alpha} must be 1 (the callers' only value; {@link CpuBackend}
   * sends other values to sgemm).
   */
  static void gemm(
      CpuGemm precision,
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      FloatPointer a,
      long aOff,
      int lda,
      FloatPointer b,
      long bOff,
      int ldb,
      float beta,
      FloatPointer c,
      long cOff,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    ThreadState ts = STATE.get();
    Plan p = ts.plan(new Key(precision, ta, tb, false, m, n, k, lda, ldb, ldc, beta));
    if (precision == CpuGemm.BF16) {
      p.toA.run(a.getPointer(aOff), ts.aBuffer(p.toA.bytes));
      p.toB.run(b.getPointer(bOff), ts.bBuffer(p.toB.bytes));
    } else {
      p.a.set_data_handle(a.getPointer(aOff));
      p.b.set_data_handle(b.getPointer(bOff));
    }
    p.c.set_data_handle(c.getPointer(cOff));
    p.prim.execute(DnnlRuntime.stream(), p.args);
  }

  /**
   * op(B) (k, n) rounded to bf16 (nearest even) into {@code out}, column-major: element (p, j) at
   * {@code j * k + p}. {@code out} holds at least k·n 2-byte elements.
   */
  static void prepare(
      boolean tb, int k, int n, FloatPointer b, long bOff, int ldb, BytePointer out) {
    if (k == 0 || n == 0) {
      return;
    }
    Key key = new Key(CpuGemm.BF16, false, tb, false, 0, n, k, 0, ldb, 0, 0f);
    STATE.get().preparation(key).run(b.getPointer(bOff), out);
  }

  /**
   * C = op(A) B + beta C in bf16 with B {@link #prepare}d: columns {@code col .. col + n - 1} of a
   * prepared (k, ·) operand.
   */
  static void gemmPrepared(
      boolean ta,
      int m,
      int n,
      int k,
      FloatPointer a,
      long aOff,
      int lda,
      BytePointer b,
      long col,
      float beta,
      FloatPointer c,
      long cOff,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    ThreadState ts = STATE.get();
    Plan p = ts.plan(new Key(CpuGemm.BF16, ta, false, true, m, n, k, lda, k, ldc, beta));
    p.toA.run(a.getPointer(aOff), ts.aBuffer(p.toA.bytes));
    p.b.set_data_handle(b.getPointer(col * k * 2));
    p.c.set_data_handle(c.getPointer(cOff));
    p.prim.execute(DnnlRuntime.stream(), p.args);
  }
}
