package io.myelin.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's command-line synopsis (the first block of "## The command line") names every option each
 * command's {@code --help} lists, and no option the command does not have.
 */
class ReadmeSynopsisTest {
    private static final Path README = Path.of(System.getProperty("basedir", "."), "README.md");

    @Test
    void everyCommandsOptionsAreInTheReadmeSynopsis() throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("## The command line");
        assertTrue(section >= 0, "README.md has no '## The command line' section");
        int start = readme.indexOf("```\n", section) + 4;
        String block = readme.substring(start, readme.indexOf("```", start));
        Map<String, CommandLine> commands = new CommandLine(new MyelinCli()).getSubcommands();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
            StringBuilder text = new StringBuilder();
            // An entry runs from "scripts/myelin NAME" to the next "scripts/myelin" (train has two entries).
            Matcher m = Pattern.compile("scripts/myelin " + Pattern.quote(c.getKey()) + "\\b(.*?)(?=scripts/myelin|\\z)",
                    Pattern.DOTALL).matcher(block);
            while (m.find()) {
                text.append(m.group(1)).append(' ');
            }
            if (text.isEmpty()) {
                problems.add(c.getKey() + ": no entry");
                continue;
            }
            List<String> known = new ArrayList<>();
            for (OptionSpec o : c.getValue().getCommandSpec().options()) {
                String name = o.longestName();
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                known.add(name);
                if (!Pattern.compile(Pattern.quote(name) + "(?![a-z-])").matcher(text).find()) {
                    problems.add(c.getKey() + ": " + name + " missing");
                }
            }
            Matcher written = Pattern.compile("--[a-z][a-z-]*").matcher(text);
            while (written.find()) {
                if (!known.contains(written.group())) {
                    problems.add(c.getKey() + ": " + written.group() + " is no option of the command");
                }
            }
        }
        assertEquals(List.of(), problems, "README synopsis against --help");
    }
}
