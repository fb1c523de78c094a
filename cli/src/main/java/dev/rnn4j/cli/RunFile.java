package dev.rnn4j.cli;

import dev.rnn4j.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a run file ({@code train --config}) into its settings: JSON where the name ends in {@code
 * .json} or the text starts with <code>{</code>, else the YAML subset of {@link RunYaml}. A JSON
 * file is one object whose values are strings, numbers, booleans, null or lists of those; a nested
 * object or list is refused naming the key and its line. Stateless.
 */
final class RunFile {
  private RunFile() {}

  /**
   * One {@code key: value} of a run file: value is the text of a scalar, a list of texts, or null
   * (not set); line is 1-based.
   */
  record Setting(String key, Object value, int line) {}

  /** The settings of {@code file}, in file order. */
  static List<Setting> read(Path file) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(file + ": no such readable file (--config)");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean json = name.endsWith(".json") || text.replace("\uFEFF", "").strip().startsWith("{");
    return json ? json(text, file.toString()) : RunYaml.parse(text, file.toString());
  }

  private static final Pattern OFFSET = Pattern.compile("at offset (\\d+)");

  /** The settings of a JSON run file's text. */
  static List<Setting> json(String text, String file) {
    Map<String, Object> obj;
    try {
      obj = Json.parseObject(text);
    } catch (IllegalArgumentException e) {
      Matcher m = OFFSET.matcher(String.valueOf(e.getMessage()));
      int line = m.find() ? lineOf(text, Integer.parseInt(m.group(1))) : 1;
      throw RunYaml.error(file, line, e.getMessage() + "; a JSON run file is one object");
    }
    List<Setting> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : obj.entrySet()) {
      int line = keyLine(text, e.getKey());
      out.add(new Setting(e.getKey(), value(e.getValue(), file, line, e.getKey(), true), line));
    }
    return out;
  }

  private static Object value(Object v, String file, int line, String key, boolean top) {
    if (v instanceof Map<?, ?>) {
      throw RunYaml.error(
          file,
          line,
          key + ": nested objects are not supported; give each option as a top-level key");
    }
    if (v instanceof List<?> list) {
      if (!top) {
        throw RunYaml.error(
            file, line, key + ": nested lists are not supported; a list holds plain values");
      }
      List<String> items = new ArrayList<>();
      for (Object o : list) {
        Object item = value(o, file, line, key, false);
        if (item == null) {
          throw RunYaml.error(file, line, key + ": null list item; remove it");
        }
        items.add((String) item);
      }
      return items;
    }
    return v == null ? null : v.toString();
  }

  /** The 1-based line of the first {@code "key":} in {@code text} (1 if not found). */
  private static int keyLine(String text, String key) {
    Matcher m = Pattern.compile(Pattern.quote(Json.write(key)) + "\\s*:").matcher(text);
    return m.find() ? lineOf(text, m.start()) : 1;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
