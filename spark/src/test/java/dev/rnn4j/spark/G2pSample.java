package dev.rnn4j.spark;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Batch;
import dev.rnn4j.data.Batcher;
import dev.rnn4j.data.Example;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Trainer;
import dev.rnn4j.train.TrainingCheckpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CMUdict-like data for the training tests: the first pairs of the G2P sample that ships in the
 * rnn4j jar (letters → phonemes, both whitespace-separated), a tiny model shape, and checkpoint
 * writing.
 */
final class G2pSample {
  static final WhitespaceTokenizer TOK = new WhitespaceTokenizer();

  final List<String[]> trainText = new ArrayList<>();
  final List<String[]> devText = new ArrayList<>();
  final Vocabulary src;
  final Vocabulary tgt;
  final List<Example> train = new ArrayList<>();
  final List<Example> dev = new ArrayList<>();

  G2pSample(int trainPairs, int devPairs) {
    List<String[]> all = read(trainPairs + devPairs);
    trainText.addAll(all.subList(0, trainPairs));
    devText.addAll(all.subList(trainPairs, trainPairs + devPairs));
    List<List<String>> s = new ArrayList<>();
    List<List<String>> t = new ArrayList<>();
    for (String[] p : trainText) {
      s.add(TOK.tokenize(p[0]));
      t.add(TOK.tokenize(p[1]));
    }
    src = Vocabulary.build(Vocabulary.count(s), 1, Integer.MAX_VALUE);
    tgt = Vocabulary.build(Vocabulary.count(t), 1, Integer.MAX_VALUE);
    for (String[] p : trainText) {
      train.add(encode(p));
    }
    for (String[] p : devText) {
      dev.add(encode(p));
    }
  }

  private Example encode(String[] p) {
    return new Example(src.encode(TOK.tokenize(p[0])), tgt.encode(TOK.tokenize(p[1])));
  }

  /** 1-layer biLSTM 24/direction, 1-layer LSTM 32, general attention, no dropout. */
  Seq2SeqConfig config(float dropout) {
    return new Seq2SeqConfig(
        src.size(),
        tgt.size(),
        16,
        CellType.LSTM,
        24,
        1,
        true,
        32,
        1,
        AttentionType.GENERAL,
        dropout,
        false,
        false);
  }

  List<Seq2SeqBatch> devBatches() {
    List<Seq2SeqBatch> out = new ArrayList<>();
    for (Batch b : Batcher.evaluationBatches(dev, 32)) {
      out.add(Seq2SeqBatch.of(b));
    }
    return out;
  }

  /** Checkpoints into dir/tag with this sample's vocabularies. */
  Trainer.Checkpoints checkpoints(Path dir, long seed) {
    return (tag, m, o, st) ->
        ModelDirectory.save(
            dir.resolve(tag), m, src, tgt, TOK, TOK, new TrainingCheckpoint(o, st, seed));
  }

  static float[] weights(Seq2SeqModel m) {
    Backend be = m.backend();
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (var p : m.parameters()) {
      float[] h = be.download(p.value());
      parts.add(h);
      n += h.length;
    }
    float[] out = new float[n];
    int off = 0;
    for (float[] h : parts) {
      System.arraycopy(h, 0, out, off, h.length);
      off += h.length;
    }
    return out;
  }

  private static List<String[]> read(int n) {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                G2pSample.class.getResourceAsStream("/dev/rnn4j/demo/g2p-train.tsv"),
                StandardCharsets.UTF_8))) {
      for (String l; out.size() < n && (l = r.readLine()) != null; ) {
        String[] p = l.split("\t");
        if (p.length == 2) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.size() < n) {
      throw new IllegalStateException("the G2P sample has only " + out.size() + " pairs");
    }
    return out;
  }
}
