/**
 * Small helpers with no rnn4j dependencies, usable from every layer: {@link
 * dev.rnn4j.util.CounterRng}, the counter-based generator behind dropout masks (every backend) and
 * the batch shuffles of {@code data}.
 */
package dev.rnn4j.util;
