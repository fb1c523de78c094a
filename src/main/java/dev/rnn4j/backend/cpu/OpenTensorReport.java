package dev.rnn4j.backend.cpu;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a CPU backend still open: how many, and (in checking mode, {@code
 * rnn4j.cpu.checkMemory=true}) the allocation sites holding most of them, each as "count x
 * Class.method(File.java:line)". Logged as a warning when a checking backend closes with tensors
 * open.
 *
 * @param count tensors allocated and not closed
 * @param topSites at most ten sites, most tensors first; empty when nothing is open
 */
public record OpenTensorReport(int count, List<String> topSites) {
  static final int TOP = 10;

  public OpenTensorReport {
    topSites = List.copyOf(topSites);
  }

  static OpenTensorReport of(Collection<CpuTensor> open) {
    List<Throwable> sites = new ArrayList<>();
    for (CpuTensor t : open) {
      sites.add(t.allocationSite());
    }
    List<String> top = new ArrayList<>();
    for (Map.Entry<String, Integer> e : AllocationSite.ranked(sites)) {
      if (top.size() == TOP) {
        break;
      }
      top.add(e.getValue() + " x " + e.getKey());
    }
    return new OpenTensorReport(sites.size(), top);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(count + " tensor(s) still open");
    if (count > 0) {
      b.append("; allocated at:");
      for (String s : topSites) {
        b.append("\n  ").append(s);
      }
    }
    return b.toString();
  }
}
