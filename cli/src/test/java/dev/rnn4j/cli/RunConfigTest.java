package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train --config FILE} and {@code train --dump-config}: keys map to options generically, the
 * command line wins, paths are relative to the file, refusals name file, line and key, and a dump
 * reads back as itself.
 */
class RunConfigTest {
  private static Path write(Path dir, String name, String text) throws Exception {
    Files.createDirectories(dir);
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static CliRun refused(Path file, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--config", file.toString()));
    args.addAll(List.of(more));
    args.add("--dump-config");
    CliRun r = CliRun.run(args);
    assertEquals(2, r.code(), "refused: " + r.out() + r.err());
    return r;
  }

  /** The dump parsed back into key → value text. */
  private static Map<String, Object> dumped(CliRun r) {
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (RunFile.Setting s : RunYaml.parse(r.out(), "dump")) {
      m.put(s.key(), s.value());
    }
    return m;
  }

  @Test
  void yamlRefusalsNameTheFileTheLineAndTheKey(@TempDir Path tmp) throws Exception {
    Path f = write(tmp, "run.yaml", "# typo\nepoch: 3\n");
    assertTrue(
        refused(f).err().contains(f + ":2: unknown key 'epoch'; did you mean 'epochs'?"),
        refused(f).err());
    f = write(tmp, "run.yaml", "dev-metirc: bleu\n");
    assertTrue(refused(f).err().contains("did you mean 'dev-metric'?"), refused(f).err());
    f = write(tmp, "run.yaml", "--epochs: 3\n");
    assertTrue(refused(f).err().contains("write it without the dashes: epochs"), refused(f).err());
    f = write(tmp, "run.yaml", "frobnicate: 3\n");
    String err = refused(f).err();
    assertTrue(err.contains("unknown key 'frobnicate' (keys are the long options"), err);
    f = write(tmp, "run.yaml", "lr: 0.1\nepochs: ten\n");
    err = refused(f).err();
    assertTrue(err.contains(f + ":2: epochs: ") && err.contains("'ten' is not an int"), err);
    f = write(tmp, "run.yaml", "joint-subwords: yes\n");
    assertTrue(refused(f).err().contains("'yes' is not a boolean"), refused(f).err());
    f = write(tmp, "run.yaml", "epochs: [1, 2]\n");
    err = refused(f).err();
    assertTrue(err.contains(":1: epochs: a list, but --epochs takes one value"), err);
    f = write(tmp, "run.yaml", "config: other.yaml\n");
    assertTrue(refused(f).err().contains("'config' is not a setting"), refused(f).err());
    f = write(tmp, "run.yaml", "model:\n  embed: 8\n");
    assertTrue(refused(f).err().contains(f + ":2: indented"), refused(f).err());
    f = write(tmp, "run.yaml", "epochs: 1\nepochs: 2\n");
    assertTrue(refused(f).err().contains(f + ":2: duplicate key 'epochs'"), refused(f).err());
    err = refused(tmp.resolve("missing.yaml")).err();
    assertTrue(err.contains("missing.yaml: no such readable file (--config)"), err);
  }

  @Test
  void jsonFilesAreOneObjectOfScalarsOrLists(@TempDir Path tmp) throws Exception {
    Path f =
        write(
            tmp,
            "run.json",
            "{\n  \"epochs\": 4,\n  \"lr\": 0.01,\n  \"tie-embeddings\": true,\n"
                + "  \"dev-metric\": \"bleu\",\n  \"cpu-gemm\": null\n}\n");
    Map<String, Object> m = dumped(CliRun.run("train", "--config", f.toString(), "--dump-config"));
    assertEquals("4", m.get("epochs"));
    assertEquals("0.01", m.get("lr"));
    assertEquals("true", m.get("tie-embeddings"));
    assertEquals("bleu", m.get("dev-metric"));
    assertEquals(null, m.get("cpu-gemm"));
    f = write(tmp, "run.json", "{\n  \"epochs\": 4,\n  \"model\": {\"embed\": 8}\n}\n");
    String err = refused(f).err();
    assertTrue(err.contains(f + ":3: model: nested objects are not supported"), err);
    f = write(tmp, "run.json", "{\n  \"epochs\": 4,\n  \"epohcs\": 5\n}\n");
    err = refused(f).err();
    assertTrue(err.contains(f + ":3: unknown key 'epohcs'; did you mean 'epochs'?"), err);
    f = write(tmp, "run.json", "{\n  \"epochs\": 4,\n  \"lr\": 0.1,\n}\n");
    err = refused(f).err();
    assertTrue(err.contains(f + ":4: invalid JSON") && err.contains("one object"), err);
    f = write(tmp, "settings.conf", "{\"epochs\": \"x\"}");
    err = refused(f).err();
    assertTrue(err.contains(":1: epochs: ") && err.contains("'x' is not an int"), err);
  }

  @Test
  void theCommandLineOverridesTheFileAndPathsAreRelativeToIt(@TempDir Path tmp) throws Exception {
    Path f =
        write(
            tmp.resolve("sub"),
            "run.yaml",
            "train: data/train.tsv\ndev: /abs/dev.tsv\nepochs: 5\nlr: 0.5\njoint-subwords: true\n");
    Map<String, Object> m =
        dumped(CliRun.run("train", "--config", f.toString(), "--epochs", "7", "--dump-config"));
    assertEquals("7", m.get("epochs"), "the command line wins");
    assertEquals("0.5", m.get("lr"));
    assertEquals("true", m.get("joint-subwords"));
    assertEquals(tmp.resolve("sub/data/train.tsv").toAbsolutePath().toString(), m.get("train"));
    assertEquals(Path.of("/abs/dev.tsv").toString(), m.get("dev"));
    CliRun help = CliRun.run("train", "--help");
    String flat = help.out().replaceAll("\\s+", " ");
    assertTrue(flat.contains("options given on the command line override the file"), flat);
    assertTrue(flat.contains("relative paths in it are relative to its directory"), flat);
  }

  @Test
  void aDumpReadsBackAsItselfInYamlAndJson(@TempDir Path tmp) throws Exception {
    CliRun bare = CliRun.run("train", "--dump-config");
    Map<String, Object> m = dumped(bare);
    assertEquals(null, m.get("train"), "no --train needed to dump");
    assertEquals("10", m.get("epochs"));
    CliRun first =
        CliRun.run(
            "train",
            "--train",
            "relative/train.tsv",
            "--out",
            "runs/x",
            "--schedule",
            "cosine:200",
            "--lr",
            "0.0001",
            "--unidirectional",
            "--dev-metric",
            "chrf++",
            "--dump-config");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("train: " + Path.of("relative/train.tsv").toAbsolutePath()));
    Path yaml = write(tmp.resolve("elsewhere"), "run.yaml", first.out());
    CliRun again = CliRun.run("train", "--config", yaml.toString(), "--dump-config");
    assertEquals(first.out(), again.out());
    CliRun json =
        CliRun.run("train", "--config", yaml.toString(), "--dump-config", "json", "--seed", "9");
    assertEquals(0, json.code(), json.err());
    assertEquals(9L, Json.parseObject(json.out()).get("seed"));
    Path jsonFile = write(tmp, "run.json", json.out());
    CliRun jsonAgain = CliRun.run("train", "--config", jsonFile.toString(), "--dump-config=json");
    assertEquals(json.out(), jsonAgain.out());
    CliRun bad = CliRun.run("train", "--dump-config", "toml");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--dump-config: unknown format 'toml'; use yaml or json"));
    CliRun noTrain = CliRun.run("train", "--dev", "d.tsv", "--out", "o");
    assertEquals(2, noTrain.code());
    assertTrue(
        noTrain.err().contains("--train is required (on the command line or in the --config"),
        noTrain.err());
  }

  @Test
  void everyOptionOfTrainIsAKeyAndTheDumpNamesThemAll() {
    CommandLine cl = new CommandLine(new Main()).getSubcommands().get("train");
    Set<String> keys = dumped(CliRun.run("train", "--dump-config")).keySet();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String key = o.longestName().substring(2);
      boolean action =
          o.usageHelp() || o.versionHelp() || key.equals("config") || key.equals("dump-config");
      assertEquals(!action, keys.contains(key), key);
    }
  }

  /** A command with an option that train does not have (yet): the mapping knows no names. */
  @Command(name = "later")
  static final class Later implements Callable<Integer> {
    @Option(names = "--copy-attention", description = "a flag added later")
    boolean copyAttention;

    @Option(names = "--inputs", description = "a list of paths added later")
    List<Path> inputs;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs")
    int epochs;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return 0;
    }
  }

  @Test
  void optionsAddedLaterWorkWithoutChangingTheMapping(@TempDir Path tmp) throws Exception {
    Path f = write(tmp, "later.yaml", "copy-attention: true\ninputs: [a.txt, /b.txt]\nepochs: 3\n");
    Later later = new Later();
    new CommandLine(later).parseArgs("--epochs", "4");
    Set<String> set = RunConfig.apply(later.spec, f);
    assertEquals(Set.of("--copy-attention", "--inputs"), set);
    assertTrue(later.copyAttention);
    assertEquals(List.of(tmp.resolve("a.txt").toAbsolutePath(), Path.of("/b.txt")), later.inputs);
    assertEquals(4, later.epochs, "given on the command line");
    String dump = RunConfig.dump(later.spec, "yaml");
    assertTrue(dump.contains("\ncopy-attention: true\n"), dump);
    assertTrue(dump.contains("\ninputs: [" + tmp.resolve("a.txt").toAbsolutePath() + ", /b.txt]"));
  }
}
