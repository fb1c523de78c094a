package dev.rnn4j.cli;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Linear;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import dev.rnn4j.train.Adam;
import dev.rnn4j.train.GradientClipping;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.SplittableRandom;

/**
 * A small LSTM learning a generated task that needs memory: at every step, output the symbol seen
 * {@code DELAY} steps earlier (0 before that). Prints the loss and accuracy as they improve.
 */
public final class SequenceDemo {
  static final int SYMBOLS = 8;
  static final int DELAY = 3;

  private SequenceDemo() {}

  /** Trains for {@code steps} batches and returns the last logged loss. */
  public static double run(Backend be, int steps, long seed, PrintStream log) {
    int batch = 32;
    int len = 20;
    int hid = 64;
    SplittableRandom rng = new SplittableRandom(seed);
    double last = Double.NaN;
    try (Lstm lstm = new Lstm(be, SYMBOLS, hid, seed);
        Linear head = new Linear(be, "head.", hid, SYMBOLS, true, seed + 1);
        Adam adam = new Adam(0.01f)) {
      var params = new ArrayList<>(lstm.parameters());
      params.addAll(head.parameters());
      log.printf(
          "training an LSTM (H=%d) to repeat its input %d steps later, on %s%n",
          hid, DELAY, be.name());
      double lossSum = 0;
      double correct = 0;
      int count = 0;
      for (int step = 1; step <= steps; step++) {
        float[] x = new float[batch * len * SYMBOLS];
        int[] y = new int[batch * len];
        for (int b = 0; b < batch; b++) {
          int[] s = new int[len];
          for (int t = 0; t < len; t++) {
            s[t] = rng.nextInt(SYMBOLS);
            x[(b * len + t) * SYMBOLS + s[t]] = 1f;
            y[b * len + t] = t >= DELAY ? s[t - DELAY] : 0;
          }
        }
        try (Tensor xt = be.upload(x, batch, len, SYMBOLS);
            Tensor yt = be.uploadInts(y, batch * len);
            RecurrentOutput out = lstm.forward(xt, null, null, null, true);
            Tensor logits = head.forward(out.output());
            Tensor probs = be.zeros(batch * len, SYMBOLS);
            Tensor losses = be.zeros(batch * len);
            Tensor dOut = be.zeros(batch, len, hid)) {
          lstm.zeroGrad();
          head.zeroGrad();
          double loss = be.crossEntropyForward(logits, yt, -1, 0f, probs, losses) / (batch * len);
          float[] p = be.download(probs);
          for (int r = 0; r < batch * len; r++) {
            int arg = 0;
            for (int k = 1; k < SYMBOLS; k++) {
              arg = p[r * SYMBOLS + k] > p[r * SYMBOLS + arg] ? k : arg;
            }
            correct += arg == y[r] ? 1 : 0;
          }
          be.crossEntropyBackward(probs, yt, -1, 0f, 1f / (batch * len), probs);
          head.backward(Mat.of(out.output()), Mat.of(probs), Mat.of(dOut));
          lstm.backward(out, dOut, null, null).close();
          GradientClipping.clipGlobalNorm(params, 5.0);
          adam.step(params);
          lossSum += loss;
          count++;
        }
        if (step % 25 == 0 || step == steps) {
          last = lossSum / count;
          log.printf(
              "step %4d  loss %.4f  accuracy %.1f%%%n",
              step, last, 100 * correct / (count * batch * len));
          lossSum = 0;
          correct = 0;
          count = 0;
        }
      }
    }
    return last;
  }
}
