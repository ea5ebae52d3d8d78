package dev.meshfed.app.config;

import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_ACL;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_DC;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_DYNAMODB_ENDPOINT;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_KMS_KEY_ID;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_MAX_BLOCKING_WAIT;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_PRIMARY_API_URL;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_PRIMARY_DC;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_REGION;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_TABLE_CA;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_TABLE_INTENTIONS;
import static dev.meshfed.app.config.EnvironmentVariables.MESHFED_TABLE_PRIVATE;

import dev.meshfed.app.forwarding.HttpPrimaryApi;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.DatacenterRole;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One datacenter's configuration: who it is, where its state lives, and how it serves.
 *
 * @param datacenter       this DC
 * @param primary          the primary DC (this DC when it is the primary)
 * @param tables           the three tables in this region
 * @param kmsKeyId         the region's KMS key (ID, ARN, alias or alias ARN)
 * @param region           the AWS region
 * @param maxBlockingWait  the cap on a blocking read's wait (1 s to 25 s)
 * @param acl              whether ACLs are enforced
 * @param dynamoDbEndpoint an endpoint override for DynamoDB, for tests
 * @param primaryApiUrl    the primary's API, where a secondary forwards primary-owned writes (empty in the primary)
 */
public record DcConfig(Datacenter datacenter, Datacenter primary, Tables tables, String kmsKeyId, String region,
                       Duration maxBlockingWait, AclMode acl, Optional<URI> dynamoDbEndpoint,
                       Optional<URI> primaryApiUrl) {

    /** Whether ACLs are enforced. */
    public enum AclMode {
        /** Tokens and policies decide (every deployment). */
        ON,
        /** Everything is allowed as the anonymous token ({@code meshfed dev}'s default). */
        OFF
    }

    /**
     * The DC's tables in its region.
     *
     * @param ca           the CA table (global)
     * @param intentions   the intentions table (global)
     * @param privateTable the private table (regional)
     */
    public record Tables(String ca, String intentions, String privateTable) {
        public Tables {
            Objects.requireNonNull(ca, "ca");
            Objects.requireNonNull(intentions, "intentions");
            Objects.requireNonNull(privateTable, "privateTable");
        }
    }

    /** DynamoDB's table name rule: 3 to 255 of letters, digits, {@code _ . -}. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final String KEY_ID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})";
    private static final String ALIAS = "alias/[A-Za-z0-9/_-]{1,250}";
    private static final Pattern KMS_KEY = Pattern.compile(
            KEY_ID + "|" + ALIAS + "|arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:(key/" + KEY_ID + "|" + ALIAS + ")");

    public DcConfig {
        Objects.requireNonNull(datacenter, "datacenter");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(kmsKeyId, "kmsKeyId");
        Objects.requireNonNull(region, "region");
        BlockingQuery.checkMaxBlockingWait(maxBlockingWait);
        Objects.requireNonNull(acl, "acl");
        Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
        Objects.requireNonNull(primaryApiUrl, "primaryApiUrl");
        if (!datacenter.equals(primary) && primaryApiUrl.isEmpty()) {
            throw new IllegalArgumentException("a secondary needs the primary's API URL to forward writes");
        }
    }

    /** Primary when this DC is the primary. */
    public DatacenterRole role() {
        return datacenter.equals(primary) ? DatacenterRole.PRIMARY : DatacenterRole.SECONDARY;
    }

    /**
     * Reads the configuration from {@code environment} (a function passes {@code System.getenv()}).
     * Only the variables of {@link EnvironmentVariables#ALL} are read; an empty value counts as
     * unset.
     *
     * @throws InvalidEnvironment listing every missing or invalid variable, each by name
     */
    public static DcConfig fromEnvironment(Map<String, String> environment) {
        Reader r = new Reader(environment);
        Datacenter dc = r.required(MESHFED_DC, DcConfig::datacenterName);
        Datacenter primary = r.required(MESHFED_PRIMARY_DC, DcConfig::datacenterName);
        String ca = r.required(MESHFED_TABLE_CA, DcConfig::tableName);
        String intentions = r.required(MESHFED_TABLE_INTENTIONS, DcConfig::tableName);
        String privateTable = r.required(MESHFED_TABLE_PRIVATE, DcConfig::tableName);
        String kms = r.required(MESHFED_KMS_KEY_ID, DcConfig::kmsKey);
        String region = r.required(MESHFED_REGION, DcConfig::region);
        Duration wait = r.optional(MESHFED_MAX_BLOCKING_WAIT, DcConfig::maxBlockingWait)
                .orElse(BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT);
        AclMode acl = r.optional(MESHFED_ACL, DcConfig::aclMode).orElse(AclMode.ON);
        Optional<URI> endpoint = r.optional(MESHFED_DYNAMODB_ENDPOINT, DcConfig::endpoint);
        Optional<URI> primaryApi = r.optional(MESHFED_PRIMARY_API_URL, DcConfig::primaryApiUrl);
        if (dc != null && primary != null && !dc.equals(primary) && primaryApi.isEmpty()
                && !r.problems.stream().anyMatch(p -> p.startsWith(MESHFED_PRIMARY_API_URL.name()))) {
            r.problems.add(MESHFED_PRIMARY_API_URL.name() + " is not set (" + MESHFED_PRIMARY_API_URL.meaning() + ")");
        }
        if (ca != null && intentions != null && privateTable != null
                && new HashSet<>(List.of(ca, intentions, privateTable)).size() < 3) {
            r.problems.add("MESHFED_TABLE_CA, MESHFED_TABLE_INTENTIONS and MESHFED_TABLE_PRIVATE must name three different tables");
        }
        if (!r.problems.isEmpty()) {
            throw new InvalidEnvironment(r.problems);
        }
        return new DcConfig(dc, primary, new Tables(ca, intentions, privateTable), kms, region, wait, acl, endpoint,
                dc != null && dc.equals(primary) ? Optional.empty() : primaryApi);
    }

    private static Datacenter datacenterName(String value) {
        return new Datacenter(value); // its own text names the rule
    }

    private static String tableName(String value) {
        if (!TABLE_NAME.matcher(value).matches()) {
            throw new InvalidInput("not a DynamoDB table name: 3 to 255 of letters, digits, _ . -");
        }
        return value;
    }

    private static String kmsKey(String value) {
        if (!KMS_KEY.matcher(value).matches()) {
            throw new InvalidInput("not a KMS key ID, key ARN, alias name (alias/...) or alias ARN");
        }
        return value;
    }

    private static String region(String value) {
        if (!REGION.matcher(value).matches()) {
            throw new InvalidInput("not an AWS region name such as eu-west-1");
        }
        return value;
    }

    private static Duration maxBlockingWait(String value) {
        Duration d = GoDuration.parse(value);
        try {
            return BlockingQuery.checkMaxBlockingWait(d);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("must be between 1s and 25s");
        }
    }

    private static AclMode aclMode(String value) {
        return switch (value) {
            case "on" -> AclMode.ON;
            case "off" -> AclMode.OFF;
            default -> throw new InvalidInput("must be on or off");
        };
    }

    private static URI url(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidInput("not a URL");
        }
    }

    private static URI endpoint(String value) {
        URI uri = url(value);
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new InvalidInput("must be an http or https URL with a host and nothing after it, such as http://127.0.0.1:4567");
        }
        return uri;
    }

    /** https anywhere; plain http only to a loopback host ({@code meshfed dev}, tests). */
    private static URI primaryApiUrl(String value) {
        URI uri = url(value);
        try {
            HttpPrimaryApi.checkBaseUri(uri); // the forwarder's own rule, checked once here at start-up
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("must be an https URL with a host (http only to a loopback host), such as"
                    + " https://abc123.execute-api.eu-west-1.amazonaws.com");
        }
        return uri;
    }

    /** Reads variables and collects every problem. */
    private static final class Reader {
        private final Map<String, String> environment;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
        }

        interface Parser<T> {
            T parse(String value);
        }

        <T> T required(EnvironmentVariable variable, Parser<T> parser) {
            String value = environment.get(variable.name());
            if (value == null || value.isEmpty()) {
                problems.add(variable.name() + " is not set (" + variable.meaning() + ")");
                return null;
            }
            return parse(variable, value, parser);
        }

        <T> Optional<T> optional(EnvironmentVariable variable, Parser<T> parser) {
            String value = environment.get(variable.name());
            if (value == null || value.isEmpty()) {
                return Optional.empty();
            }
            return Optional.ofNullable(parse(variable, value, parser));
        }

        private <T> T parse(EnvironmentVariable variable, String value, Parser<T> parser) {
            try {
                return parser.parse(value);
            } catch (InvalidInput e) {
                problems.add(variable.name() + "=" + quote(value) + ": " + e.getMessage());
                return null;
            }
        }

        private static String quote(String value) {
            String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                out.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            return out.append('"').toString();
        }
    }
}
