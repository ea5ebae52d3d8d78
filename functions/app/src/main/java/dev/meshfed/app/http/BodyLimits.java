package dev.meshfed.app.http;

import dev.meshfed.core.error.InvalidInput;

import java.util.Base64;
import java.util.Map;

/**
 * The request body limit: {@value #MAX_REQUEST_BODY_BYTES} bytes (64 KiB), enforced before a body
 * is parsed. Over it: 413 with Consul's wording for an oversized body ({@code Request body too
 * large, max size: 65536 bytes}, as Consul's {@code /v1/txn} answers). Bodies over 6 MB never
 * reach meshfed: Lambda refuses them first.
 */
public final class BodyLimits {

    /** The largest request body accepted, in bytes. */
    public static final int MAX_REQUEST_BODY_BYTES = 64 * 1024;

    /** The 413 text. */
    public static final String TOO_LARGE = "Request body too large, max size: " + MAX_REQUEST_BODY_BYTES + " bytes";

    private BodyLimits() {
    }

    /**
     * Refuses {@code request} if its body is over the limit.
     *
     * @throws HttpRefusal 413
     */
    public static void check(HttpRequest request) {
        check(request.bodyLength());
    }

    /**
     * Refuses a body of {@code length} bytes if it is over the limit.
     *
     * @throws HttpRefusal 413
     */
    public static void check(long length) {
        if (length > MAX_REQUEST_BODY_BYTES) {
            throw HttpRefusal.of(413, TOO_LARGE, Map.of());
        }
    }

    /**
     * Decodes a base64 body (API Gateway's {@code isBase64Encoded}), refusing an oversized one from
     * its encoded length, before decoding anything.
     *
     * @throws HttpRefusal 413 when the decoded body would be over the limit
     * @throws InvalidInput {@code request body is not valid base64}
     */
    public static byte[] decodeBase64(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return new byte[0];
        }
        // Every 4 characters decode to at most 3 bytes.
        long atLeast = (long) encoded.length() / 4 * 3 - 2;
        check(atLeast);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("request body is not valid base64");
        }
        check(decoded.length);
        return decoded;
    }
}
