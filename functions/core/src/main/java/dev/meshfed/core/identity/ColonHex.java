package dev.meshfed.core.identity;

import java.math.BigInteger;

/** Consul's colon-separated lower-case hex ({@code 2d:09:...}) for key IDs, root IDs and serials. */
public final class ColonHex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private ColonHex() {
    }

    public static String of(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        char[] out = new char[bytes.length * 3 - 1];
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (i > 0) {
                out[i * 3 - 1] = ':';
            }
            out[i * 3] = DIGITS[b >> 4];
            out[i * 3 + 1] = DIGITS[b & 0xf];
        }
        return new String(out);
    }

    /** A non-negative integer's minimal big-endian bytes (no sign byte), as Go's {@code big.Int.Bytes}. */
    public static String ofUnsigned(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative value");
        }
        byte[] b = value.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            byte[] t = new byte[b.length - 1];
            System.arraycopy(b, 1, t, 0, t.length);
            b = t;
        }
        return of(b);
    }

    /** Parses colon-hex back into bytes; returns null when malformed. */
    public static byte[] parse(String s) {
        if (s == null || s.isEmpty() || (s.length() + 1) % 3 != 0) {
            return null;
        }
        int n = (s.length() + 1) / 3;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(s.charAt(i * 3), 16);
            int lo = Character.digit(s.charAt(i * 3 + 1), 16);
            if (hi < 0 || lo < 0 || (i < n - 1 && s.charAt(i * 3 + 2) != ':')) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
