package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.cpu.CpuBackend;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Native memory under a long run (scripts/dev/long_run_memory.sh): on a tiny model, {@code steps}
 * training steps, then {@code calls} translations on one thread, then 8 threads x {@code perThread}
 * translations checked against the one-thread outputs; the resident set (VmRSS of
 * /proc/self/status) is sampled every {@code every} steps or calls. Prints one line per sample and
 * a summary per phase: RSS after warm-up (the first sample), in the middle, at the end, the
 * maximum, and the change from warm-up to the end. Exit status 1 when a thread's output differs or
 * a tensor stays open.
 *
 * <p>Arguments: steps calls perThread every (defaults 10000 10000 10000 500).
 */
public final class LongRunMemory {
  private LongRunMemory() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int perThread = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int every = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    boolean ok = true;
    try (CpuBackend be = new CpuBackend(2)) {
      System.out.printf(
          "backend %s, checkMemory %s, java %s%n",
          be, be.checksMemory(), System.getProperty("java.version"));
      Seq2SeqConfig cfg = ConcurrentTranslationTest.CFG;
      int[][] src = ConcurrentTranslationTest.sources(64, cfg.srcVocab(), 5);
      try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 11);
          Optimizer opt = TrainOptions.defaults().withLr(0.01f).newOptimizer()) {
        // Training: copy-and-reverse of 16 random sources per batch, a new batch every step.
        List<Long> rss = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        long t0 = System.nanoTime();
        double loss = 0;
        for (int step = 1; step <= steps; step++) {
          int[][] s = new int[16][];
          int[][] t = new int[16][];
          for (int i = 0; i < 16; i++) {
            s[i] = r.ints(r.nextInt(3, 8), 4, cfg.srcVocab()).toArray();
            t[i] = reversed(s[i]);
          }
          Seq2SeqBatch b = Seq2SeqBatch.of(s, t, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
          model.zeroGrad();
          loss = model.trainStep(b, 0f, 1f / b.targetTokens()).mean();
          opt.step(model.parameters());
          if (step % every == 0) {
            rss.add(sample("train", step, be, "loss " + String.format("%.3f", loss)));
          }
        }
        summary("train", steps, rss, t0);
        // Translation on one thread.
        Translator tr = new Translator(model);
        rss.clear();
        t0 = System.nanoTime();
        int[][] greedy = new int[src.length][];
        int[][] beam = new int[src.length][];
        for (int i = 1; i <= calls; i++) {
          int k = (i - 1) % src.length;
          DecodeOptions o = ConcurrentTranslationTest.optionsOf(i - 1);
          int[] out = tr.translate(src[k], o);
          (o == ConcurrentTranslationTest.BEAM ? beam : greedy)[k] = out;
          if (i % every == 0) {
            rss.add(sample("translate", i, be, ""));
          }
        }
        summary("translate", calls, rss, t0);
        for (int k = 0; k < src.length; k++) {
          if (greedy[k] == null) {
            greedy[k] = tr.translate(src[k], ConcurrentTranslationTest.GREEDY);
          }
          if (beam[k] == null) {
            beam[k] = tr.translate(src[k], ConcurrentTranslationTest.BEAM);
          }
        }
        // 8 threads on the same model, every output compared with the one-thread output.
        rss.clear();
        t0 = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int th = 0; th < ConcurrentTranslationTest.THREADS; th++) {
          int id = th;
          threads.add(
              new Thread(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      int k = ConcurrentTranslationTest.sourceOf(id, i, src.length);
                      DecodeOptions o = ConcurrentTranslationTest.optionsOf(i);
                      int[] want = o == ConcurrentTranslationTest.BEAM ? beam[k] : greedy[k];
                      if (!Arrays.equals(want, tr.translate(src[k], o))) {
                        mismatches.incrementAndGet();
                      }
                      done.incrementAndGet();
                    }
                  }));
        }
        threads.forEach(Thread::start);
        long total = (long) perThread * threads.size();
        long next = every * 8L;
        while (threads.stream().anyMatch(Thread::isAlive)) {
          Thread.sleep(20);
          if (done.get() >= next) {
            rss.add(sample("threads", done.get(), be, ""));
            next += every * 8L;
          }
        }
        for (Thread th : threads) {
          th.join();
        }
        summary("threads", total, rss, t0);
        System.out.printf(
            "threads: %d x %d translations, %d differ from one thread%n",
            threads.size(), perThread, mismatches.get());
        ok &= mismatches.get() == 0;
      }
      System.out.printf("open tensors after closing the model: %s%n", be.openTensors());
      ok &= be.liveTensors() == 0;
    }
    System.out.println(ok ? "OK" : "FAILED");
    if (!ok) {
      System.exit(1);
    }
  }

  private static int[] reversed(int[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[a.length - 1 - i];
    }
    return b;
  }

  private static long sample(String phase, long n, CpuBackend be, String extra) throws IOException {
    long kib = rssKiB();
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "%-9s %6d  rss %7.1f MiB  heap committed %6.1f MiB  off-heap (JavaCPP) %6.1f MiB"
            + "  open tensors %d  %s%n",
        phase,
        n,
        kib / 1024.0,
        rt.totalMemory() / 1048576.0,
        Pointer.totalBytes() / 1048576.0,
        be.liveTensors(),
        extra);
    return kib;
  }

  private static void summary(String phase, long n, List<Long> rss, long t0) {
    if (rss.isEmpty()) {
      return;
    }
    long first = rss.get(0);
    long warm = rss.get(rss.size() / 5);
    long mid = rss.get(rss.size() / 2);
    long last = rss.get(rss.size() - 1);
    long max = rss.stream().mapToLong(Long::longValue).max().getAsLong();
    System.out.printf(
        "SUMMARY %s: %d in %.1f s; RSS MiB first %.1f, after a fifth (warm) %.1f, middle %.1f,"
            + " last %.1f, max %.1f; last - warm %+.1f MiB%n",
        phase,
        n,
        (System.nanoTime() - t0) / 1e9,
        first / 1024.0,
        warm / 1024.0,
        mid / 1024.0,
        last / 1024.0,
        max / 1024.0,
        (last - warm) / 1024.0);
  }

  /** VmRSS of /proc/self/status in KiB (Linux). */
  static long rssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS line in /proc/self/status; this measurement needs Linux");
  }
}
