package dev.rnn4j.backend.cuda;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
import dev.rnn4j.nn.RecurrentConfig;
import dev.rnn4j.nn.RecurrentGradients;
import dev.rnn4j.nn.RecurrentLayer;
import dev.rnn4j.nn.RecurrentOutput;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole recurrent stacks, forward and backward, on the CPU and CUDA backends with identical weights
 * (the same seed draws the same initial values on the host), inputs, lengths, initial states and
 * output gradients; compares the output, final states, input and state gradients and every
 * parameter gradient. Dropout masks come from the same counter-based generator on both backends, so
 * configurations with dropout must agree too. Skips without a GPU.
 *
 * <p>Tolerances: forward 2e-5 + 2e-4·|ref| (a few ulp per step through up to 2 layers × 9 steps of
 * GEMMs and cells, amplified mildly by the recurrence); gradients 1e-4 + 1e-3·|ref| (weight
 * gradients sum B·T terms in float GEMMs whose summation orders differ between oneDNN and cuBLAS).
 * A wrong gate, padding rule or transpose gives differences of 1e-2 or more.
 */
class CudaLayerParityTest {
  static Stream<Arguments> configs() {
    List<Arguments> a = new ArrayList<>();
    for (CellType c : CellType.values()) {
      a.add(Arguments.of(c, 1, false, false, false, 0f, 64));
      a.add(Arguments.of(c, 1, false, true, true, 0f, 37));
      a.add(Arguments.of(c, 2, true, true, true, 0f, 48));
      a.add(Arguments.of(c, 2, false, true, false, 0.3f, 96));
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} layers={1} bi={2} lengths={3} states={4} dropout={5} H={6}")
  @MethodSource("configs")
  void forwardAndBackwardAgree(
      CellType cell,
      int layers,
      boolean bi,
      boolean withLengths,
      boolean withStates,
      float drop,
      int hid) {
    Backend gpu = CudaTestSupport.cuda();
    Backend cpu = TestBackends.cpu();
    int batch = 6;
    int steps = 9;
    int in = 40;
    RecurrentConfig cfg = new RecurrentConfig(cell, in, hid, layers, bi, drop);
    int states = layers * cfg.directions();
    int[] lengths = withLengths ? new int[] {9, 3, 7, 1, 9, 5} : null;
    float[] x = Rand.uniform(1, batch * steps * in, 1f);
    float[] h0 = Rand.uniform(2, states * batch * hid, 0.5f);
    float[] c0 = Rand.uniform(3, states * batch * hid, 0.5f);
    float[] dOut = Rand.uniform(4, batch * steps * cfg.outputSize(), 1f);
    float[] dh = Rand.uniform(5, states * batch * hid, 1f);
    float[] dc = Rand.uniform(6, states * batch * hid, 1f);
    Result ref = run(cpu, cfg, lengths, withStates, x, h0, c0, dOut, dh, dc, batch, steps);
    Result got = run(gpu, cfg, lengths, withStates, x, h0, c0, dOut, dh, dc, batch, steps);
    for (int i = 0; i < ref.names.size(); i++) {
      boolean grad = i >= ref.forwardCount;
      Compare.close(
          cell + " " + ref.names.get(i),
          ref.values.get(i),
          got.values.get(i),
          grad ? 1e-4 : 2e-5,
          grad ? 1e-3 : 2e-4);
    }
  }

  private record Result(List<String> names, List<float[]> values, int forwardCount) {}

  private static Result run(
      Backend be,
      RecurrentConfig cfg,
      int[] lengths,
      boolean withStates,
      float[] xv,
      float[] h0v,
      float[] c0v,
      float[] dOutv,
      float[] dhv,
      float[] dcv,
      int batch,
      int steps) {
    int states = cfg.numLayers() * cfg.directions();
    int hid = cfg.hiddenSize();
    boolean lstm = cfg.cell().hasCellState();
    List<String> names = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    try (RecurrentLayer layer = new RecurrentLayer(be, cfg, 11);
        Tensor x = be.upload(xv, batch, steps, cfg.inputSize());
        Tensor h0 = be.upload(h0v, states, batch, hid);
        Tensor c0 = be.upload(c0v, states, batch, hid);
        Tensor dOut = be.upload(dOutv, batch, steps, cfg.outputSize());
        Tensor dh = be.upload(dhv, states, batch, hid);
        Tensor dc = be.upload(dcv, states, batch, hid)) {
      layer.zeroGrad();
      try (RecurrentOutput o =
              layer.forward(
                  x, lengths, withStates ? h0 : null, withStates && lstm ? c0 : null, true);
          RecurrentGradients g = layer.backward(o, dOut, dh, lstm ? dc : null)) {
        names.add("output");
        values.add(be.download(o.output()));
        names.add("hN");
        values.add(be.download(o.hN()));
        if (lstm) {
          names.add("cN");
          values.add(be.download(o.cN()));
        }
        int forward = names.size();
        names.add("d input");
        values.add(be.download(g.input()));
        names.add("d h0");
        values.add(be.download(g.h0()));
        if (lstm) {
          names.add("d c0");
          values.add(be.download(g.c0()));
        }
        for (Parameter p : layer.parameters()) {
          names.add("d " + p.name());
          values.add(be.download(p.grad()));
        }
        return new Result(names, values, forward);
      }
    }
  }
}
