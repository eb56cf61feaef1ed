package dev.faucet.connect.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Faucet-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}. The receiver
 * recomputes it with the shared secret to know the body came from this pipeline and was not altered; {@code t} is
 * signed too, so that it can refuse old requests replayed. The key is kept only here and never shown.
 */
final class Signature {
    static final String HEADER = "Faucet-Signature";
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    Signature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The header's value for {@code body} sent at {@code unixSeconds}. */
    String sign(long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);  // not thread-safe: one per signature
            mac.init(key);
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM + " to sign webhook bodies", e);
        }
    }

    @Override
    public String toString() {
        return "webhook signature";  // never the key
    }
}
