package dev.rnn4j.seq2seq;

import java.util.List;

/**
 * How step-by-step decoding grows and ends hypotheses, in the spirit of OpenNMT-py's {@code
 * DecodeStrategy}: the driver ({@link Translator}) runs the model one step for the live hypotheses
 * ({@link #sourceRows()} reading {@link #lastTokens()}), hands the step's scores to {@link
 * #advance}, and reorders the decoder states by {@link #parents()}, until {@link #finished()}.
 * Implementations are not thread-safe: one per decoding call.
 */
interface DecodeStrategy {
  /** The source row each live hypothesis reads, in order (M entries). */
  int[] sourceRows();

  /** The token each live hypothesis feeds to the next step (BOS at the start). */
  int[] lastTokens();

  /** Whether {@link #advance} needs the step's attention weights. */
  boolean needsAttention();

  /** How many of each row's best tokens to take on the backend ({@link StepScores}). */
  int candidates();

  /**
   * Extends the live hypotheses by one step: log-probabilities (M, V) and, if {@link
   * #needsAttention()}, attention (M, S) on the host; afterwards {@link #parents()} gives, for each
   * new live hypothesis, the row of the old one it continues.
   */
  void advance(StepScores scores, float[] attn);

  /** Whether no hypothesis is live any more. */
  boolean finished();

  /** For each live hypothesis, the row (before the last {@link #advance}) it continues. */
  int[] parents();

  /** The finished hypotheses of each source, best first, at most n-best of them. */
  List<List<Hypothesis>> results();
}
