package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every option of every command says in {@code --help} what it does. */
class HelpTextTest {
  @Test
  void everyOptionOfEveryCommandHasADescription() {
    List<String> missing = new ArrayList<>();
    collect(new CommandLine(new Main()), missing);
    assertEquals(List.of(), missing, "options without a description in --help");
  }

  private static void collect(CommandLine cl, List<String> missing) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      boolean described = false;
      for (String line : o.description()) {
        described |= !line.isBlank();
      }
      if (!described && !o.usageHelp() && !o.versionHelp()) {
        missing.add(cl.getCommandSpec().qualifiedName() + " " + o.longestName());
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      collect(sub, missing);
    }
  }
}
