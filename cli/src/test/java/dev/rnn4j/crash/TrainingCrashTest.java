package dev.rnn4j.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.seq2seq.ModelDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments of a training run, many of them inside a checkpoint save (the
 * child pauses at each step of a save and says so; the test kills it on that line), each followed
 * by {@code --resume}: after every kill, {@code best} and {@code last} load by the paths a user
 * gives, and the run resumed to the end has the weights of an uninterrupted run, bit for bit.
 */
class TrainingCrashTest {
  private static final int KILLS = 20;
  private static final int EPOCHS = 12;

  @TempDir Path tmp;

  private List<String> trainArgs(Path out, Path resume) throws IOException {
    StringBuilder tsv = new StringBuilder();
    String[] words = {"a b", "b c", "c a", "a a", "b b", "c c", "a b c", "c b a", "b a c"};
    for (int rep = 0; rep < 12; rep++) {
      for (String w : words) {
        tsv.append(w).append('\t').append(w.toUpperCase(java.util.Locale.ROOT)).append('\n');
      }
    }
    Path train = tmp.resolve("train.tsv");
    Path dev = tmp.resolve("dev.tsv");
    if (!Files.exists(train)) {
      Files.writeString(train, tsv.toString());
      Files.writeString(dev, "a b\tA B\nc a\tC A\nb a c\tB A C\n");
    }
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--train",
                train.toString(),
                "--dev",
                dev.toString(),
                "--out",
                out.toString(),
                "--embed",
                "8",
                "--encoder-hidden",
                "8",
                "--decoder-hidden",
                "16",
                "--batch-size",
                "8",
                "--epochs",
                Integer.toString(EPOCHS),
                "--patience",
                "0",
                "--dropout",
                "0.2",
                "--keep-epochs",
                "2",
                "--lr",
                "0.01",
                "--backend",
                "cpu"));
    if (resume != null) {
      a.addAll(List.of("--resume", resume.toString()));
    }
    return a;
  }

  private static Process start(long pauseSeed, List<String> rnn4jArgs) throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of("-Xmx512m", "-cp", cp, CrashChild.class.getName(), Long.toString(pauseSeed)));
    cmd.addAll(rnn4jArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** Runs the child to its end; returns the milliseconds it trained per epoch. */
  private static double runToEnd(Process p) throws Exception {
    Watch w = new Watch(p, -1);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child did not finish");
    w.reader.join();
    assertEquals(0, p.exitValue(), w.output.toString());
    return (System.nanoTime() - w.modelSeenAt) / 1e6 / EPOCHS;
  }

  /**
   * Reads a child's output on a thread of its own: notes when training starts (the "model:" line)
   * and, when {@code stepsToPass > 0}, when the child reaches that many save steps.
   */
  private static final class Watch {
    final StringBuilder output = new StringBuilder();
    final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch stepped = new java.util.concurrent.CountDownLatch(1);
    final Thread reader;
    volatile long modelSeenAt;
    volatile String stepLine;

    Watch(Process p, int stepsToPass) {
      reader =
          new Thread(
              () -> {
                int steps = stepsToPass;
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                      output.append(line).append('\n');
                    }
                    if (line.startsWith("model:") && modelSeenAt == 0) {
                      modelSeenAt = System.nanoTime();
                      started.countDown();
                    }
                    if (line.startsWith("STEP ") && --steps == 0) {
                      stepLine = line;
                      stepped.countDown();
                    }
                  }
                } catch (IOException killed) {
                  // the stream ends when the child is killed
                } finally {
                  started.countDown();
                  stepped.countDown();
                }
              });
      reader.setDaemon(true);
      reader.start();
    }
  }

  private static Map<String, HostTensor> weights(Path model) throws IOException {
    return SafeTensors.read(model.resolve("model.safetensors")).tensors();
  }

  @Test
  void killsAnywhereNeverLoseACheckpointAndResumingGivesTheSameWeights() throws Exception {
    Path ref = tmp.resolve("reference");
    double epochMs = runToEnd(start(1, trainArgs(ref, null)));

    Path out = tmp.resolve("run");
    SplittableRandom r = new SplittableRandom(2026);
    int insideSaves = 0;
    boolean bestSeen = false;
    boolean lastSeen = false;
    List<String> log = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      Path resume = Files.exists(out.resolve("last")) ? out.resolve("last") : null;
      Process p = start(100 + kill, trainArgs(out, resume));
      // Most kills on a random step of a save; the others at a random moment of training, within
      // about an epoch of its start (measured on the reference run), so the run does not end
      // before the kills are done.
      boolean onStep = r.nextInt(5) < 3;
      Watch w = new Watch(p, onStep ? r.nextInt(1, 7) : -1);
      String killedAt;
      if (onStep) {
        w.stepped.await();
        killedAt = w.stepLine != null ? w.stepLine : "after the run ended";
        insideSaves += w.stepLine != null ? 1 : 0;
      } else {
        w.started.await();
        Thread.sleep((long) (r.nextDouble() * epochMs));
        killedAt = p.isAlive() ? "at a random moment" : "after the run ended";
      }
      p.destroyForcibly(); // SIGKILL on POSIX
      p.waitFor();
      log.add("kill " + kill + ": " + killedAt);
      bestSeen |= Files.exists(out.resolve("best"));
      lastSeen |= Files.exists(out.resolve("last"));
      for (String tag : List.of("best", "last")) {
        Path dir = out.resolve(tag);
        if (tag.equals("best") ? bestSeen : lastSeen) {
          // Once it existed, it is loadable by its path after any kill.
          try (ModelDirectory.Loaded m = ModelDirectory.load(dir, TestBackends.cpu())) {
            assertTrue(m.model().parameters().size() > 0);
          } catch (IOException | RuntimeException e) {
            throw new AssertionError(tag + " unreadable after " + String.join("; ", log), e);
          }
        }
      }
    }
    assertTrue(insideSaves >= 5, "too few kills landed inside a save: " + log);
    System.out.println(
        KILLS + " kills, " + insideSaves + " inside a save:\n  " + String.join("\n  ", log));
    Path resume = Files.exists(out.resolve("last")) ? out.resolve("last") : null;
    runToEnd(start(999, trainArgs(out, resume)));

    Map<String, HostTensor> want = weights(ref.resolve("last"));
    Map<String, HostTensor> got = weights(out.resolve("last"));
    assertEquals(want.keySet(), got.keySet());
    for (String name : want.keySet()) {
      assertArrayEquals(
          want.get(name).floats(), got.get(name).floats(), name + " differs after " + log);
    }
    Map<String, HostTensor> wantBest = weights(ref.resolve("best"));
    Map<String, HostTensor> gotBest = weights(out.resolve("best"));
    for (String name : wantBest.keySet()) {
      assertArrayEquals(wantBest.get(name).floats(), gotBest.get(name).floats(), "best " + name);
    }
  }
}
