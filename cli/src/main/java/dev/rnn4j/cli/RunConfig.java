package dev.rnn4j.cli;

import dev.rnn4j.io.Json;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command's options to and from a run file ({@code --config FILE}, {@code --dump-config}),
 * generically through picocli's model: a key is an option's long name without the leading dashes
 * ({@code dev-metric: bleu} sets {@code --dev-metric}), so an option added to the command later
 * works in run files with no change here. Values are converted by the option's own converter, as on
 * the command line. Stateless.
 */
final class RunConfig {
  private RunConfig() {}

  /** The options that select actions rather than settings: never read from or written to files. */
  static final String CONFIG = "--config";

  static final String DUMP_CONFIG = "--dump-config";

  /**
   * Sets the options of {@code spec} from the settings in {@code file}, except those given on the
   * command line (they win); relative paths are resolved against the file's directory, a null value
   * leaves the option as it is. Returns the long names ({@code --epochs}) of the options set.
   *
   * @throws IllegalArgumentException naming the file, line and key: an unknown key (with the
   *     closest option name), a value the option's converter refuses, a list for a one-value option
   */
  static Set<String> apply(CommandSpec spec, Path file) throws IOException {
    Map<String, OptionSpec> options = settings(spec);
    ParseResult parsed = spec.commandLine().getParseResult();
    Path base = file.toAbsolutePath().normalize().getParent();
    Set<String> set = new LinkedHashSet<>();
    for (RunFile.Setting s : RunFile.read(file)) {
      OptionSpec o = options.get(s.key());
      if (o == null) {
        throw RunYaml.error(file.toString(), s.line(), unknownKey(spec, s.key(), options));
      }
      if (s.value() == null || parsed.hasMatchedOption(o)) {
        continue;
      }
      List<String> values = new ArrayList<>();
      if (s.value() instanceof List<?> list) {
        if (!o.isMultiValue()) {
          throw RunYaml.error(
              file.toString(),
              s.line(),
              s.key() + ": a list, but " + o.longestName() + " takes one value; write one");
        }
        list.forEach(v -> values.add((String) v));
      } else {
        values.add((String) s.value());
      }
      if (isPath(o)) {
        values.replaceAll(v -> v.isEmpty() ? v : base.resolve(v).toString());
      }
      try {
        set(o, values);
      } catch (CommandLine.ParameterException e) {
        throw RunYaml.error(file.toString(), s.line(), s.key() + ": " + e.getMessage());
      }
      set.add(o.longestName());
    }
    return set;
  }

  /**
   * The current value of every setting of {@code spec} as run-file text, {@code yaml} or {@code
   * json}: paths absolute, so the text means the same wherever it is saved; an unset option is
   * null. Reading it back with {@link #apply} and dumping again gives the same text.
   */
  static String dump(CommandSpec spec, String format) {
    Map<String, Object> values = new LinkedHashMap<>();
    settings(spec).forEach((key, o) -> values.put(key, plain(o.getValue(), isPath(o))));
    if (format.equals("json")) {
      return Json.writePretty(values);
    }
    String cmd = spec.qualifiedName();
    return RunYaml.write(
        values,
        List.of(
            "settings of " + cmd + "; use them with: " + cmd + " --config FILE",
            "options given on the command line override these; relative paths are relative to"
                + " this file's directory"));
  }

  /** {@code format} if it is one {@link #dump} writes. */
  static String checkFormat(String format) {
    if (!format.equals("yaml") && !format.equals("json")) {
      throw new IllegalArgumentException(
          DUMP_CONFIG + ": unknown format '" + format + "'; use yaml or json");
    }
    return format;
  }

  /** Setting options by key: every option but help, version, --config and --dump-config. */
  private static Map<String, OptionSpec> settings(CommandSpec spec) {
    Map<String, OptionSpec> m = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName();
      if (o.usageHelp() || o.versionHelp() || name.equals(CONFIG) || name.equals(DUMP_CONFIG)) {
        continue;
      }
      m.put(name.replaceFirst("^-+", ""), o);
    }
    return m;
  }

  private static String unknownKey(CommandSpec spec, String key, Map<String, OptionSpec> options) {
    String plainKey = key.replaceFirst("^-+", "");
    if (!plainKey.equals(key) && options.containsKey(plainKey)) {
      return "unknown key '" + key + "'; write it without the dashes: " + plainKey;
    }
    if (("--" + key).equals(CONFIG) || ("--" + key).equals(DUMP_CONFIG)) {
      return "'" + key + "' is not a setting (it belongs on the command line); remove it";
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : options.keySet()) {
      int d = distance(key, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return "unknown key '"
        + key
        + "'"
        + (best != null && bestDistance <= Math.max(2, key.length() / 3)
            ? "; did you mean '" + best + "'?"
            : "")
        + " (keys are the long options of `"
        + spec.qualifiedName()
        + " --help` without the dashes)";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * Sets {@code o} to {@code values} by parsing them with a copy of the option (same type,
   * converter and field; a boolean flag takes true or false), so they convert as on the command
   * line.
   */
  private static void set(OptionSpec o, List<String> values) {
    OptionSpec.Builder copy = OptionSpec.builder(o).required(false);
    Class<?> t = o.type();
    if (!o.isMultiValue() && (t == boolean.class || t == Boolean.class)) {
      copy.arity("1");
    }
    CommandSpec one = CommandSpec.create().addOption(copy.build());
    List<String> args = new ArrayList<>();
    for (String v : values) {
      args.add(o.longestName() + "=" + v);
    }
    new CommandLine(one).parseArgs(args.toArray(String[]::new));
  }

  private static boolean isPath(OptionSpec o) {
    Class<?> t =
        o.isMultiValue() && o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : o.type();
    return Path.class.isAssignableFrom(t) || t == File.class;
  }

  /** A value as the run-file writers take it: String, Number, Boolean, List or null. */
  private static Object plain(Object v, boolean path) {
    if (v == null || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number n) {
      boolean finite =
          !(v instanceof Double d && !Double.isFinite(d))
              && !(v instanceof Float f && !Float.isFinite(f));
      return finite ? n : n.toString();
    }
    if (v instanceof Collection<?> c) {
      List<Object> items = new ArrayList<>();
      c.forEach(x -> items.add(plain(x, path)));
      return items;
    }
    if (v.getClass().isArray()) {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) {
        items.add(plain(Array.get(v, i), path));
      }
      return items;
    }
    if (path) {
      Path p = v instanceof File f ? f.toPath() : v instanceof Path q ? q : Path.of(v.toString());
      return p.toAbsolutePath().normalize().toString();
    }
    return v.toString();
  }
}
