package dev.rnn4j.seq2seq;

/**
 * A decoded output: target ids without BOS/EOS, its total log-probability, the score it was ranked
 * by (length-normalised), and optionally the attention weights of each output step (tokens.length +
 * 1 rows, the last for EOS, each of source-length entries).
 */
public record Hypothesis(int[] tokens, double logProb, double score, float[][] attention) {}
