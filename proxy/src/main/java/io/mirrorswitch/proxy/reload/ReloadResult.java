package io.mirrorswitch.proxy.reload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to one reload attempt, as {@code POST /reload} returns it.
 *
 * @param result        {@code applied}, {@code unchanged}, {@code refused} (the file is invalid; the running
 *                      config stays) or {@code unavailable} (started without a config file)
 * @param message       one line for a person
 * @param changes       what was applied live
 * @param restartNeeded keys that differ from the running process but take effect only after a restart
 */
public record ReloadResult(String result, String message, List<String> changes, List<String> restartNeeded) {
    public static final String APPLIED = "applied";
    public static final String UNCHANGED = "unchanged";
    public static final String REFUSED = "refused";
    public static final String UNAVAILABLE = "unavailable";

    public ReloadResult {
        changes = List.copyOf(changes);
        restartNeeded = List.copyOf(restartNeeded);
    }

    public boolean refused() {
        return result.equals(REFUSED);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", result);
        out.put("message", message);
        out.put("changes", changes);
        out.put("restartNeeded", restartNeeded);
        return out;
    }
}
