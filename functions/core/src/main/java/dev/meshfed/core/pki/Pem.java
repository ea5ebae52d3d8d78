package dev.meshfed.core.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Strict PEM (RFC 7468) reading and writing. Writing uses 64-character lines and ends with a
 * newline, as Consul's responses do. Reading returns every block in order; text outside blocks
 * is ignored, as Go's {@code pem.Decode} does, but a block with bad base64 or a mismatched END
 * line is an error.
 */
public final class Pem {
    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";

    private Pem() {
    }

    /** One decoded block. */
    public record Block(String type, byte[] der) {
    }

    /** Thrown for text that looks like PEM but is broken. */
    public static final class MalformedPem extends Exception {
        public MalformedPem(String message) {
            super(message, null, false, false);
        }
    }

    public static String encode(String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringBuilder sb = new StringBuilder(b64.length() + b64.length() / 64 + 2 * type.length() + 40);
        sb.append("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        sb.append("-----END ").append(type).append("-----\n");
        return sb.toString();
    }

    /** Decodes every block of {@code text} in order; an empty list when there is none. */
    public static List<Block> decodeAll(String text) throws MalformedPem {
        List<Block> blocks = new ArrayList<>(2);
        int pos = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", pos);
            if (begin < 0) {
                return blocks;
            }
            int typeEnd = text.indexOf("-----", begin + 11);
            int lineEnd = text.indexOf('\n', begin);
            if (typeEnd < 0 || (lineEnd >= 0 && typeEnd > lineEnd)) {
                throw new MalformedPem("malformed PEM header");
            }
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd + 5);
            if (end < 0) {
                throw new MalformedPem("PEM block " + type + " has no END line");
            }
            String body = text.substring(typeEnd + 5, end);
            StringBuilder b64 = new StringBuilder(body.length());
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
                    continue;
                }
                if (c == ':') {
                    // RFC 1421 headers (Proc-Type and friends) are not part of any format we accept.
                    throw new MalformedPem("PEM headers are not supported");
                }
                b64.append(c);
            }
            try {
                blocks.add(new Block(type, Base64.getDecoder().decode(b64.toString().getBytes(StandardCharsets.US_ASCII))));
            } catch (IllegalArgumentException e) {
                throw new MalformedPem("PEM block " + type + " is not valid base64");
            }
            pos = end + endMarker.length();
        }
    }
}
