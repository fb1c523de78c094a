package dev.rnn4j.nn;

import java.util.List;

/**
 * What {@link Module#loadStateDict} left out, as PyTorch's {@code load_state_dict} reports it.
 * Strict loads refuse both kinds, so their result is always empty.
 *
 * @param missing parameter names the state dict lacks (those parameters kept their values), in
 *     {@link Module#parameters()} order
 * @param unexpected names in the state dict that no parameter has (not loaded), in the map's order
 */
public record LoadResult(List<String> missing, List<String> unexpected) {
  public LoadResult {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
  }

  /** Whether every parameter was loaded and every tensor used. */
  public boolean exact() {
    return missing.isEmpty() && unexpected.isEmpty();
  }
}
