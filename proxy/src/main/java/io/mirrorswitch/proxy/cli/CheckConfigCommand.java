package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.ConfigPrinter;
import io.mirrorswitch.config.MirrorswitchConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Validate a config file and print the effective config with secrets masked.",
                "",
                "The file is read the way serve and POST /reload read it ($${ENV} substitution and passwordFile "
                        + "included). The effective config is printed as YAML with every default filled in and every "
                        + "secret masked. On a mistake the one error line (key, value, what was expected) goes to "
                        + "stderr and the exit code is 2.",
                ""},
        footer = {"", "Examples:",
                "  mirrorswitch check-config /etc/mirrorswitch/config.yaml",
                "  # check, then apply to a running mirrorswitch",
                "  mirrorswitch check-config config.yaml && curl -X POST localhost:5081/reload",
                "  # with the container image",
                "  docker run --rm -v $PWD/c.yaml:/c.yaml:ro mirrorswitch check-config /c.yaml"})
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The YAML config file to check")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MirrorswitchConfig config;
        try {
            config = ConfigLoader.withSystemEnv().load(file);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("mirrorswitch: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("# " + file + " is valid. Effective config (defaults filled in, secrets masked):");
        out.print(ConfigPrinter.yaml(config));
        out.flush();
        return 0;
    }
}
