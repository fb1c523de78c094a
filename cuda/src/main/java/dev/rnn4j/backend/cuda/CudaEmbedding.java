package dev.rnn4j.backend.cuda;

import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;

/**
 * Launchers of {@code cuda/embedding.cu}. Both check the id range like the CPU backend: the kernel
 * records the first bad position in the workspace flag and the launcher reads it back (one 4-byte
 * copy, so each call synchronises) and throws naming the position and the id.
 */
final class CudaEmbedding {
  private final Device device;
  private final CudaReductions reductions;
  private final int maxBlocks;

  CudaEmbedding(Device device, CudaReductions reductions, int maxBlocks) {
    this.device = device;
    this.reductions = reductions;
    this.maxBlocks = maxBlocks;
  }

  void gather(Tensor table, Tensor ids, Tensor out) {
    String op = "embeddingGather";
    Mat tm = Mat.of(table);
    int n = (int) ids.numel();
    if (out.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          op + ": out " + out.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    run(op, Kernel.EMBEDDING_GATHER, table, ids, null, out, n, tm.rows(), tm.cols());
  }

  void scatterAdd(Tensor dOut, Tensor ids, int skipId, Tensor dTable) {
    String op = "embeddingScatterAdd";
    Mat tm = Mat.of(dTable);
    int n = (int) ids.numel();
    if (dOut.numel() != (long) n * tm.cols()) {
      throw new IllegalArgumentException(
          op + ": dOut " + dOut.shape() + " is not (" + n + ", " + tm.cols() + ")");
    }
    run(op, Kernel.EMBEDDING_SCATTER_ADD, dOut, ids, skipId, dTable, n, tm.rows(), tm.cols());
  }

  private void run(
      String op, Kernel k, Tensor in, Tensor ids, Integer skipId, Tensor out, int n, int v, int e) {
    long elements = (long) n * e;
    if (elements == 0) {
      return;
    }
    long idAddr = Views.ints(op, ids);
    long inAddr = Views.floats(op, in);
    long outAddr = Views.floats(op, out);
    int bad =
        reductions.withFlag(
            Integer.MAX_VALUE,
            flag -> {
              KernelArgs a = new KernelArgs().ptr(inAddr).ptr(idAddr);
              if (skipId != null) {
                a.i(skipId);
              }
              a.ptr(outAddr).ptr(flag).i(n).i(v).i(e);
              device.launch(LaunchConfig.linear(k, elements, maxBlocks), a);
            });
    if (bad != Integer.MAX_VALUE) {
      int[] id = new int[1];
      device.copyToHost(id, idAddr + 4L * bad, 1);
      throw new IllegalArgumentException(
          op + ": id " + id[0] + " at position " + bad + " is outside [0, " + v + ")");
    }
  }
}
