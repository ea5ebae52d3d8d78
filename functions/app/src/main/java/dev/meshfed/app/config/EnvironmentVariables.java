package dev.meshfed.app.config;

import java.util.List;

/**
 * Every environment variable meshfed's functions read, declared once. SAM and Terraform set
 * exactly these (a test will check them against {@link #ALL}); {@link DcConfig#fromEnvironment}
 * reads nothing else.
 */
public final class EnvironmentVariables {

    public static final EnvironmentVariable MESHFED_DC = new EnvironmentVariable("MESHFED_DC", true,
            "this datacenter's name, ^[a-z0-9][a-z0-9-]{0,62}$");
    public static final EnvironmentVariable MESHFED_PRIMARY_DC = new EnvironmentVariable("MESHFED_PRIMARY_DC", true,
            "the primary datacenter's name; equal to MESHFED_DC in the primary");
    public static final EnvironmentVariable MESHFED_TABLE_CA = new EnvironmentVariable("MESHFED_TABLE_CA", true,
            "the CA table (global) in this region");
    public static final EnvironmentVariable MESHFED_TABLE_INTENTIONS = new EnvironmentVariable("MESHFED_TABLE_INTENTIONS", true,
            "the intentions table (global) in this region");
    public static final EnvironmentVariable MESHFED_TABLE_PRIVATE = new EnvironmentVariable("MESHFED_TABLE_PRIVATE", true,
            "this DC's private table (regional)");
    public static final EnvironmentVariable MESHFED_KMS_KEY_ID = new EnvironmentVariable("MESHFED_KMS_KEY_ID", true,
            "the region's KMS key: key ID, key ARN, alias name or alias ARN");
    public static final EnvironmentVariable MESHFED_REGION = new EnvironmentVariable("MESHFED_REGION", true,
            "the AWS region this DC runs in, for example eu-west-1");
    public static final EnvironmentVariable MESHFED_MAX_BLOCKING_WAIT = new EnvironmentVariable("MESHFED_MAX_BLOCKING_WAIT", false,
            "cap on a blocking read's wait, a Go duration from 1s to 25s; default 10s");
    public static final EnvironmentVariable MESHFED_ACL = new EnvironmentVariable("MESHFED_ACL", false,
            "on or off; default on");
    public static final EnvironmentVariable MESHFED_DYNAMODB_ENDPOINT = new EnvironmentVariable("MESHFED_DYNAMODB_ENDPOINT", false,
            "an http(s) URL overriding DynamoDB's regional endpoint (tests against dynalite); default none");

    public static final EnvironmentVariable MESHFED_PRIMARY_API_URL = new EnvironmentVariable("MESHFED_PRIMARY_API_URL",
            false, "the primary's HTTP API base URL (https), where a secondary forwards primary-owned writes;"
                    + " required in a secondary, unused in the primary");

    /** Every variable, in documentation order. */
    public static final List<EnvironmentVariable> ALL = List.of(
            MESHFED_DC, MESHFED_PRIMARY_DC, MESHFED_TABLE_CA, MESHFED_TABLE_INTENTIONS, MESHFED_TABLE_PRIVATE,
            MESHFED_KMS_KEY_ID, MESHFED_REGION, MESHFED_MAX_BLOCKING_WAIT, MESHFED_ACL, MESHFED_DYNAMODB_ENDPOINT,
            MESHFED_PRIMARY_API_URL);

    private EnvironmentVariables() {
    }

    /** The names of {@link #ALL}. */
    public static List<String> names() {
        return ALL.stream().map(EnvironmentVariable::name).toList();
    }
}
