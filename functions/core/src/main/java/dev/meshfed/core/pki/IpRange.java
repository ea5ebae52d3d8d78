package dev.meshfed.core.pki;

import dev.meshfed.core.error.InvalidInput;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}) for the {@code AllowedIPRanges} setting. */
public record IpRange(byte[] network, int prefix) {

    public IpRange {
        network = network.clone();
    }

    /**
     * Parses CIDR notation with a literal address (never a host name: no DNS lookups).
     *
     * @throws InvalidInput {@code invalid CIDR range: <text>} for anything else
     */
    public static IpRange parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash <= 0 || cidr.length() > 64) {
            throw new InvalidInput("invalid CIDR range: " + cidr);
        }
        byte[] addr = literal(cidr.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidInput("invalid CIDR range: " + cidr);
        }
        if (addr == null || prefix < 0 || prefix > addr.length * 8 || !cidr.substring(slash + 1).matches("[0-9]{1,3}")) {
            throw new InvalidInput("invalid CIDR range: " + cidr);
        }
        return new IpRange(addr, prefix);
    }

    /** True when {@code address} (4 or 16 raw bytes) lies in this range. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    /** Parses an IPv4 or IPv6 literal without ever resolving a name; null when it is not one. */
    static byte[] literal(String s) {
        boolean v4 = s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4 && Arrays.stream(s.split("\\.")).anyMatch(o -> Integer.parseInt(o) > 255)) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Text form of a raw address for messages. */
    public static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "invalid address";
        }
    }
}
