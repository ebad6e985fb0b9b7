package io.mirrorswitch.proxy.auth;

import java.util.Arrays;
import java.util.List;

/**
 * Docker token scopes ({@code repository:<name>:<actions>}). mirrorswitch relays pulls only, so whatever is
 * asked, a grant carries at most {@code pull}.
 */
final class ScopeGrant {
    private ScopeGrant() {
    }

    /** The pull-only grant for a requested scope, or null when it asks for nothing we could serve. */
    static String pullOnly(String requested) {
        int last = requested.lastIndexOf(':');
        int first = requested.indexOf(':');
        if (first <= 0 || last <= first) {
            return null;
        }
        String type = requested.substring(0, first);
        String name = requested.substring(first + 1, last);
        List<String> actions = Arrays.asList(requested.substring(last + 1).split(","));
        if (!"repository".equals(type) || !(actions.contains("pull") || actions.contains("*"))) {
            return null;
        }
        return "repository:" + name + ":pull";
    }

    static boolean covers(String granted, String needed) {
        return granted.equals(needed);
    }
}
