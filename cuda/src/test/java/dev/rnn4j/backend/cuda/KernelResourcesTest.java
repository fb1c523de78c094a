package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The built kernels, checked without a GPU: every module is on the classpath in all its variants,
 * and the parameter list of every {@code .entry} in the PTX matches {@link Kernel#signature()} (so
 * a launch cannot pass an int where the kernel reads a pointer). Skips where the build had no nvcc.
 */
class KernelResourcesTest {
  private static final Pattern ENTRY =
      Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)");

  static String resource(String name) {
    try (InputStream in = KernelResourcesTest.class.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(name, e);
    }
  }

  private static void assumeBuilt() {
    Assumptions.assumeTrue(
        resource(CudaModules.RESOURCE_DIR + "lstm.ptx") != null,
        "this build had no nvcc: no kernel resources under " + CudaModules.RESOURCE_DIR);
  }

  @Test
  void everyModuleShipsInEveryVariant() {
    assumeBuilt();
    for (String m : CudaModules.names()) {
      for (String v : CudaModules.VARIANTS) {
        String path = CudaModules.RESOURCE_DIR + m + v;
        assertNotNull(KernelResourcesTest.class.getResource(path), "missing resource " + path);
      }
      String ptx = resource(CudaModules.RESOURCE_DIR + m + ".ptx");
      assertTrue(ptx.contains(".version 9.0"), m + ".ptx: expected PTX ISA 9.0 from nvcc 13");
      assertTrue(ptx.contains(".target sm_80"), m + ".ptx: expected target sm_80");
      String compat = resource(CudaModules.RESOURCE_DIR + m + ".isa80.ptx");
      assertTrue(compat.contains(".version 8.0"), m + ".isa80.ptx: expected ISA 8.0");
    }
  }

  @Test
  void kernelSignaturesMatchThePtxEntries() {
    assumeBuilt();
    Map<String, String> entries = new LinkedHashMap<>();
    for (String m : CudaModules.names()) {
      Matcher e = ENTRY.matcher(resource(CudaModules.RESOURCE_DIR + m + ".ptx"));
      while (e.find()) {
        StringBuilder sig = new StringBuilder();
        Matcher p = PARAM.matcher(e.group(2));
        while (p.find()) {
          sig.append(
              switch (p.group(1)) {
                case "u64", "s64", "b64" -> 'P';
                case "u32", "s32", "b32" -> 'i';
                case "f32" -> 'f';
                default -> '?';
              });
        }
        entries.put(m + "/" + e.group(1), sig.toString());
      }
    }
    for (Kernel k : Kernel.values()) {
      String ptx = entries.remove(k.module() + "/" + k.symbol());
      assertNotNull(ptx, "no .entry " + k.symbol() + " in " + k.module() + ".ptx");
      String java = k.signature().replace('p', 'P').replace('l', 'P');
      assertEquals(ptx, java, "parameters of " + k.symbol() + ": PTX vs Kernel." + k.name());
    }
    assertTrue(entries.isEmpty(), "PTX entries without a Kernel constant: " + entries.keySet());
  }
}
