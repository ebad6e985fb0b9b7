package io.mirrorswitch.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar mirrorswitch.jar <command>}. */
@Command(name = "mirrorswitch", mixinStandardHelpOptions = true, version = "mirrorswitch 0.1.0",
        description = "A stable local upstream for registry:2 that forwards pulls to whichever mirror is healthy.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging; route it to the same one-line SLF4J format as ours.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
