package io.myelin.cli;

import io.myelin.backend.BackendUnavailableException;
import io.myelin.config.MemoryLimitException;
import io.myelin.data.DataException;
import io.myelin.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code scripts/myelin}. User mistakes (bad files, specs, options, unparsable arguments)
 * print one line {@code error: ...} and exit 2, and so does a size the Java heap cannot hold (refused before
 * allocating, {@link io.myelin.config.MemoryBudget}, or an {@code OutOfMemoryError} caught here); a diverged
 * run exits 3 after saving the last good weights; a file that cannot be written (a full disk) exits 4, the run
 * directory keeping its last complete checkpoint; anything else is a bug, one {@code error: internal error}
 * line and exit 1 ({@code MYELIN_TRACE=1} prints its stack trace).
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
            if (isUserError(e)) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            if (System.getenv("MYELIN_TRACE") != null) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println("error: internal error (a bug in myelin; please report it with the command): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "; MYELIN_TRACE=1 prints the stack trace");
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            cli.getErr().println("error: " + outOfMemory(Runtime.getRuntime().maxMemory()));
            return 2;
        }
    }

    /** The project's user-error types: bad files, specs, options, sizes beyond the heap, a missing backend. */
    static boolean isUserError(Throwable e) {
        return e instanceof UserError || e instanceof DataException || e instanceof IllegalArgumentException
                || e instanceof BackendUnavailableException || e instanceof io.myelin.io.ModelFileException
                || e instanceof MemoryLimitException;
    }

    /** The line for an {@code OutOfMemoryError} that no estimate caught: the heap's size and how to raise it. */
    static String outOfMemory(long maxHeap) {
        long suggest = Math.max(2, 2 * (long) Math.ceil(maxHeap / 1e9));
        return "out of memory: the data or the model does not fit in the Java heap (maximum "
                + String.format(java.util.Locale.ROOT, "%.1f GB", maxHeap / 1e9) + "); use less data, a smaller "
                + "model or --batch-size, or raise the limit, e.g. MYELIN_JAVA_OPTS=-Xmx" + suggest
                + "g scripts/myelin ... (or java -Xmx" + suggest + "g -jar ...)";
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
