package io.mirrorswitch.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar mirrorswitch.jar <command>}. */
@Command(name = "mirrorswitch", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, version = "mirrorswitch 0.1.0",
        description = {"A stable local upstream for registry:2 that forwards pulls to whichever mirror is healthy.", ""},
        subcommands = {ServeCommand.class, CheckConfigCommand.class, ProbeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  # run the sidecar",
                "  mirrorswitch serve --config /etc/mirrorswitch/config.yaml",
                "  # validate a config before deploying it",
                "  mirrorswitch check-config config.yaml",
                "  # measure mirrors before choosing them",
                "  mirrorswitch probe https://mirror-a.example https://mirror-b.example",
                "  # more about one command",
                "  mirrorswitch help probe",
                "", "Exit codes: 0 success, 1 failure (e.g. no mirror works), 2 invalid config or usage."})
public final class Main {
    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging; route it to the same one-line SLF4J format as ours.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand, for {@link #main} and for tests that capture its output. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
