package io.myelin.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options of the subcommands, read from picocli's model: every one is described, and an option that several
 * commands take is declared once (a mixin), so it reads the same in each command's help.
 */
class CliOptionsTest {
    /** Options whose name several commands use for different things: how many distinct declarations each has. */
    private static final Map<String, Integer> MEANINGS = Map.of(
            "--data", 3,         // what trains (train, lr-find), the rows scored (evaluate, predict), bench's data
            "--seed", 2,         // a new model's (train, lr-find, bench), a saved run's split (evaluate, predict)
            "--batch-size", 2,   // train and lr-find; bench's larger default
            "--model", 2,        // train and lr-find; bench's alternative to --hidden
            "--epochs", 2,       // train's total; bench's timed epochs
            "--steps", 2,        // lr-find's sweep; bench's step mode
            "--out", 3,          // a run directory, an lr-find directory, predict's CSV file
            "--force", 3);       // a run directory, an lr-find directory, predict's CSV file

    private static Map<String, CommandLine> subcommands() {
        return new CommandLine(new MyelinCli()).getSubcommands();
    }

    private static String described(ArgSpec a) {
        return String.join(" ", a.description()).strip();
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        subcommands().forEach((name, cmd) -> {
            for (ArgSpec a : cmd.getCommandSpec().args()) {
                if (described(a).isEmpty()) {
                    undescribed.add(name + " " + a.paramLabel() + (a.isOption() ? " " + ((OptionSpec) a).longestName() : ""));
                }
            }
        });
        assertTrue(undescribed.isEmpty(), "without a description in --help: " + undescribed);
    }

    @Test
    void anOptionSharedByCommandsIsDeclaredOnce() {
        Map<String, Set<String>> descriptions = new TreeMap<>();
        Map<String, Set<String>> commands = new TreeMap<>();
        subcommands().forEach((name, cmd) -> {
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                descriptions.computeIfAbsent(o.longestName(), k -> new TreeSet<>())
                        .add(described(o) + " | default " + o.defaultValue() + " | " + o.paramLabel());
                commands.computeIfAbsent(o.longestName(), k -> new TreeSet<>()).add(name);
            }
        });
        assertTrue(commands.get("--backend").size() >= 5 && commands.get("--label-column").size() >= 4,
                "the model was read: " + commands);
        descriptions.forEach((option, seen) -> assertEquals(MEANINGS.getOrDefault(option, 1), seen.size(),
                option + " (in " + commands.get(option) + ") is declared " + seen.size() + " ways: " + seen));
    }
}
