package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.util.CounterRng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The chunked, vectorizable loops of {@link VecOps} against element-by-element formulas written
 * here. Adam, SGD and dropout evaluate the same float expressions in the same order, so they must
 * match bit for bit.
 */
class VecOpsTest {
  /** Not a multiple of the chunk or of a vector width; split at an odd point below. */
  private static final int N = 2 * VecOps.CHUNK + 777;

  private static final int SPLIT = 1001;

  private static FloatBuffer buffer(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(0, values);
    return b;
  }

  private static float[] array(FloatBuffer b) {
    float[] out = new float[b.capacity()];
    b.get(0, out);
    return out;
  }

  private static float[] random(SplittableRandom rng, float scale) {
    float[] x = new float[N];
    for (int k = 0; k < N; k++) {
      x[k] = (float) ((rng.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  @Test
  void adamMatchesTheFormulaBitForBit() {
    SplittableRandom rng = new SplittableRandom(1);
    float[] w = random(rng, 1f);
    float[] g = random(rng, 0.1f);
    float[] m = random(rng, 0.01f);
    float[] v = random(rng, 1e-4f);
    for (int k = 0; k < N; k++) {
      v[k] = Math.abs(v[k]);
    }
    g[3] = 0f; // a zero gradient with zero state is the eps path
    m[3] = 0f;
    v[3] = 0f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float stepSize = 1e-3f / (1f - 0.9f * 0.9f);
    float invSqrtBc2 = (float) (1 / Math.sqrt(1 - 0.999 * 0.999));
    float eps = 1e-8f;
    float decay = 1e-3f * 0.01f;
    FloatBuffer wb = buffer(w);
    FloatBuffer gb = buffer(g);
    FloatBuffer mb = buffer(m);
    FloatBuffer vb = buffer(v);
    VecOps.adam(wb, gb, mb, vb, 0, SPLIT, beta1, beta2, stepSize, invSqrtBc2, eps, decay);
    VecOps.adam(wb, gb, mb, vb, SPLIT, N, beta1, beta2, stepSize, invSqrtBc2, eps, decay);
    for (int k = 0; k < N; k++) {
      float gk = g[k];
      float mk = beta1 * m[k] + (1f - beta1) * gk;
      float vk = beta2 * v[k] + (1f - beta2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      float denom = (float) Math.sqrt(vk) * invSqrtBc2 + eps;
      w[k] = w[k] - stepSize * mk / denom - decay * w[k];
    }
    assertArrayEquals(m, array(mb));
    assertArrayEquals(v, array(vb));
    assertArrayEquals(w, array(wb));
  }

  @Test
  void sgdMatchesTheFormulaBitForBit() {
    SplittableRandom rng = new SplittableRandom(2);
    float[] w = random(rng, 1f);
    float[] g = random(rng, 0.1f);
    float[] buf = random(rng, 0.1f);
    FloatBuffer wb = buffer(w);
    FloatBuffer gb = buffer(g);
    FloatBuffer bb = buffer(buf);
    VecOps.sgd(wb, gb, bb, 0, SPLIT, 0.05f, 0.9f);
    VecOps.sgd(wb, gb, bb, SPLIT, N, 0.05f, 0.9f);
    float[] plain = w.clone();
    for (int k = 0; k < N; k++) {
      float d = 0.9f * buf[k] + g[k];
      buf[k] = d;
      w[k] = w[k] - 0.05f * d;
      plain[k] = plain[k] - 0.05f * g[k];
    }
    assertArrayEquals(buf, array(bb));
    assertArrayEquals(w, array(wb));
    FloatBuffer pb = buffer(random(new SplittableRandom(2), 1f));
    VecOps.sgd(pb, gb, null, 0, N, 0.05f, 0f);
    assertArrayEquals(plain, array(pb), "without momentum");
  }

  @Test
  void dropoutMatchesTheCounterRngFormulaBitForBit() {
    float[] x = random(new SplittableRandom(3), 2f);
    // p = 0.5 and 0.25 are multiples of 2^-24: the integer threshold test must match ">= p" at
    // the boundary too; 0.3 and 0.1 are not.
    for (float p : new float[] {0f, 0.1f, 0.25f, 0.3f, 0.5f, 0.9f}) {
      for (long seed : new long[] {0L, 42L, -7L}) {
        FloatBuffer mb = buffer(new float[N]);
        FloatBuffer yb = buffer(new float[N]);
        FloatBuffer xb = buffer(x);
        VecOps.dropout(xb, mb, yb, 0, SPLIT, seed, p);
        VecOps.dropout(xb, mb, yb, SPLIT, N, seed, p);
        float keep = 1f / (1f - p);
        float[] mask = new float[N];
        float[] y = new float[N];
        int kept = 0;
        for (int k = 0; k < N; k++) {
          mask[k] = CounterRng.uniform(seed, k) >= p ? keep : 0f;
          y[k] = x[k] * mask[k];
          kept += mask[k] != 0f ? 1 : 0;
        }
        assertArrayEquals(mask, array(mb), "mask, p=" + p + " seed=" + seed);
        assertArrayEquals(y, array(yb), "output, p=" + p + " seed=" + seed);
        // Binomial(N, 1-p): 5 standard deviations is a safe band for a fixed seed.
        double sd = Math.sqrt(N * p * (1 - p));
        assertEquals(N * (1 - p), kept, 5 * sd + 1, "kept count, p=" + p);
      }
    }
  }

  @Test
  void dropoutThresholdIsExactAtRepresentableProbabilities() {
    // u = t·2^-24 equals p exactly when t = p·2^24: kept (u >= p). One below: dropped.
    float p = 0.5f;
    long t = (long) (p * 0x1p24);
    assertTrue(t * 0x1.0p-24f >= p);
    assertTrue((t - 1) * 0x1.0p-24f < p);
    long threshold = (long) Math.ceil((double) p * 0x1p24);
    assertEquals(1L, (threshold - 1 - t) >>> 63);
    assertEquals(0L, (threshold - 1 - (t - 1)) >>> 63);
  }
}
