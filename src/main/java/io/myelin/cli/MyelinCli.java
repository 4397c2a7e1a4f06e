package io.myelin.cli;

import io.myelin.backend.BackendUnavailableException;
import io.myelin.data.DataException;
import io.myelin.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code scripts/myelin}. User mistakes (bad files, specs, options, unparsable arguments)
 * print one line {@code error: ...} and exit 2; a diverged run exits 3 after saving the last good weights; a
 * file that cannot be written (a full disk) exits 4, the run directory keeping its last complete checkpoint.
 */
@Command(name = "myelin", mixinStandardHelpOptions = true, version = "myelin 0.1.0",
        description = "Train and run neural networks on the JVM (CPU or CUDA).",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                LrFindCommand.class, BenchCommand.class})
public final class MyelinCli implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new MyelinCli());
        cli.setParameterExceptionHandler((ex, ignoredArgs) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable e = ex;
            if (e instanceof TrainingDivergedException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 3;
            }
            if (e instanceof io.myelin.io.OutputWriteException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 4;
            }
            if (e instanceof UserError || e instanceof DataException || e instanceof IllegalArgumentException
                    || e instanceof BackendUnavailableException || e instanceof io.myelin.io.ModelFileException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
