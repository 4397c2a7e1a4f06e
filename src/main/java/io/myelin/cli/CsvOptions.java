package io.myelin.cli;

import picocli.CommandLine.Option;

/**
 * How a CSV {@code --data} file is laid out: {@code --label-column}, {@code --no-header}, {@code --delimiter}
 * (a picocli mixin, inside {@link TrainingInputs} for train and lr-find and {@link ScoringOptions} for evaluate
 * and predict, where each one given overrides what the run was trained with).
 */
final class CsvOptions {
    @Option(names = "--label-column", paramLabel = "NAME",
            description = "CSV label column (default: the last column; evaluate/predict: the run's). Without a header "
                    + "the columns are c1..cN and a 1-based number is accepted too.")
    String labelColumn;

    @Option(names = "--no-header", description = "The CSV file has no header row: every row is data, columns are c1..cN.")
    boolean noHeader;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV field delimiter: one character, or \\t (or 'tab') for a tab (default: ,).")
    String delimiter;

    /** The delimiter as a character; null when not given. */
    Character delimiterChar() {
        return parseDelimiter(delimiter);
    }

    static Character parseDelimiter(String d) {
        if (d == null) {
            return null;
        }
        if (d.equals("\\t") || d.equalsIgnoreCase("tab") || d.equals("\t")) {
            return '\t';
        }
        if (d.length() != 1 || d.equals("\"") || d.equals("\n") || d.equals("\r")) {
            throw new UserError("--delimiter must be one character other than a quote or a line break (or \\t for a "
                    + "tab), got '" + d + "'");
        }
        return d.charAt(0);
    }
}
