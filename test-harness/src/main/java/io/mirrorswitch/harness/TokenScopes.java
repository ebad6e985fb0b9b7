package io.mirrorswitch.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code scope} parameters ({@code repository:<name>:<actions>}) into the {@code access} claim.
 *
 * <p>The name is everything between the first and the last colon, because repository names may carry
 * a {@code host:port} prefix. One parameter may hold several space-separated scopes (allowed by the
 * distribution token spec).
 */
final class TokenScopes {

    private TokenScopes() {
    }

    static List<Map<String, Object>> accessFor(List<String> scopeParameters, Set<String> grantableActions) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (String parameter : scopeParameters) {
            for (String scope : parameter.trim().split("\\s+")) {
                int first = scope.indexOf(':');
                int last = scope.lastIndexOf(':');
                if (first < 0 || last == first || !scope.substring(0, first).equals("repository")) {
                    continue; // registry:catalog:* and malformed scopes get nothing
                }
                Set<String> granted = new LinkedHashSet<>();
                for (String action : scope.substring(last + 1).split(",")) {
                    if (action.equals("*")) {
                        granted.addAll(grantableActions);
                    } else if (grantableActions.contains(action)) {
                        granted.add(action);
                    }
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", "repository");
                entry.put("name", scope.substring(first + 1, last));
                entry.put("actions", List.copyOf(granted));
                access.add(entry);
            }
        }
        return access;
    }
}
