package dev.rnn4j.spark;

import dev.rnn4j.data.Batcher;
import dev.rnn4j.data.Example;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.train.Trainer;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The single-process side of the comparisons: core Trainer data over a core Batcher. */
final class SingleProcess {
  private SingleProcess() {}

  /** Trainer data over a Batcher: epoch e (1-based) is the Batcher's epoch e - 1 (as the CLI). */
  static Trainer.Data data(List<Example> examples, int batchSize, long seed) {
    Batcher batcher = new Batcher(examples, batchSize, 50, seed);
    return new Trainer.Data() {
      @Override
      public int batches(int epoch) {
        return batcher.batchesPerEpoch();
      }

      @Override
      public Iterator<Seq2SeqBatch> epoch(int epoch) {
        batcher.seek(new Batcher.Position(epoch - 1, 0));
        return new Iterator<>() {
          int left = batcher.batchesPerEpoch();

          @Override
          public boolean hasNext() {
            return left > 0;
          }

          @Override
          public Seq2SeqBatch next() {
            if (left-- <= 0) {
              throw new NoSuchElementException();
            }
            return Seq2SeqBatch.of(batcher.next());
          }
        };
      }
    };
  }
}
