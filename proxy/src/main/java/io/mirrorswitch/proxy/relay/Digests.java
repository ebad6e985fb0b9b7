package io.mirrorswitch.proxy.relay;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests as the registry writes them: {@code sha256:<hex>}. */
final class Digests {
    private Digests() {
    }

    /** A fresh hasher for the digest's algorithm, or null for an algorithm we cannot check. */
    static MessageDigest hasherFor(String digest) {
        String algorithm = digest.startsWith("sha256:") ? "SHA-256" : digest.startsWith("sha512:") ? "SHA-512" : null;
        if (algorithm == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    static String format(String digest, MessageDigest hasher) {
        return digest.substring(0, digest.indexOf(':') + 1) + HexFormat.of().formatHex(hasher.digest());
    }

    static String sha256(byte[] bytes) {
        MessageDigest hasher = hasherFor("sha256:");
        return "sha256:" + HexFormat.of().formatHex(hasher.digest(bytes));
    }

    /** The digest of {@code bytes} in the same algorithm as {@code expected}. */
    static String of(String expected, byte[] bytes) {
        MessageDigest hasher = hasherFor(expected);
        return hasher == null ? null : Digests.format(expected, updated(hasher, bytes));
    }

    private static MessageDigest updated(MessageDigest hasher, byte[] bytes) {
        hasher.update(bytes);
        return hasher;
    }
}
