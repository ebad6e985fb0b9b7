package io.mirrorswitch.harness;

import java.nio.file.Path;

/**
 * Renders a docker-registry (distribution 2.8) config.yml.
 *
 * <p>Hand-written YAML with every scalar double-quoted, so no YAML library is needed and no value
 * (a password with a colon, a path with spaces) can change the document's structure.
 */
final class RegistryConfig {

    /** {@code auth.token} settings. */
    record TokenAuth(String realm, String service, String issuer, Path rootCertBundle) {
    }

    /** {@code proxy} settings; username and password may be null for an anonymous upstream. */
    record Proxy(String remoteUrl, String username, String password) {
    }

    private RegistryConfig() {
    }

    static String render(int port, Path storageDir, String secret, TokenAuth auth, Proxy proxy) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("version: 0.1\n");
        yaml.append("log:\n");
        // info is needed: RegistryProcess waits for the "listening on" line.
        yaml.append("  level: info\n");
        yaml.append("  formatter: text\n");
        yaml.append("storage:\n");
        yaml.append("  filesystem:\n");
        yaml.append("    rootdirectory: ").append(quote(storageDir.toString())).append('\n');
        yaml.append("  delete:\n");
        yaml.append("    enabled: true\n");
        // Upload purging walks the storage on start-up and every 24 h; useless noise for short tests.
        yaml.append("  maintenance:\n");
        yaml.append("    uploadpurging:\n");
        yaml.append("      enabled: false\n");
        yaml.append("http:\n");
        yaml.append("  addr: ").append(quote("127.0.0.1:" + port)).append('\n');
        yaml.append("  secret: ").append(quote(secret)).append('\n');
        if (auth != null) {
            yaml.append("auth:\n");
            yaml.append("  token:\n");
            yaml.append("    realm: ").append(quote(auth.realm())).append('\n');
            yaml.append("    service: ").append(quote(auth.service())).append('\n');
            yaml.append("    issuer: ").append(quote(auth.issuer())).append('\n');
            yaml.append("    rootcertbundle: ").append(quote(auth.rootCertBundle().toString())).append('\n');
        }
        if (proxy != null) {
            yaml.append("proxy:\n");
            yaml.append("  remoteurl: ").append(quote(proxy.remoteUrl())).append('\n');
            if (proxy.username() != null) {
                yaml.append("  username: ").append(quote(proxy.username())).append('\n');
                yaml.append("  password: ").append(quote(proxy.password())).append('\n');
            }
        }
        return yaml.toString();
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
