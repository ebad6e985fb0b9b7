package io.mirrorswitch.proxy.route;

/** Why a path is not a pull route we serve, as the registry error it becomes. */
public final class RouteException extends Exception {
    private final int status;
    private final String code;
    private final String detail;

    private RouteException(int status, String code, String message, String detail) {
        super(message);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    static RouteException notFound(String path) {
        return new RouteException(404, "NOT_FOUND", "not a Registry v2 pull route", path);
    }

    static RouteException invalid(String code, String message, String value) {
        return new RouteException(400, code, message, value);
    }

    static RouteException unsupported() {
        return new RouteException(405, "UNSUPPORTED", "mirrorswitch relays pulls only", "");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return detail;
    }
}
