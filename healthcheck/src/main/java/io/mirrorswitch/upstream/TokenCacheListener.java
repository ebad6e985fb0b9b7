package io.mirrorswitch.upstream;

/** Observes upstream token cache use, for metrics. */
public interface TokenCacheListener {
    TokenCacheListener NONE = new TokenCacheListener() {
        @Override
        public void hit(String upstream) {
        }

        @Override
        public void miss(String upstream) {
        }
    };

    void hit(String upstream);

    void miss(String upstream);
}
