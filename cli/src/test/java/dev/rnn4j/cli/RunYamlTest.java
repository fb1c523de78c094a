package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML subset of run files: what it reads, what it refuses (with file and line), writing. */
class RunYamlTest {
  private static Map<String, Object> parse(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RunFile.Setting s : RunYaml.parse(text, "run.yaml")) {
      m.put(s.key(), s.value());
    }
    return m;
  }

  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> RunYaml.parse(text, "run.yaml"))
        .getMessage();
  }

  @Test
  void readsScalarsCommentsQuotesListsAndNulls() {
    Map<String, Object> m =
        parse(
            "---\n"
                + "# a run\n"
                + "\n"
                + "epochs: 10   # ten\n"
                + "lr: 1e-3\n"
                + "dev-metric: 'bleu'\n"
                + "schedule: cosine:200\n"
                + "note: \"a # b \\\"c\\\" \\u00e9\\n\"\n"
                + "it: 'it''s'\n"
                + "joint-subwords: true\n"
                + "resume: null\n"
                + "cpu-gemm: ~\n"
                + "empty:\n"
                + "quoted-null: \"null\"\n"
                + "list: [a, 'b c', \"d\"]\n"
                + "none: []\n"
                + "path: data/train.tsv\r\n"
                + "  # an indented comment is a comment\n");
    assertEquals("10", m.get("epochs"));
    assertEquals("1e-3", m.get("lr"));
    assertEquals("bleu", m.get("dev-metric"));
    assertEquals("cosine:200", m.get("schedule"));
    assertEquals("a # b \"c\" é\n", m.get("note"));
    assertEquals("it's", m.get("it"));
    assertEquals("true", m.get("joint-subwords"), "the option's converter reads booleans");
    assertNull(m.get("resume"));
    assertNull(m.get("cpu-gemm"));
    assertTrue(m.containsKey("empty") && m.get("empty") == null);
    assertEquals("null", m.get("quoted-null"));
    assertEquals(List.of("a", "b c", "d"), m.get("list"));
    assertEquals(List.of(), m.get("none"));
    assertEquals("data/train.tsv", m.get("path"));
    assertEquals(4, RunYaml.parse("---\n# a run\n\nepochs: 10\n", "f").get(0).line());
  }

  @Test
  void refusesWhatItDoesNotReadNamingFileLineAndTheFix() {
    String[][] cases = {
      {"epochs: 1\nepochs 2\n", "run.yaml:2: expected `key: value`"},
      {"epochs:10\n", "run.yaml:1: put a space after the colon of 'epochs:'"},
      {"model:\n  embed: 8\n", "run.yaml:2: indented: nested values are not supported"},
      {"epochs: 1\n\tlr: 2\n", "run.yaml:2: indented with a tab"},
      {"epochs: 1\nlr: 0.1\nepochs: 2\n", "run.yaml:3: duplicate key 'epochs' (first on line 1)"},
      {"base: &b 1\n", "run.yaml:1: base: anchors (&) are not supported"},
      {"lr: *b\n", "run.yaml:1: lr: aliases (*) are not supported"},
      {"lr: !!float 1\n", "run.yaml:1: lr: tags (!) are not supported"},
      {"note: |\n", "run.yaml:1: note: block scalars (| and >) are not supported"},
      {"model: {embed: 8}\n", "run.yaml:1: model: nested mappings are not supported"},
      {"model: embed: 8\n", "run.yaml:1: model: nested mappings are not supported"},
      {"- epochs\n", "run.yaml:1: a block list is not supported"},
      {"list: - a\n", "run.yaml:1: list: block lists are not supported; write the list as [a, b]"},
      {"list: [a, [b]]\n", "run.yaml:1: list: nested lists and mappings are not supported"},
      {"list: [a, b\n", "run.yaml:1: list: unclosed list"},
      {"note: \"abc\n", "run.yaml:1: note: unclosed \""},
      {"note: 'abc\n", "run.yaml:1: note: unclosed '"},
      {"note: \"a\\qb\"\n", "run.yaml:1: note: unknown escape '\\q'"},
      {"note: \"a\" b\n", "run.yaml:1: note: unexpected \"b\" after the value; quote"},
      {"epochs: 1\n---\nepochs: 2\n", "run.yaml:2: only one document per run file"},
      {"\"epochs\": 1\n", "run.yaml:1: expected `key: value`"},
      {"at: @x\n", "run.yaml:1: at: a value cannot start with '@'; quote it"},
    };
    for (String[] c : cases) {
      String msg = refusal(c[0]);
      assertTrue(msg.startsWith(c[1]), "for " + RunYaml.quote(c[0]) + ": " + msg);
    }
  }

  @Test
  void writesTextThatReadsBackAsTheSameValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", 10);
    m.put("lr", 0.001f);
    m.put("joint-subwords", true);
    m.put("resume", null);
    m.put("schedule", "cosine:200");
    m.put("path", "/tmp/a b/c.tsv");
    m.put("odd", "x # y: \"z\" \\ ");
    m.put("word", "null");
    m.put("flag", "true");
    m.put("empty", "");
    m.put("negative", -5);
    m.put("list", List.of("a", "b,c"));
    String text = RunYaml.write(m, List.of("a header"));
    assertTrue(text.startsWith("# a header\nepochs: 10\nlr: 0.001\n"), text);
    Map<String, Object> back = parse(text);
    for (Map.Entry<String, Object> e : m.entrySet()) {
      Object expect =
          e.getValue() == null || e.getValue() instanceof List ? e.getValue() : e.getValue() + "";
      assertEquals(expect, back.get(e.getKey()), e.getKey() + " in\n" + text);
    }
  }
}
