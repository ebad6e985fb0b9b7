package io.mirrorswitch.health;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests as registries write them: {@code sha256:<64 hex>} (and {@code sha512:<128 hex>}). */
final class Digests {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

    private Digests() {
    }

    static boolean isValid(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    /** The digest of the bytes with the same algorithm as {@code expected}. */
    static String compute(String expected, byte[] bytes) {
        String algorithm = expected.startsWith("sha512:") ? "sha512" : "sha256";
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
            return algorithm + ":" + HexFormat.of().formatHex(md.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is always available in the JDK", e);
        }
    }

    /** {@code sha256:0123456789ab} — enough to tell digests apart in a log line. */
    static String shortForm(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
