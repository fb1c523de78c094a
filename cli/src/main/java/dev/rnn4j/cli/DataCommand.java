package dev.rnn4j.cli;

import dev.rnn4j.data.DebianDescriptions;
import dev.rnn4j.data.DebianDescriptions.Description;
import dev.rnn4j.data.DebianDescriptions.Splits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description =
        "Build English→LANG translation and English summarisation corpora (train/dev/test TSV)"
            + " from Debian's package-description translations. scripts/data/get_debian_corpora.sh"
            + " fetches and decompresses the files and runs this.")
final class DataCommand implements Callable<Integer> {
  @Option(names = "--lang", required = true, description = "target language code (fr, de, es, ...)")
  String lang;

  @Option(
      names = "--english",
      required = true,
      split = ",",
      description = "decompressed Translation-en files (comma-separated)")
  List<Path> english;

  @Option(
      names = "--translated",
      required = true,
      split = ",",
      description = "decompressed Translation-LANG files (comma-separated)")
  List<Path> translated;

  @Option(
      names = "--out",
      defaultValue = "data",
      description = "writes OUT/mt-en-LANG/ and OUT/sum-en/ (default data)")
  Path out;

  @Override
  public Integer call() throws IOException {
    DebianDescriptions.checkLanguage(lang);
    if (lang.equals("en")) {
      throw new IllegalArgumentException("--lang en: choose the target language, e.g. --lang fr");
    }
    Map<String, Description> en = readAll(english, "en");
    Map<String, Description> tr = readAll(translated, lang);
    Splits mt = DebianDescriptions.split(DebianDescriptions.translationPairs(en, tr));
    Splits sum = DebianDescriptions.split(DebianDescriptions.summarisationPairs(en));
    System.out.printf(
        "%,d English descriptions, %,d in %s (%,d of them translate an English one)%n",
        en.size(), tr.size(), lang, tr.keySet().stream().filter(en::containsKey).count());
    write(out.resolve("mt-en-" + lang), mt);
    write(out.resolve("sum-en"), sum);
    return 0;
  }

  private static Map<String, Description> readAll(List<Path> files, String language)
      throws IOException {
    Map<String, Description> all = new java.util.LinkedHashMap<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new NoSuchFileException(
            f + " (a decompressed Translation-" + language + " file; see --help)");
      }
      DebianDescriptions.read(f, language).forEach(all::putIfAbsent);
    }
    return all;
  }

  private static void write(Path dir, Splits s) throws IOException {
    Files.createDirectories(dir);
    for (var e : Map.of("train", s.train(), "dev", s.dev(), "test", s.test()).entrySet()) {
      DebianDescriptions.writeTsv(dir.resolve(e.getKey() + ".tsv"), e.getValue());
    }
    System.out.printf(
        "%s: %,d train, %,d dev, %,d test pairs%n",
        dir, s.train().size(), s.dev().size(), s.test().size());
  }
}
