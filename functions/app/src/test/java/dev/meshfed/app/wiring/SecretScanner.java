package dev.meshfed.app.wiring;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.StoredItem;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looks for secrets in text, bytes and stored items. What it knows:
 * <ul>
 *   <li>every PEM private-key marker ({@code PRIVATE KEY} covers PKCS#8, SEC1 {@code EC}, PKCS#1
 *       {@code RSA} and {@code ENCRYPTED} headers);</li>
 *   <li>each registered private key as raw bytes: its PKCS#8 DER and its private scalar (EC
 *       {@code S}; RSA {@code d}, {@code p}, {@code q}) as an unsigned big-endian magnitude, which
 *       is inside every other encoding of the key (SEC1, PKCS#1, JWK after decoding);</li>
 *   <li>the same bytes as text: base64 and base64url at each of the three alignments a substring
 *       can have inside a longer base64 text (so a key inside a larger blob is found too), less
 *       two groups at each end (so a key cut short is found too), after
 *       removing line breaks and JSON {@code \n} escapes, and as hex in either case;</li>
 *   <li>registered plain-text secrets (ACL SecretIDs, sealed response bodies) as they are.</li>
 * </ul>
 * A {@link Finding} names where and what, never the secret itself.
 */
final class SecretScanner {

    /** Something found: where (a log line, a response, an item key and attribute) and what (a name). */
    record Finding(String where, String what) {
        @Override
        public String toString() {
            return what + " in " + where;
        }
    }

    private record Needle(String name, byte[] raw, List<String> texts) {
    }

    /** A stack trace frame of ours, or an exception's class and message as Java prints it. */
    static final Pattern STACK_TRACE = Pattern.compile(
            "\\bat dev\\.meshfed\\.|\\bat java\\.|[A-Za-z0-9_$.]+(Exception|Error): |\\bException:|Caused by: ");
    static final String PEM_MARKER = "PRIVATE KEY";

    private final List<Needle> needles = new ArrayList<>();
    private final List<String[]> plainSecrets = new ArrayList<>();

    /** Registers every encoding of {@code key} under {@code name}. */
    SecretScanner privateKey(String name, PrivateKey key) {
        needle(name + " (PKCS#8 DER)", key.getEncoded());
        if (key instanceof ECPrivateKey ec) {
            needle(name + " (EC private scalar)", magnitude(ec.getS()));
        } else if (key instanceof RSAPrivateKey rsa) {
            needle(name + " (RSA private exponent)", magnitude(rsa.getPrivateExponent()));
            if (rsa instanceof RSAPrivateCrtKey crt) {
                needle(name + " (RSA prime p)", magnitude(crt.getPrimeP()));
                needle(name + " (RSA prime q)", magnitude(crt.getPrimeQ()));
            }
        } else {
            throw new IllegalArgumentException("no scalar known for a " + key.getAlgorithm() + " key");
        }
        return this;
    }

    /** Registers a plain-text secret (an ACL SecretID, a sealed body) under {@code name}. */
    SecretScanner plainSecret(String name, String secret) {
        plainSecrets.add(new String[] {name, secret});
        return this;
    }

    int size() {
        return needles.size() + plainSecrets.size();
    }

    private void needle(String name, byte[] raw) {
        if (raw.length < 24) {
            throw new IllegalArgumentException("too short to search for without false hits: " + name);
        }
        Set<String> texts = new LinkedHashSet<>();
        for (int shift = 0; shift < 3; shift++) {
            // the bytes from a 3-aligned start, whole groups only: no padding, no partial character
            int whole = (raw.length - shift) / 3 * 3;
            String b64 = Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(raw, shift, shift + whole));
            // two groups (6 bytes) off each end: a key cut short at either end is still found,
            // and what is left (at least 12 bytes of a scalar) cannot occur by chance
            b64 = b64.substring(8, b64.length() - 8);
            texts.add(b64);
            texts.add(b64.replace('+', '-').replace('/', '_'));
        }
        texts.add(HexFormat.of().formatHex(raw));
        needles.add(new Needle(name, raw, List.copyOf(texts)));
    }

    private static byte[] magnitude(BigInteger n) {
        byte[] b = n.toByteArray();
        int start = 0;
        while (start < b.length - 1 && b[start] == 0) {
            start++;
        }
        return Arrays.copyOfRange(b, start, b.length);
    }

    /** Private keys, key bytes and plain secrets in {@code text}. */
    List<Finding> scanText(String where, String text) {
        List<Finding> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        if (text.contains(PEM_MARKER)) {
            out.add(new Finding(where, "a PEM \"" + PEM_MARKER + "\" marker"));
        }
        String flat = text.replace("\\r", "").replace("\\n", "").replaceAll("\\s+", "");
        String lower = flat.toLowerCase(Locale.ROOT);
        for (Needle n : needles) {
            for (String t : n.texts()) {
                boolean hex = t.length() == n.raw().length * 2 && t.matches("[0-9a-f]+");
                if (hex ? lower.contains(t) : flat.contains(t)) {
                    out.add(new Finding(where, n.name() + (hex ? " as hex" : " as base64")));
                    break;
                }
            }
        }
        for (String[] s : plainSecrets) {
            if (text.contains(s[1])) {
                out.add(new Finding(where, s[0]));
            }
        }
        return out;
    }

    /** Key bytes in {@code bytes} as they are, then everything {@link #scanText} finds in them read as text. */
    List<Finding> scanBytes(String where, byte[] bytes) {
        List<Finding> out = new ArrayList<>();
        for (Needle n : needles) {
            if (indexOf(bytes, n.raw()) >= 0) {
                out.add(new Finding(where, n.name() + " as raw bytes"));
            }
        }
        out.addAll(scanText(where, new String(bytes, StandardCharsets.ISO_8859_1)));
        return out;
    }

    /** Every attribute of {@code item}, nested ones included; binary values as bytes. */
    List<Finding> scanItem(String where, StoredItem item) {
        List<Finding> out = new ArrayList<>();
        String at = where + " " + item.key();
        out.addAll(scanText(at + " key", item.key().toString()));
        for (Map.Entry<String, Attr> e : item.body().entrySet()) {
            scanAttr(at + "." + e.getKey(), e.getValue(), out);
        }
        return out;
    }

    private void scanAttr(String where, Attr a, List<Finding> out) {
        if (a instanceof Attr.S s) {
            out.addAll(scanText(where, s.value()));
        } else if (a instanceof Attr.B b) {
            out.addAll(scanBytes(where, b.value()));
        } else if (a instanceof Attr.N n) {
            out.addAll(scanText(where, n.value()));
        } else if (a instanceof Attr.SS ss) {
            ss.values().forEach(v -> out.addAll(scanText(where, v)));
        } else if (a instanceof Attr.NS ns) {
            ns.values().forEach(v -> out.addAll(scanText(where, v)));
        } else if (a instanceof Attr.L l) {
            for (int i = 0; i < l.values().size(); i++) {
                scanAttr(where + "[" + i + "]", l.values().get(i), out);
            }
        } else if (a instanceof Attr.M m) {
            m.values().forEach((k, v) -> scanAttr(where + "." + k, v, out));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
