package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.List;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
    @Test
    void linkBecomesRelative() {
        assertEquals("</v2/x/tags/list?last=a&n=1>; rel=\"next\"",
                ForwardedHeaders.relativeLink("<http://upstream/v2/x/tags/list?last=a&n=1>; rel=\"next\""));
        assertEquals("</v2/x/tags/list?n=1>; rel=\"next\"",
                ForwardedHeaders.relativeLink("<https://mirror.example:8443/v2/x/tags/list?n=1>; rel=\"next\""));
        assertEquals("</v2/x/tags/list?last=a>; rel=\"next\"",
                ForwardedHeaders.relativeLink("</v2/x/tags/list?last=a>; rel=\"next\""));
        assertEquals("garbage", ForwardedHeaders.relativeLink("garbage"));
    }

    @Test
    void onlyEndToEndRequestHeadersGoUpstreamAndEveryAcceptLineStays() {
        HeaderMap in = new HeaderMap();
        List<String> accepts = List.of("application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.oci.image.index.v1+json", "application/json");
        for (String a : accepts) {
            in.add(HttpString.tryFromString("Accept"), a);
        }
        in.add(HttpString.tryFromString("Authorization"), "Bearer ours");
        in.add(HttpString.tryFromString("Cookie"), "c=1");
        in.add(HttpString.tryFromString("Connection"), "keep-alive");
        in.add(HttpString.tryFromString("Range"), "bytes=0-9");
        in.add(HttpString.tryFromString("Host"), "mirrorswitch:5080");
        Headers out = ForwardedHeaders.toUpstream(in);
        assertEquals(accepts, out.values("Accept"));
        assertEquals("bytes=0-9", out.get("Range"));
        assertEquals(4, out.size(), out.toString());
    }
}
