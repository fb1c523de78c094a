package dev.rnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  private static Map<String, Object> sample() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("d", true);
    inner.put("e", null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1L);
    m.put("b", List.of(1L, 2.5, "x"));
    m.put("c", inner);
    return m;
  }

  @Test
  void writesCompactTextExactly() {
    assertEquals(
        "{\"a\":1,\"b\":[1,2.5,\"x\"],\"c\":{\"d\":true,\"e\":null}}", Json.write(sample()));
    assertEquals("[]", Json.write(List.of()));
    assertEquals("{}", Json.write(Map.of()));
    assertEquals("-9223372036854775808", Json.write(Long.MIN_VALUE));
    assertEquals("7", Json.write(7));
    assertEquals("0.1", Json.write(0.1f));
  }

  @Test
  void writesPrettyTextExactly() {
    String expected =
        "{\n"
            + "  \"a\": 1,\n"
            + "  \"b\": [1, 2.5, \"x\"],\n"
            + "  \"c\": {\n"
            + "    \"d\": true,\n"
            + "    \"e\": null\n"
            + "  }\n"
            + "}\n";
    assertEquals(expected, Json.writePretty(sample()));
    assertEquals(sample(), Json.parse(Json.writePretty(sample())));
  }

  @Test
  void escapesStrings() {
    String s = "q\"b\\s/n\nr\rt\tb\bf\fc\u0001é😀";
    String json = Json.write(s);
    assertEquals("\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\fc\\u0001é😀\"", json);
    assertEquals(s, Json.parse(json));
    assertEquals("é😀/", Json.parse("\"\\u00e9\\ud83d\\ude00\\/\""));
  }

  @Test
  void roundTripsNestedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("long", Long.MAX_VALUE);
    m.put("neg", -42L);
    m.put("double", -1.25e-7);
    m.put("bool", false);
    m.put("nested", List.of(List.of(), Map.of(), List.of(Map.of("k", "v"))));
    m.put("", "empty key");
    Object back = Json.parse(Json.write(m));
    assertEquals(m, back);
    assertEquals(List.copyOf(m.keySet()), List.copyOf(((Map<?, ?>) back).keySet()));
  }

  @Test
  void parsesNumbersByKind() {
    assertEquals(0L, Json.parse("-0"));
    assertEquals(1000.0, Json.parse("1e3"));
    assertEquals(1.5, Json.parse(" 1.5 "));
    assertEquals(1.2345678901234567e19, Json.parse("12345678901234567890"));
    assertEquals(-2.5e-3, Json.parse("-2.5E-3"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\":1,\"a\":2}",
        "{'a':1}",
        "{\"a\" 1}",
        "{1:2}",
        "01",
        "-",
        "1.",
        "1e",
        ".5",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "\"abc",
        "\"a\\x\"",
        "\"\\u12G4\"",
        "\"\\u12\"",
        "{} x",
        "[1]]",
        "\"tab\there\""
      })
  void rejectsInvalidJsonWithTheOffset(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
    assertTrue(e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
  }

  /** A config file saved by a Windows editor starts with a byte-order mark; RFC 8259 allows it. */
  @Test
  void ignoresALeadingByteOrderMark() {
    assertEquals(Map.of("a", 1L), Json.parse("\uFEFF{\"a\": 1}"));
  }

  /** Fuzz finding: 1e999 parsed as Infinity, a value Json.write then refused. */
  @Test
  void rejectsNumbersBeyondTheDoubleRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, -1e999]"));
    assertTrue(
        e.getMessage()
            .startsWith("invalid JSON at offset 4: number -1e999 is outside the range of a double"),
        e.getMessage());
  }

  /** Fuzz finding: a key holding an escaped control character was listed raw. */
  @Test
  void missingKeyMessageShowsPresentKeysVisibly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Json.getString(Json.parseObject("{\"dty\\u0000pe\": \"F32\"}"), "dtype"));
    assertEquals("missing key \"dtype\" (present: [\"dty\\u0000pe\"])", e.getMessage());
  }

  @Test
  void errorSnippetShowsInvisibleCharacters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,\u0000\r}"));
    assertTrue(e.getMessage().contains("near \"\\u0000\\r}\""), e.getMessage());
  }

  @Test
  void rejectsDuplicateKeysNamingThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"k\":1, \"k\":2}"));
    assertTrue(e.getMessage().contains("duplicate key \"k\""), e.getMessage());
  }

  @Test
  void limitsNesting() {
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Json.parse(ok);
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    String hostile = "[".repeat(100_000);
    assertThrows(IllegalArgumentException.class, () -> Json.parse(hostile));
  }

  @Test
  void writerRejectsWhatJsonCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThrows(IllegalArgumentException.class, () -> Json.write(cycle));
  }

  @Test
  void parsedContainersAreUnmodifiable() {
    Map<String, Object> m = Json.parseObject("{\"a\":[1]}");
    assertThrows(UnsupportedOperationException.class, () -> m.put("b", 1L));
    assertThrows(UnsupportedOperationException.class, () -> Json.getArray(m, "a").add(2L));
  }

  @Test
  void typedGettersNameTheKeyAndTheProblem() {
    Map<String, Object> m =
        Json.parseObject(
            "{\"s\":\"x\",\"i\":3,\"big\":4000000000,\"d\":0.5,\"b\":true,\"o\":{},\"a\":[]}");
    assertEquals("x", Json.getString(m, "s"));
    assertEquals(3, Json.getInt(m, "i"));
    assertEquals(4_000_000_000L, Json.getLong(m, "big"));
    assertEquals(0.5, Json.getDouble(m, "d"));
    assertEquals(3.0, Json.getDouble(m, "i"));
    assertTrue(Json.getBoolean(m, "b"));
    assertEquals(Map.of(), Json.getObject(m, "o"));
    assertEquals(List.of(), Json.getArray(m, "a"));

    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> Json.getString(m, "hidden"));
    assertTrue(missing.getMessage().contains("missing key \"hidden\""), missing.getMessage());
    IllegalArgumentException wrong =
        assertThrows(IllegalArgumentException.class, () -> Json.getInt(m, "s"));
    assertEquals("key \"s\": expected an integer, got a string", wrong.getMessage());
    IllegalArgumentException range =
        assertThrows(IllegalArgumentException.class, () -> Json.getInt(m, "big"));
    assertTrue(range.getMessage().contains("does not fit in an int"), range.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.getLong(m, "d"));
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
  }

  @Test
  void writesMapsInTheirIterationOrder() {
    Map<String, Object> m = new HashMap<>();
    for (String k : Arrays.asList("z", "y", "x")) {
      m.put(k, k);
    }
    Map<String, Object> sorted = new java.util.TreeMap<>(m);
    assertEquals("{\"x\":\"x\",\"y\":\"y\",\"z\":\"z\"}", Json.write(sorted));
  }
}
