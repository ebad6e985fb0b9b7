package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark measures mirrorswitch with the JVM flags the image runs it with, not some other set. */
class JvmFlagsMatchDockerfileTest {
    @Test
    void benchFlagsAreTheDockerfileEntrypointFlags() throws Exception {
        String dockerfile = Files.readString(Path.of("..", "Dockerfile"));
        Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[\"java\", (.*), \"-jar\"").matcher(dockerfile);
        if (!entrypoint.find()) {
            throw new AssertionError("no java ENTRYPOINT in the Dockerfile");
        }
        String flags = entrypoint.group(1).replace("\"", "").replace(",", "");
        assertEquals(flags, MirrorswitchProcess.DEFAULT_FLAGS);
    }
}
