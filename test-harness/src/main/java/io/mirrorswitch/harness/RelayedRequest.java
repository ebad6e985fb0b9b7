package io.mirrorswitch.harness;

import java.util.List;

/**
 * One request that reached a {@link FaultProxy}, recorded once its outcome is decided and before the
 * client can observe it (just before the answer's head goes out, the reset, or the hold begins).
 *
 * @param method the request method
 * @param target the request target (path and query)
 * @param kind   what the target asks for
 * @param status the status sent to the client; 0 when none was (reset, blackhole, target unreachable)
 * @param faults the faults applied, by their toString(); empty when it passed untouched
 */
public record RelayedRequest(String method, String target, RequestKind kind, int status, List<String> faults) {

    public RelayedRequest {
        faults = List.copyOf(faults);
    }

    public boolean matches(Match match) {
        return match.matches(method, target);
    }

    @Override
    public String toString() {
        return method + " " + target + " -> " + (status == 0 ? "no answer" : status) + (faults.isEmpty() ? "" : " " + faults);
    }
}
