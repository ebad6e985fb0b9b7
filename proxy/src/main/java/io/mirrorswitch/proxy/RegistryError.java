package io.mirrorswitch.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;

/** Writes Registry v2 JSON errors ({@code {"errors":[{"code","message","detail"}]}}), the only error form we send. */
public final class RegistryError {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final HttpString API_VERSION = HttpString.tryFromString("Docker-Distribution-Api-Version");

    private RegistryError() {
    }

    public static byte[] body(String code, String message, Object detail) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode errors = root.putArray("errors");
        ObjectNode error = errors.addObject().put("code", code).put("message", message);
        if (detail != null) {
            error.set("detail", JSON.valueToTree(detail));
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** 405 for a method we do not relay, with the {@code Allow} header HTTP requires. */
    public static void methodNotAllowed(HttpServerExchange exchange, String message) {
        exchange.getResponseHeaders().put(io.undertow.util.Headers.ALLOW, "GET, HEAD");
        send(exchange, 405, "UNSUPPORTED", message, null);
    }

    /** Sends the error and ends the exchange. A HEAD gets the same status and headers without the body. */
    public static void send(HttpServerExchange exchange, int status, String code, String message, Object detail) {
        byte[] body = body(code, message, detail);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseHeaders().put(API_VERSION, "registry/2.0");
        exchange.setResponseContentLength(body.length);
        if (exchange.getRequestMethod().equalToString("HEAD")) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
        }
    }
}
