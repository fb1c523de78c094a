package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnn4j.backend.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * With rnn4j-cuda on the class path, ServiceLoader finds both backends: the CPU one from the core
 * jar, the CUDA one from this module's {@code META-INF/services}. Listing them opens no backend, so
 * this runs without a GPU.
 */
class CudaBackendProviderTest {
  @Test
  void bothProvidersAreFound() {
    List<String> names = new ArrayList<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      names.add(p.name());
    }
    assertEquals(List.of("cpu", "cuda"), names.stream().sorted().toList());
  }
}
