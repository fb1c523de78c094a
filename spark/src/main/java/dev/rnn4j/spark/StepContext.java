package dev.rnn4j.spark;

import dev.rnn4j.seq2seq.Seq2SeqConfig;
import java.io.Serializable;

/**
 * What every task of one training step needs besides the broadcast parameters: the run (its replica
 * pool), the model configuration, the executors' backend, and where the step is.
 *
 * @param runId identifies the training run's replica pool on the executors
 * @param config configuration of the replicas
 * @param seed the run's seed (replicas are built with it, as the driver's model)
 * @param backend executors' backend name (cpu, cuda, auto)
 * @param labelSmoothing ε of the loss
 * @param dropoutCall dropout counter of the step on the driver; task p of P uses {@code
 *     dropoutCall·P + p}, so shards draw different masks and a retried task the same ones
 * @param failure test hook: throws in chosen tasks (null in normal use)
 */
record StepContext(
    String runId,
    Seq2SeqConfig config,
    long seed,
    String backend,
    float labelSmoothing,
    long dropoutCall,
    FailureInjector failure)
    implements Serializable {}
