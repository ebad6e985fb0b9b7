package io.mirrorswitch.config;

/** A listen address such as {@code 0.0.0.0:5080}. */
public record HostPort(String host, int port) {
    static HostPort parse(String key, String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException(key, text, "host:port, e.g. 0.0.0.0:5080");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, port);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, text, "host:port with a port from 0 to 65535, e.g. 0.0.0.0:5080");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
