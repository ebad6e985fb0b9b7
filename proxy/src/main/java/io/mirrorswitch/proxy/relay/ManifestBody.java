package io.mirrorswitch.proxy.relay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Reads a whole manifest (at most {@value #MAX_BYTES} bytes, the limit registries use) so it can be verified before sending. */
final class ManifestBody {
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private ManifestBody() {
    }

    /** The body's bytes, or null when it is larger than a manifest may be. */
    static byte[] read(UpstreamBody body) throws IOException {
        long announced = body.response().body().contentLength();
        if (announced > MAX_BYTES) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(announced > 0 ? (int) announced : 8192);
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = body.read(buffer, 0, buffer.length)) != -1) {
            if (out.size() + n > MAX_BYTES) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        if (announced >= 0 && out.size() != announced) {
            throw new IOException("manifest body ended after " + out.size() + " of " + announced + " bytes");
        }
        return out.toByteArray();
    }
}
