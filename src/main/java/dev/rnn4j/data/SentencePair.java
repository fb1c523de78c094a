package dev.rnn4j.data;

/**
 * One accepted line of a parallel corpus.
 *
 * @param line 1-based line number in the file
 * @param source the text before the tab
 * @param target the text after the tab
 */
public record SentencePair(long line, String source, String target) {}
