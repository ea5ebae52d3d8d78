package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), parsed
 * with the JDK only and without any name lookup (so never {@code InetAddress.getByName}).
 *
 * <p>Accepted syntax, as Go's {@code netip.ParsePrefix}: a dotted-quad IPv4 address (decimal
 * octets, no leading zeros) or an IPv6 address (hex groups, at most one {@code ::}, an optional
 * dotted-quad tail, no zone), a {@code /}, and a decimal prefix length without leading zeros
 * (0 to 32, or 0 to 128). meshfed also refuses host bits below the prefix ({@code 10.0.0.1/8}):
 * such an entry is almost always a typo, and the message names the range that was probably meant.
 */
public final class CidrRange {

    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private CidrRange(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code text}.
     *
     * @throws InvalidInput {@code invalid IP range "x": <reason>}
     */
    public static CidrRange parse(String text) {
        Objects.requireNonNull(text, "text");
        String problem = problem(text);
        if (problem != null) {
            throw new InvalidInput("invalid IP range " + GoStrconv.quoteBounded(text) + ": " + problem);
        }
        return parseValid(text);
    }

    /** Why {@code text} is not a valid range, or {@code null} when it is. */
    static String problem(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return "must be an address, a slash and a prefix length, like 10.0.0.0/8 or fd00::/8";
        }
        String addressText = text.substring(0, slash);
        String bitsText = text.substring(slash + 1);
        byte[] address = parseAddress(addressText);
        if (address == null) {
            return GoStrconv.quoteBounded(addressText) + " is not an IPv4 or IPv6 address";
        }
        int max = address.length * 8;
        int bits = parseBits(bitsText, max);
        if (bits < 0) {
            return "prefix length must be a whole number from 0 to " + max + " for an IPv" + (address.length == 4 ? 4 : 6)
                    + " address";
        }
        byte[] masked = mask(address, bits);
        if (!Arrays.equals(masked, address)) {
            return "host bits are set below the prefix; the range is " + format(masked) + "/" + bits;
        }
        return null;
    }

    private static CidrRange parseValid(String text) {
        int slash = text.indexOf('/');
        byte[] address = parseAddress(text.substring(0, slash));
        int bits = parseBits(text.substring(slash + 1), address.length * 8);
        return new CidrRange(text, address, bits);
    }

    /** Whether this range holds {@code address} (4 bytes for IPv4, 16 for IPv6; families never mix). */
    public boolean contains(byte[] address) {
        Objects.requireNonNull(address, "address");
        return address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
    }

    /** Whether this is an IPv4 range. */
    public boolean isIpv4() {
        return network.length == 4;
    }

    /** The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6. */
    public int prefixLength() {
        return prefixLength;
    }

    /** The range as it was written. */
    @Override
    public String toString() {
        return text;
    }

    /** Equal when network and prefix length are, however each was written. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange && ((CidrRange) o).prefixLength == prefixLength
                && Arrays.equals(((CidrRange) o).network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    private static int parseBits(String s, int max) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1;
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    /** 4 bytes for a dotted quad, 16 for IPv6, null for anything else. */
    static byte[] parseAddress(String s) {
        if (s.indexOf(':') >= 0) {
            return parseIpv6(s);
        }
        return parseIpv4(s);
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parseIpv6(String s) {
        if (s.indexOf('%') >= 0) {
            return null; // zones have no meaning in a range
        }
        int ellipsis = s.indexOf("::");
        if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
            return null;
        }
        byte[] out = new byte[16];
        int[] head = ellipsis >= 0 ? groups(s.substring(0, ellipsis), false) : groups(s, true);
        int[] tail = ellipsis >= 0 ? groups(s.substring(ellipsis + 2), true) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int total = head.length + tail.length;
        if (ellipsis < 0 ? total != 8 : total > 7) {
            return null; // "::" stands for at least one group of zeros
        }
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int g = 8 - tail.length + i;
            out[2 * g] = (byte) (tail[i] >> 8);
            out[2 * g + 1] = (byte) tail[i];
        }
        return out;
    }

    /** Colon-separated hex groups; the last may be a dotted quad (two groups) when allowed. */
    private static int[] groups(String s, boolean dottedTailAllowed) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] out = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && dottedTailAllowed && p.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[n++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0 || p.charAt(k) > 0x7f) {
                    return null;
                }
                v = v * 16 + d;
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** Text of an address for messages: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run compressed). */
    /** The text form of a raw IPv4 or IPv6 address, for messages. */
    public static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1; // only runs of two or more groups are compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }
}
