package dev.rnn4j.cli;

import dev.rnn4j.seq2seq.DecodeOptions;
import picocli.CommandLine.Option;

/**
 * Decoding constraints and output post-processing ({@code --replace-unk}) shared by {@code
 * translate} and {@code eval}, as a picocli mixin.
 */
final class ConstraintOptions {
  @Option(
      names = "--min-length",
      defaultValue = "0",
      description = "outputs have at least this many tokens (default 0)")
  int minLength;

  @Option(
      names = "--block-ngram-repeat",
      defaultValue = "0",
      description =
          "never repeat an n-gram of this many tokens within an output (summarisation; default 0:"
              + " off)")
  int blockNgramRepeat;

  @Option(
      names = "--coverage-penalty",
      defaultValue = "0",
      description =
          "β of GNMT's coverage penalty, β·Σ log(min(attention a source token received, 1)),"
              + " added to each finished output's score (default 0: off)")
  float coveragePenalty;

  @Option(
      names = "--replace-unk",
      description =
          "replace each <unk> in an output by the source token its step attended to most"
              + " (names and numbers outside the vocabulary pass through)")
  boolean replaceUnk;

  /** {@code opts} with these constraints; a bad value names its option. */
  DecodeOptions apply(DecodeOptions opts) {
    if (minLength < 0) {
      throw new IllegalArgumentException("--min-length must be >= 0, got " + minLength);
    }
    if (blockNgramRepeat < 0) {
      throw new IllegalArgumentException(
          "--block-ngram-repeat must be >= 0 (0: off), got " + blockNgramRepeat);
    }
    if (!(coveragePenalty >= 0)) {
      throw new IllegalArgumentException(
          "--coverage-penalty must be >= 0 (0: off), got " + coveragePenalty);
    }
    DecodeOptions o = opts.withConstraints(minLength, blockNgramRepeat, coveragePenalty);
    return replaceUnk ? o.withAttention(true) : o;
  }
}
