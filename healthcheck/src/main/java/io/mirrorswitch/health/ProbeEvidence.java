package io.mirrorswitch.health;

import java.util.Map;
import java.util.OptionalInt;

/**
 * What a probe round saw at the step that decided its outcome: the request ({@code GET
 * /v2/library/alpine/manifests/sha256:...}), the status, the response headers that mattered (rate limits,
 * digests, content type, auth challenge; never credentials or signed redirect URLs) and the error text.
 */
public record ProbeEvidence(String step, OptionalInt status, Map<String, String> headers, String error) {

    public static final ProbeEvidence NONE = new ProbeEvidence("", OptionalInt.empty(), Map.of(), "");

    public ProbeEvidence {
        headers = Map.copyOf(headers);
    }

    public static ProbeEvidence of(String step, int status, Map<String, String> headers, String error) {
        return new ProbeEvidence(step, status > 0 ? OptionalInt.of(status) : OptionalInt.empty(), headers, error);
    }

    public static ProbeEvidence error(String step, String error) {
        return new ProbeEvidence(step, OptionalInt.empty(), Map.of(), error);
    }
}
