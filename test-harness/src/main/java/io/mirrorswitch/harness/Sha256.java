package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 in the forms registries use: 64 lowercase hex digits, or {@code sha256:<hex>} digests. */
public final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    public static String hex(Path file) {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code sha256:<hex>} of the bytes. */
    public static String digest(byte[] bytes) {
        return "sha256:" + hex(bytes);
    }

    public static boolean isHex(String s) {
        return HEX.matcher(s).matches();
    }

    /** The hex part of a {@code sha256:<hex>} digest. */
    public static String hexOf(String digest) {
        if (!digest.startsWith("sha256:") || !isHex(digest.substring(7))) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring(7);
    }
}
