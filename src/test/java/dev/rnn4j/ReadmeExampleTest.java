package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.LoadResult;
import dev.rnn4j.nn.Lstm;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.train.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples, verbatim apart from the assertions (and file locations). */
class ReadmeExampleTest {
  @Test
  void quickStartReproducesTheToyTask() {
    int[][] src = {{4, 5, 6}, {7, 8, 9}, {10, 11, 12}}, tgt = {{5, 7, 9}, {6, 8, 10}, {4, 9, 12}};
    var cfg =
        new Seq2SeqConfig(
            13, 13, 16, CellType.LSTM, 32, 1, true, 32, 1, AttentionType.GENERAL, 0f, false);
    var batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    try (Backend be = Backends.create("cpu");
        var model = new Seq2SeqModel(be, cfg, 3);
        var adam = new Adam(0.01f)) {
      for (int step = 0; step < 150; step++) {
        model.zeroGrad();
        model.trainStep(batch, 0f, 1f / batch.targetTokens());
        adam.step(model.parameters());
      }
      var tr = new Translator(model);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(tgt[i], tr.translate(src[i], DecodeOptions.beam(3)), "input " + i);
      }
    }
  }

  /** The state-dict lines, in the README as here (the PyTorch file made by another Lstm). */
  private static final List<String> STATE_DICT_LINES =
      List.of(
          "SafeTensors.save(Path.of(\"lstm.safetensors\"), lstm.stateDict());",
          "Map<String, HostTensor> fromTorch = SafeTensors.load(Path.of(\"torch-lstm.safetensors\"));",
          "LoadResult r = lstm.loadStateDict(fromTorch, true);");

  @Test
  void stateDictToAndFromPyTorch(@TempDir Path tmp) throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    for (String line : STATE_DICT_LINES) {
      assertTrue(readme.contains(line), "README.md no longer has: " + line);
    }
    try (Backend be = Backends.create("cpu");
        Lstm lstm = new Lstm(be, 8, 8, 2, true, 0.1f, 42);
        Lstm torchStandIn = new Lstm(be, 8, 8, 2, true, 0.1f, 7)) {
      SafeTensors.save(tmp.resolve("torch-lstm.safetensors"), torchStandIn.stateDict());
      SafeTensors.save(tmp.resolve("lstm.safetensors"), lstm.stateDict());
      Map<String, HostTensor> fromTorch = SafeTensors.load(tmp.resolve("torch-lstm.safetensors"));
      LoadResult r = lstm.loadStateDict(fromTorch, true);
      assertTrue(r.exact(), r.toString());
      assertArrayEquals(
          torchStandIn.stateDict().get("weight_hh_l1_reverse").floats(),
          lstm.stateDict().get("weight_hh_l1_reverse").floats());
    }
  }
}
