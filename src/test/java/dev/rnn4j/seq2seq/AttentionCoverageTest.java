package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attention whose scores read a coverage vector: finite differences of L = Σ R ⊙ h̃ + Σ Q ⊙ a
 * against the backward's gradients of the coverage input and of every parameter (w_cov included).
 * Tolerance 2e-3 + 2e-2·|numeric|: float32 central differences with step 1e-2, as in
 * Seq2SeqGradCheckTest.
 */
class AttentionCoverageTest {
  @ParameterizedTest
  @EnumSource(
      value = AttentionType.class,
      names = {"DOT", "GENERAL", "CONCAT"})
  void coverageGradientsMatchFiniteDifferences(AttentionType type) {
    Backend be = TestBackends.cpu();
    int b = 2;
    int t = 3;
    int s = 4;
    int h = 3;
    int m = type == AttentionType.DOT ? h : 5;
    SplittableRandom r = new SplittableRandom(9);
    LuongAttention att = new LuongAttention(be, type, m, h, r, true);
    float[] cov = random(r, b * t * s, 0f, 2f);
    float[] rOut = random(r, b * t * h, -1f, 1f);
    float[] qW = random(r, b * t * s, -1f, 1f);
    try (Tensor memory = be.upload(random(r, b * s * m, -1f, 1f), b, s, m);
        Tensor queries = be.upload(random(r, b * t * h, -1f, 1f), b, t, h);
        Tensor lens = be.uploadInts(new int[] {4, 3}, b);
        Tensor coverage = be.upload(cov, b, t, s)) {
      DoubleSupplier loss =
          () -> {
            try (Tensor keys = keysOf(att, memory);
                LuongAttention.Step st = att.forward(memory, keys, lens, queries, coverage)) {
              return dot(be.download(st.out()), rOut) + dot(be.download(st.weights()), qW);
            }
          };
      att.zeroGrad();
      float[] dCov;
      try (Tensor keys = keysOf(att, memory);
          LuongAttention.Step st = att.forward(memory, keys, lens, queries, coverage);
          Tensor dOut = be.upload(rOut, b, t, h);
          Tensor dW = be.upload(qW, b, t, s);
          Tensor dQ = be.zeros(b, t, h);
          Tensor dMem = be.zeros(b, s, m);
          Tensor dC = be.zeros(b, t, s)) {
        att.backward(st, dOut, dQ, dMem, dW, dC);
        dCov = be.download(dC);
      }
      for (int i = 0; i < cov.length; i++) {
        if (i % s == 3 && i / (t * s) == 1) {
          continue; // padding of the second row: masked, so its gradient is 0 either way
        }
        final int k = i;
        check("coverage[" + i + "]", dCov[i], () -> perturb(be, coverage, cov, k, loss));
      }
      for (Parameter p : att.parameters()) {
        float[] g = be.download(p.grad());
        float[] v = be.download(p.value());
        for (int i = 0; i < v.length; i++) {
          final int k = i;
          check(p.name() + "[" + i + "]", g[i], () -> perturb(be, p.value(), v, k, loss));
        }
      }
    }
  }

  private static Tensor keysOf(LuongAttention att, Tensor memory) {
    Tensor k = att.keys(memory);
    // DOT returns the memory itself; copy so that closing the keys leaves the memory open.
    if (k == memory) {
      Backend be = memory.backend();
      Tensor c = be.zeros(memory.shape().dims());
      be.copy(memory, c);
      return c;
    }
    return k;
  }

  private static void check(String what, float analytic, DoubleSupplier numeric) {
    double n = numeric.getAsDouble();
    double err = Math.abs(n - analytic);
    assertTrue(
        err <= 2e-3 + 2e-2 * Math.abs(n),
        what + ": analytic " + analytic + ", numeric " + n + ", diff " + err);
  }

  /** Central difference of the loss in entry k of tensor x (values v). */
  private static double perturb(Backend be, Tensor x, float[] v, int k, DoubleSupplier loss) {
    float orig = v[k];
    float step = 1e-2f;
    v[k] = orig + step;
    set(be, x, v);
    double lp = loss.getAsDouble();
    v[k] = orig - step;
    set(be, x, v);
    double lm = loss.getAsDouble();
    v[k] = orig;
    set(be, x, v);
    return (lp - lm) / (2 * step);
  }

  private static void set(Backend be, Tensor t, float[] v) {
    try (Tensor u = be.upload(v, t.shape().dims())) {
      be.copy(u, t);
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static float[] random(SplittableRandom r, int n, float lo, float hi) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * (float) r.nextDouble();
    }
    return x;
  }
}
