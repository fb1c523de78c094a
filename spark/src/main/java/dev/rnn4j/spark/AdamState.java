package dev.rnn4j.spark;

import dev.rnn4j.nn.Parameter;
import dev.rnn4j.tensor.Tensor;
import dev.rnn4j.train.Adam;
import java.util.Arrays;
import java.util.List;

/**
 * Parameters and Adam moments as one flat vector [θ; m; v] (each of length n, in parameter order),
 * for parameter averaging. Parameters whose moments do not exist yet contribute zeros.
 */
final class AdamState {
  private AdamState() {}

  static float[] flat(Adam adam, List<Parameter> ps, int n) {
    float[] out = new float[3 * n];
    System.arraycopy(FlatParameters.values(ps), 0, out, 0, n);
    int off = 0;
    for (Parameter p : ps) {
      Tensor[] mv = adam.moments(p);
      int len = (int) p.value().numel();
      if (mv != null) {
        System.arraycopy(mv[0].backend().download(mv[0]), 0, out, n + off, len);
        System.arraycopy(mv[1].backend().download(mv[1]), 0, out, 2 * n + off, len);
      }
      off += len;
    }
    return out;
  }

  /** Sets the moments from [θ; m; v] (θ is not touched) and the step count. */
  static void set(Adam adam, List<Parameter> ps, float[] s, int n, long steps) {
    int off = 0;
    for (Parameter p : ps) {
      int len = (int) p.value().numel();
      adam.setMoments(
          p,
          Arrays.copyOfRange(s, n + off, n + off + len),
          Arrays.copyOfRange(s, 2 * n + off, 2 * n + off + len));
      off += len;
    }
    adam.setSteps(steps);
  }
}
