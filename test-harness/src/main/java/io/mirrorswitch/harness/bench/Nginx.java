package io.mirrorswitch.harness.bench;

import io.mirrorswitch.harness.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's nginx as the peer reverse proxy, configured the way people put it in front of a registry for
 * throughput: {@code proxy_buffering on} with 64 KiB buffers, HTTP/1.1 keep-alive toward the upstream, no
 * spooling to temporary files (the proxy paces the upstream by the client, as mirrorswitch does).
 */
final class Nginx implements AutoCloseable {
    static final String BINARY = System.getProperty("bench.nginx", "/usr/sbin/nginx");

    final int port;
    final ChildProcess process;
    final String config;

    private Nginx(int port, ChildProcess process, String config) {
        this.port = port;
        this.process = process;
        this.config = config;
    }

    static String config(Path dir, int port, String upstreamHostPort) {
        return String.join("\n",
                "daemon off;",
                "worker_processes auto;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 4096; }",
                "http {",
                "  access_log " + dir.resolve("access.log") + " combined buffer=64k flush=1s;",
                "  client_body_temp_path " + dir.resolve("client_body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy_temp") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi_temp") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi_temp") + ";",
                "  scgi_temp_path " + dir.resolve("scgi_temp") + ";",
                "  sendfile on;",
                "  tcp_nopush on;",
                "  keepalive_requests 100000;",
                "  upstream registry {",
                "    server " + upstreamHostPort + ";",
                "    keepalive 256;",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    client_max_body_size 0;",
                "    location / {",
                "      proxy_pass http://registry;",
                "      proxy_http_version 1.1;",
                "      proxy_set_header Connection \"\";",
                "      proxy_set_header Host $http_host;",
                "      proxy_buffering on;",
                "      proxy_buffer_size 64k;",
                "      proxy_buffers 8 64k;",
                "      proxy_busy_buffers_size 128k;",
                "      proxy_max_temp_file_size 0;",
                "      proxy_read_timeout 900s;",
                "    }",
                "  }",
                "}",
                "");
    }

    static Nginx start(Path dir, String upstreamHostPort) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Ports.free();
        String text = config(dir, port, upstreamHostPort);
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, text);
        ChildProcess p = ChildProcess.start("nginx", List.of(BINARY, "-p", dir.toString(), "-c", conf.toString()),
                dir.resolve("nginx.out"));
        try {
            p.awaitPort(port, 10_000);
        } catch (IOException | InterruptedException e) {
            p.close();
            throw e;
        }
        return new Nginx(port, p, text);
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
