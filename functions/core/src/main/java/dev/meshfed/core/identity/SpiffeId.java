package dev.meshfed.core.identity;

import dev.meshfed.core.error.InvalidInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID in one of the forms Consul Connect uses. Parsing accepts exactly those forms, with
 * percent-decoded segments; formatting percent-encodes segments so that {@code parse(format(x))}
 * equals {@code x}. The trust domain (the URI host) is compared lower-case, as URI hosts are
 * case-insensitive.
 */
public sealed interface SpiffeId permits SpiffeId.Service, SpiffeId.MeshGateway, SpiffeId.Signing,
        SpiffeId.Agent, SpiffeId.Server {

    String DEFAULT_PARTITION = "default";
    String DEFAULT_NAMESPACE = "default";

    /** The trust domain, lower-case, e.g. {@code 7d8b...6a7b.consul}. */
    String trustDomain();

    /** The canonical URI string. */
    String uri();

    /** A service: {@code spiffe://<td>[/ap/<partition>]/ns/<ns>/dc/<dc>/svc/<service>}. */
    record Service(String trustDomain, String partition, String namespace, String datacenter, String service)
            implements SpiffeId {
        public Service {
            partition = partition == null || partition.isEmpty() ? DEFAULT_PARTITION : partition;
            namespace = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
        }

        @Override
        public String uri() {
            return "spiffe://" + trustDomain + partitionPrefix(partition) + "/ns/" + escape(namespace)
                    + "/dc/" + escape(datacenter) + "/svc/" + escape(service);
        }
    }

    /** A mesh gateway: {@code spiffe://<td>[/ap/<partition>]/gateway/mesh/dc/<dc>}. */
    record MeshGateway(String trustDomain, String partition, String datacenter) implements SpiffeId {
        public MeshGateway {
            partition = partition == null || partition.isEmpty() ? DEFAULT_PARTITION : partition;
        }

        @Override
        public String uri() {
            return "spiffe://" + trustDomain + partitionPrefix(partition) + "/gateway/mesh/dc/" + escape(datacenter);
        }
    }

    /** The CA signing ID carried by roots and intermediates: {@code spiffe://<td>}, no path. */
    record Signing(String trustDomain) implements SpiffeId {
        @Override
        public String uri() {
            return "spiffe://" + trustDomain;
        }
    }

    /** A Consul client agent ({@code /agent/client/dc/<dc>/id/<id>}); parsed so it can be refused precisely. */
    record Agent(String trustDomain, String partition, String datacenter, String agent) implements SpiffeId {
        public Agent {
            partition = partition == null || partition.isEmpty() ? DEFAULT_PARTITION : partition;
        }

        @Override
        public String uri() {
            return "spiffe://" + trustDomain + partitionPrefix(partition) + "/agent/client/dc/" + escape(datacenter)
                    + "/id/" + escape(agent);
        }
    }

    /** A Consul server ({@code /agent/server/dc/<dc>}); parsed so it can be refused precisely. */
    record Server(String trustDomain, String datacenter) implements SpiffeId {
        @Override
        public String uri() {
            return "spiffe://" + trustDomain + "/agent/server/dc/" + escape(datacenter);
        }
    }

    /** The error text for anything that is not one of the forms above (Consul's text). */
    static String formatError(String uri) {
        return "SPIFFE ID is not in the expected format: " + uri;
    }

    /**
     * Parses a SPIFFE ID.
     *
     * @throws InvalidInput with {@code SPIFFE ID is not in the expected format: <uri>} for anything
     *     that is not a {@code spiffe} URI with a host and one of the known paths, or whose
     *     percent-encoding is broken
     */
    static SpiffeId parse(String uri) {
        return Parser.parse(uri);
    }

    private static String partitionPrefix(String partition) {
        return DEFAULT_PARTITION.equals(partition) ? "" : "/ap/" + escape(partition);
    }

    /** Percent-encodes one path segment: unreserved characters and sub-delims stay, the rest is encoded. */
    static String escape(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '!' || c == '$' || c == '&'
                    || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';'
                    || c == '=' || c == ':' || c == '@') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Parsing kept out of the interface's public surface. */
    final class Parser {
        private static final String SEG = "([^/]+)";
        private static final String AP = "(?:/ap/" + SEG + ")?";
        private static final Pattern SERVICE = Pattern.compile("^" + AP + "/ns/" + SEG + "/dc/" + SEG + "/svc/" + SEG + "$");
        private static final Pattern GATEWAY = Pattern.compile("^" + AP + "/gateway/mesh/dc/" + SEG + "$");
        private static final Pattern AGENT = Pattern.compile("^" + AP + "/agent/client/dc/" + SEG + "/id/" + SEG + "$");
        private static final Pattern SERVER = Pattern.compile("^/agent/server/dc/" + SEG + "$");
        /** Longer inputs are never valid IDs and are refused before any regex runs. */
        static final int MAX_LENGTH = 2048;

        private Parser() {
        }

        static SpiffeId parse(String input) {
            if (input == null || input.length() > MAX_LENGTH) {
                throw new InvalidInput(formatError(input == null ? "" : input.substring(0, Math.min(input.length(), 64)) + "..."));
            }
            URI u;
            try {
                u = new URI(input);
            } catch (URISyntaxException e) {
                throw new InvalidInput(formatError(input));
            }
            if (!"spiffe".equalsIgnoreCase(u.getScheme()) || u.getRawAuthority() == null || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getPort() != -1 || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                throw new InvalidInput(formatError(input));
            }
            String td = u.getHost().toLowerCase(Locale.ROOT);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            if (path.isEmpty()) {
                return new Signing(td);
            }
            Matcher m = SERVICE.matcher(path);
            if (m.matches()) {
                return new Service(td, seg(m.group(1), input), seg(m.group(2), input), seg(m.group(3), input),
                        seg(m.group(4), input));
            }
            m = GATEWAY.matcher(path);
            if (m.matches()) {
                return new MeshGateway(td, seg(m.group(1), input), seg(m.group(2), input));
            }
            m = AGENT.matcher(path);
            if (m.matches()) {
                return new Agent(td, seg(m.group(1), input), seg(m.group(2), input), seg(m.group(3), input));
            }
            m = SERVER.matcher(path);
            if (m.matches()) {
                return new Server(td, seg(m.group(1), input));
            }
            throw new InvalidInput(formatError(input));
        }

        /** Percent-decodes one segment strictly (UTF-8, no '+' rule); null stays null. */
        private static String seg(String raw, String input) {
            if (raw == null) {
                return null;
            }
            List<Byte> bytes = new ArrayList<>(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '%') {
                    if (i + 2 >= raw.length()) {
                        throw new InvalidInput(formatError(input));
                    }
                    int hi = Character.digit(raw.charAt(i + 1), 16);
                    int lo = Character.digit(raw.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        throw new InvalidInput(formatError(input));
                    }
                    bytes.add((byte) ((hi << 4) | lo));
                    i += 2;
                } else if (c > 0x7f) {
                    throw new InvalidInput(formatError(input));
                } else {
                    bytes.add((byte) c);
                }
            }
            byte[] b = new byte[bytes.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = bytes.get(i);
            }
            String decoded = new String(b, StandardCharsets.UTF_8);
            // A decoded segment must not smuggle a separator or control character into an identity.
            if (decoded.isEmpty() || decoded.indexOf('/') >= 0 || decoded.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)
                    || decoded.indexOf('\uFFFD') >= 0) {
                throw new InvalidInput(formatError(input));
            }
            return decoded;
        }
    }
}
