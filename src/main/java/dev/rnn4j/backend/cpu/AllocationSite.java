package dev.rnn4j.backend.cpu;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a tensor was allocated or closed, as recorded in the CPU backend's checking mode: the first
 * stack frame outside the allocation API (the tensor, the backend, its memory and pool, {@code
 * Backend}'s defaults), and when that frame is a backend operation of this package (e.g. {@code
 * DnnlSequence}), also the first rnn4j frame outside the package that called it.
 */
final class AllocationSite {
  private static final String PACKAGE = AllocationSite.class.getPackageName() + ".";
  private static final java.util.Set<String> API =
      java.util.Set.of(
          CpuTensor.class.getName(),
          CpuBackend.class.getName(),
          CpuMemory.class.getName(),
          CpuElementwise.class.getName(), // sumRows' row of ones, part of the backend's call
          CpuMemoryPool.class.getName(),
          AllocationSite.class.getName(),
          OpenTensorReport.class.getName(),
          dev.rnn4j.backend.Backend.class.getName());

  private AllocationSite() {}

  /** A one-line description of the site a stack trace was captured at. */
  static String of(Throwable site) {
    StackTraceElement[] all = site.getStackTrace();
    for (int i = 0; i < all.length; i++) {
      String c = all[i].getClassName();
      if (API.contains(c) || c.startsWith("dev.rnn4j.tensor.")) {
        continue;
      }
      if (c.startsWith(PACKAGE)) {
        for (int j = i + 1; j < all.length; j++) {
          String o = all[j].getClassName();
          if (o.startsWith("dev.rnn4j.") && !o.startsWith(PACKAGE)) {
            return frame(all[i]) + " via " + frame(all[j]);
          }
        }
      }
      return frame(all[i]);
    }
    return all.length == 0 ? "(no stack trace)" : frame(all[all.length - 1]);
  }

  private static String frame(StackTraceElement e) {
    String c = e.getClassName();
    return c.substring(c.lastIndexOf('.') + 1)
        + "."
        + e.getMethodName()
        + "("
        + e.getFileName()
        + ":"
        + e.getLineNumber()
        + ")";
  }

  /** Sites with their counts, most frequent first (ties in first-seen order). */
  static List<Map.Entry<String, Integer>> ranked(Collection<Throwable> sites) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Throwable t : sites) {
      counts.merge(t == null ? "(site not recorded)" : of(t), 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> out = new ArrayList<>(counts.entrySet());
    out.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    return out;
  }
}
