package dev.rnn4j.nn;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.DType;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Shape;
import dev.rnn4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stack of recurrent layers (RNN, LSTM or GRU), optionally bidirectional, with dropout between
 * layers and per-sequence lengths, equal in results and parameter layout to PyTorch's {@code
 * nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} with {@code batch_first=True} and packed sequences.
 *
 * <p><b>Layouts.</b> Input (B, T, I) batch-first; output (B, T, D·H); states (L·D, B, H). With
 * lengths, step t of sequence b is padding when {@code t >= lengths[b]}: its output is 0, the final
 * state is taken at the sequence's own last step, the reverse direction starts there, and padding
 * contributes nothing to any gradient. No sorting is needed.
 *
 * <p><b>Parameters</b> as PyTorch names them: {@code weight_ih_l{k}} (G·H, I or D·H), {@code
 * weight_hh_l{k}} (G·H, H), {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (G·H), and the same with
 * suffix {@code _reverse}; gates LSTM (i, f, g, o), GRU (r, z, n); initialised U(-1/√H, 1/√H).
 *
 * <p><b>Threads.</b> Inference forwards ({@code training = false}) read the parameters only and may
 * run concurrently. Training forwards, backward passes and parameter updates must not overlap with
 * any other call on the same layer.
 */
public class RecurrentLayer implements Module {
  private final Backend backend;
  private final RecurrentConfig config;
  private final RecurrentDirection[][] dirs; // [layer][direction]
  private final List<Parameter> parameters;
  private long dropoutSeed;
  private long dropoutCalls;

  /** A stack with PyTorch's initialisation drawn from {@code seed}. */
  public RecurrentLayer(Backend backend, RecurrentConfig config, long seed) {
    this(backend, config, seed, "");
  }

  /**
   * A stack whose parameter names start with {@code prefix} (e.g. {@code "encoder.rnn."} gives
   * {@code encoder.rnn.weight_ih_l0}).
   */
  public RecurrentLayer(Backend backend, RecurrentConfig config, long seed, String prefix) {
    if (backend == null) {
      throw new IllegalArgumentException("backend is null");
    }
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    this.backend = backend;
    this.config = config;
    this.dropoutSeed = seed ^ 0x5DEECE66DL;
    int dirsN = config.directions();
    int hid = config.hiddenSize();
    int g = config.cell().gates() * hid;
    float bound = (float) (1.0 / Math.sqrt(hid));
    SplittableRandom rng = new SplittableRandom(seed);
    List<Parameter> params = new ArrayList<>();
    this.dirs = new RecurrentDirection[config.numLayers()][dirsN];
    try {
      for (int l = 0; l < config.numLayers(); l++) {
        int in = l == 0 ? config.inputSize() : config.outputSize();
        for (int d = 0; d < dirsN; d++) {
          String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
          String pre = prefix == null ? "" : prefix;
          Parameter wIh = param(params, pre + "weight_ih" + sfx, rng, bound, g, in);
          Parameter wHh = param(params, pre + "weight_hh" + sfx, rng, bound, g, hid);
          Parameter bIh = param(params, pre + "bias_ih" + sfx, rng, bound, g);
          Parameter bHh = param(params, pre + "bias_hh" + sfx, rng, bound, g);
          dirs[l][d] = new RecurrentDirection(config.cell(), in, hid, wIh, wHh, bIh, bHh);
        }
      }
    } catch (RuntimeException e) {
      params.forEach(Parameter::close);
      throw e;
    }
    this.parameters = Collections.unmodifiableList(params);
  }

  private Parameter param(
      List<Parameter> params, String name, SplittableRandom rng, float bound, int... dims) {
    float[] v = Init.uniform(rng, Math.toIntExact(Shape.of(dims).numel()), bound);
    Parameter p = new Parameter(name, backend.upload(v, dims));
    params.add(p);
    return p;
  }

  public RecurrentConfig config() {
    return config;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  /** Seed and call counter of the dropout masks (saved in checkpoints to resume exactly). */
  public long[] dropoutState() {
    return new long[] {dropoutSeed, dropoutCalls};
  }

  /** Restores {@link #dropoutState()}. */
  public void setDropoutState(long seed, long calls) {
    this.dropoutSeed = seed;
    this.dropoutCalls = calls;
  }

  /** Inference over full-length sequences from zero states. */
  public RecurrentOutput forward(Tensor input) {
    return forward(input, null, null, null, false);
  }

  /**
   * Runs the stack.
   *
   * @param input (B, T, I) FLOAT32
   * @param lengths B lengths in [1, T], or null for all T
   * @param h0 initial hidden states (L·D, B, H), or null for zeros
   * @param c0 initial cell states (L·D, B, H) for LSTM (null for zeros); must be null otherwise
   * @param training keep activations for {@link #backward} and apply dropout
   */
  public RecurrentOutput forward(
      Tensor input, int[] lengths, Tensor h0, Tensor c0, boolean training) {
    int[] btf = checkInput(input, lengths, h0, c0);
    int batch = btf[0];
    int steps = btf[1];
    int hid = config.hiddenSize();
    int dirsN = config.directions();
    int layers = config.numLayers();
    Tensors out = new Tensors();
    RecurrentOutput.StackCache cache =
        training ? new RecurrentOutput.StackCache(layers, dirsN) : null;
    try (Tensors tmp = new Tensors()) {
      Tensors keep = training ? cache.owned : tmp;
      // All sequences full length: the same as no lengths (and eligible for fused kernels).
      boolean full = lengths == null || java.util.Arrays.stream(lengths).allMatch(n -> n == steps);
      Tensor lens = full ? null : keep.add(backend.uploadInts(lengths, batch));
      if (training) {
        cache.lengths = lens;
      }
      Tensor hN = out.add(backend.zeros(layers * dirsN, batch, hid));
      Tensor cN =
          config.cell().hasCellState() ? out.add(backend.zeros(layers * dirsN, batch, hid)) : null;
      Tensor hLast = tmp.add(backend.zeros(batch, hid));
      Tensor layerIn = input;
      Tensor layerOut = null;
      for (int l = 0; l < layers; l++) {
        boolean last = l == layers - 1;
        if (training) {
          cache.layerInputs[l] = layerIn;
        }
        Tensors outOwner = last ? out : keep;
        layerOut = dirsN == 1 ? null : outOwner.add(backend.zeros(batch, steps, dirsN * hid));
        for (int d = 0; d < dirsN; d++) {
          int idx = l * dirsN + d;
          Tensor x = layerIn;
          if (d == 1) {
            x = keep.add(backend.zeros(DType.FLOAT32, layerIn.shape()));
            backend.reverseSequences(layerIn, x, lens);
          }
          Tensor y = backend.zeros(batch, steps, hid);
          if (dirsN == 1) {
            outOwner.add(y);
            layerOut = y;
          } else {
            keep.add(y);
          }
          Mat h0v = h0 == null ? null : stateView(h0, idx, batch);
          Mat c0v = c0 == null ? null : stateView(c0, idx, batch);
          Mat cNv = cN == null ? null : stateView(cN, idx, batch);
          RecurrentDirection.Cache dc = dirs[l][d].forward(x, lens, h0v, c0v, y, cNv, training);
          if (training) {
            cache.dirs[l][d] = dc;
          }
          backend.gatherLastStep(y, lens, hLast);
          backend.copy(Mat.of(hLast), stateView(hN, idx, batch));
          if (dirsN == 2) {
            Tensor yOrdered = y;
            if (d == 1) {
              yOrdered = tmp.add(backend.zeros(batch, steps, hid));
              backend.reverseSequences(y, yOrdered, lens);
            }
            backend.copy(
                Mat.of(yOrdered), Mat.of(layerOut).cols(0, dirsN * hid).cols(d * hid, hid));
          }
        }
        if (!last) {
          Tensor next = layerOut;
          if (training && config.dropout() > 0f) {
            Tensor mask = keep.add(backend.zeros(DType.FLOAT32, layerOut.shape()));
            next = keep.add(backend.zeros(DType.FLOAT32, layerOut.shape()));
            long seed = dropoutSeed + 0x9E3779B97F4A7C15L * (dropoutCalls * layers + l + 1);
            backend.dropout(layerOut, config.dropout(), seed, mask, next);
            cache.dropoutMasks[l] = mask;
          }
          layerIn = next;
        }
      }
      if (training) {
        dropoutCalls++;
      }
      return new RecurrentOutput(layerOut, hN, cN, cache);
    } catch (RuntimeException e) {
      if (cache != null) {
        cache.close();
      }
      out.close();
      throw e;
    }
  }

  /** State (idx, :, :) of an (L·D, B, H) tensor as a (B, H) view. */
  private Mat stateView(Tensor s, int idx, int batch) {
    return Mat.of(s).rows(idx * batch, batch);
  }

  /**
   * Back-propagates through a training forward. Parameter gradients accumulate into {@link
   * Parameter#grad()}; returns the gradients of the input and the initial states.
   *
   * @param out the result of {@code forward(..., training = true)}, unmodified
   * @param dOutput gradient of the output (B, T, D·H); values at padding steps are ignored
   * @param dhN gradient of hN (L·D, B, H), or null for zero
   * @param dcN gradient of cN (L·D, B, H) for LSTM, or null for zero
   */
  public RecurrentGradients backward(RecurrentOutput out, Tensor dOutput, Tensor dhN, Tensor dcN) {
    if (out == null || !out.hasActivations()) {
      throw new IllegalStateException(
          "backward needs the output of a training forward (forward(..., training = true))"
              + " that has not been closed");
    }
    RecurrentOutput.StackCache cache = out.cache;
    Tensor input = cache.layerInputs[0];
    int batch = input.shape().dim(0);
    int steps = input.shape().dim(1);
    int hid = config.hiddenSize();
    int dirsN = config.directions();
    int layers = config.numLayers();
    expectShape("dOutput", dOutput, batch, steps, dirsN * hid);
    if (dhN != null) {
      expectShape("dhN", dhN, layers * dirsN, batch, hid);
    }
    if (dcN != null) {
      if (!config.cell().hasCellState()) {
        throw new IllegalArgumentException("dcN: only an LSTM has a cell state; pass null");
      }
      expectShape("dcN", dcN, layers * dirsN, batch, hid);
    }
    Tensor lens = cache.lengths;
    Tensors result = new Tensors();
    try (Tensors tmp = new Tensors()) {
      Tensor dh0 = result.add(backend.zeros(layers * dirsN, batch, hid));
      Tensor dc0 =
          config.cell().hasCellState()
              ? result.add(backend.zeros(layers * dirsN, batch, hid))
              : null;
      Tensor dState = tmp.add(backend.zeros(batch, hid));
      Tensor dCell = tmp.add(backend.zeros(batch, hid));
      Tensor dLayerOut = dOutput;
      Tensor dInput = null;
      for (int l = layers - 1; l >= 0; l--) {
        Tensor layerIn = cache.layerInputs[l];
        Tensor dIn = (l == 0 ? result : tmp).add(backend.zeros(DType.FLOAT32, layerIn.shape()));
        Tensor dxDir = dirsN == 2 ? tmp.add(backend.zeros(DType.FLOAT32, layerIn.shape())) : dIn;
        for (int d = 0; d < dirsN; d++) {
          int idx = l * dirsN + d;
          Tensor dy = tmp.add(backend.zeros(batch, steps, hid));
          backend.copy(Mat.of(dLayerOut).cols(d * hid, hid), Mat.of(dy));
          if (d == 1) {
            Tensor r = tmp.add(backend.zeros(batch, steps, hid));
            backend.reverseSequences(dy, r, lens);
            dy = r;
          }
          Tensor dhNt = null;
          if (dhN != null) {
            backend.copy(stateView(dhN, idx, batch), Mat.of(dState));
            dhNt = dState;
          }
          Tensor dcNt = null;
          if (dcN != null) {
            backend.copy(stateView(dcN, idx, batch), Mat.of(dCell));
            dcNt = dCell;
          }
          dirs[l][d].backward(
              cache.dirs[l][d],
              dy,
              dhNt,
              dcNt,
              dxDir,
              stateView(dh0, idx, batch),
              dc0 == null ? null : stateView(dc0, idx, batch));
          if (dirsN == 2) {
            if (d == 1) {
              Tensor r = tmp.add(backend.zeros(DType.FLOAT32, layerIn.shape()));
              backend.reverseSequences(dxDir, r, lens);
              backend.axpby(1f, r, 1f, dIn);
            } else {
              backend.axpby(1f, dxDir, 1f, dIn);
            }
          }
        }
        if (l > 0 && cache.dropoutMasks[l - 1] != null) {
          backend.mul(dIn, cache.dropoutMasks[l - 1], dIn);
        }
        dLayerOut = dIn;
        dInput = dIn;
      }
      return new RecurrentGradients(dInput, dh0, dc0);
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  private int[] checkInput(Tensor input, int[] lengths, Tensor h0, Tensor c0) {
    if (input == null) {
      throw new IllegalArgumentException("input is null; expected a (B, T, I) FLOAT32 tensor");
    }
    if (input.backend() != backend) {
      throw new IllegalArgumentException(
          "input lives on backend '"
              + input.backend().name()
              + "', the layer on '"
              + backend.name()
              + "'");
    }
    Shape s = input.shape();
    if (s.rank() != 3 || input.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          "input: expected a (B, T, I) FLOAT32 tensor, got " + input.dtype() + " " + s);
    }
    if (s.dim(2) != config.inputSize()) {
      throw new IllegalArgumentException(
          "input size: got "
              + s.dim(2)
              + ", expected "
              + config.inputSize()
              + " (input shape "
              + s
              + " is (B, T, I))");
    }
    int batch = s.dim(0);
    int steps = s.dim(1);
    if (batch < 1 || steps < 1) {
      throw new IllegalArgumentException("input " + s + ": batch and time must be >= 1");
    }
    if (lengths != null) {
      if (lengths.length != batch) {
        throw new IllegalArgumentException(
            "lengths: got "
                + lengths.length
                + " entries, expected one per batch entry ("
                + batch
                + ")");
      }
      for (int b = 0; b < batch; b++) {
        if (lengths[b] < 1 || lengths[b] > steps) {
          throw new IllegalArgumentException(
              "lengths["
                  + b
                  + "] = "
                  + lengths[b]
                  + " is outside [1, "
                  + steps
                  + "] (T of the input "
                  + s
                  + ")");
        }
      }
    }
    int states = config.numLayers() * config.directions();
    if (h0 != null) {
      expectShape("h0", h0, states, batch, config.hiddenSize());
    }
    if (c0 != null) {
      if (!config.cell().hasCellState()) {
        throw new IllegalArgumentException(
            "c0: a " + config.cell() + " layer has no cell state; pass null");
      }
      expectShape("c0", c0, states, batch, config.hiddenSize());
    }
    return s.dims();
  }

  private void expectShape(String what, Tensor t, int... dims) {
    Shape want = Shape.of(dims);
    if (t.backend() != backend) {
      throw new IllegalArgumentException(what + " lives on another backend than the layer");
    }
    if (!t.shape().equals(want) || t.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          what + ": expected FLOAT32 " + want + ", got " + t.dtype() + " " + t.shape());
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + config;
  }
}
