package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.nn.CellType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One loaded model serving many threads: 8 threads translating at once give exactly the outputs of
 * one thread (greedy and beam search), and closing the model while threads decode gives each of
 * them an {@link IllegalStateException} naming the close, never a crash, with no tensor left open.
 *
 * <p>Sizes: 10,000 translations in all (8 x 1,250) to fit the test budget; {@code LongRunMemory}
 * runs 8 x 10,000.
 */
class ConcurrentTranslationTest {
  static final int THREADS = 8;
  static final int TOTAL = 10_000;

  /** A tiny LSTM model with attention and input feeding (every decoder path but Bahdanau's). */
  static final Seq2SeqConfig CFG =
      new Seq2SeqConfig(
          24, 24, 8, CellType.LSTM, 16, 1, true, 16, 1, AttentionType.GENERAL, 0f, false, true);

  /** Greedy, at most source length + 2 tokens. */
  static final DecodeOptions GREEDY = new DecodeOptions(1, 0f, 1f, 2, 1, false, 64);

  /** Beam 3 (exercises the state reorder), at most source length + 2 tokens. */
  static final DecodeOptions BEAM = new DecodeOptions(3, 0.6f, 1f, 2, 1, false, 64);

  /** n sources of 3-7 ids in [4, vocab), from a fixed seed. */
  static int[][] sources(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] s = new int[n][];
    for (int i = 0; i < n; i++) {
      s[i] = r.ints(r.nextInt(3, 8), 4, vocab).toArray();
    }
    return s;
  }

  /** Source index and options of translation i of thread t (beam for one call in four). */
  static int sourceOf(int t, int i, int n) {
    return (t * 7 + i * 13) % n;
  }

  static DecodeOptions optionsOf(int i) {
    return i % 4 == 3 ? BEAM : GREEDY;
  }

  @Test
  void eightThreadsGiveTheOutputsOfOne() throws Exception {
    int[][] src = sources(64, CFG.srcVocab(), 5);
    try (Seq2SeqModel model = new Seq2SeqModel(TestBackends.cpu(), CFG, 11)) {
      Translator tr = new Translator(model);
      int[][] greedy = new int[src.length][];
      int[][] beam = new int[src.length][];
      Set<String> distinct = new HashSet<>();
      for (int i = 0; i < src.length; i++) {
        greedy[i] = tr.translate(src[i], GREEDY);
        beam[i] = tr.translate(src[i], BEAM);
        distinct.add(Arrays.toString(greedy[i]));
      }
      assertTrue(
          distinct.size() >= 8,
          "the reference outputs must differ between sources for the comparison to mean"
              + " anything; got "
              + distinct.size()
              + " distinct of "
              + src.length);
      int perThread = TOTAL / THREADS;
      AtomicInteger done = new AtomicInteger();
      AtomicReference<String> firstMismatch = new AtomicReference<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int t = 0; t < THREADS; t++) {
        int th = t;
        threads.add(
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < perThread; i++) {
                      int s = sourceOf(th, i, src.length);
                      DecodeOptions o = optionsOf(i);
                      int[] got = tr.translate(src[s], o);
                      int[] want = o == BEAM ? beam[s] : greedy[s];
                      if (!Arrays.equals(want, got)) {
                        firstMismatch.compareAndSet(
                            null,
                            "thread "
                                + th
                                + ", call "
                                + i
                                + ", source "
                                + s
                                + (o == BEAM ? " (beam 3)" : " (greedy)")
                                + ": got "
                                + Arrays.toString(got)
                                + ", one thread gave "
                                + Arrays.toString(want));
                      }
                      done.incrementAndGet();
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread th : threads) {
        th.join();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(errors.isEmpty(), () -> "a decoding thread failed: " + errors.get(0));
      assertEquals(perThread * THREADS, done.get());
      assertEquals(null, firstMismatch.get());
      System.out.printf(
          "ConcurrentTranslationTest: %d threads x %d translations in %.1f s%n",
          THREADS, perThread, seconds);
    }
  }

  @Test
  void closingTheModelWhileThreadsDecodeGivesAClearError() throws Exception {
    int[][] src = sources(16, CFG.srcVocab(), 6);
    int whileDecoding = 0;
    try (CpuBackend be = new CpuBackend(2)) {
      for (int round = 0; round < 5; round++) {
        Seq2SeqModel model = new Seq2SeqModel(be, CFG, 11);
        Translator tr = new Translator(model);
        AtomicInteger done = new AtomicInteger();
        List<AtomicReference<Throwable>> ended = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int th = t;
          AtomicReference<Throwable> end = new AtomicReference<>();
          ended.add(end);
          threads.add(
              new Thread(
                  () -> {
                    try {
                      for (int i = 0; ; i++) {
                        tr.translate(src[sourceOf(th, i, src.length)], optionsOf(i));
                        done.incrementAndGet();
                      }
                    } catch (Throwable e) {
                      end.set(e);
                    }
                  }));
        }
        threads.forEach(Thread::start);
        while (done.get() < 10 + 5 * round) {
          Thread.onSpinWait();
        }
        model.close();
        for (Thread th : threads) {
          th.join(30_000);
          assertTrue(!th.isAlive(), "a decoding thread still runs 30 s after the close");
        }
        for (AtomicReference<Throwable> end : ended) {
          Throwable e = end.get();
          assertNotNull(e);
          assertTrue(
              e instanceof IllegalStateException && e.getMessage().contains("the model is closed"),
              () -> "expected IllegalStateException 'the model is closed', got " + e);
          if (e.getMessage().contains("model closed while decoding")) {
            whileDecoding++;
          }
        }
        IllegalStateException after =
            assertThrows(IllegalStateException.class, () -> tr.translate(src[0], GREEDY));
        assertTrue(after.getMessage().contains("Seq2SeqModel.encode: the model is closed"));
        assertEquals(
            0,
            be.liveTensors(),
            "tensors left open by the interrupted translations: round " + round);
      }
    }
    assertTrue(
        whileDecoding > 0,
        "in 5 rounds x 4 threads no close landed inside a translation; the test did not test it");
  }
}
