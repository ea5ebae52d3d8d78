package dev.meshfed.app.http;

import static dev.meshfed.app.http.FunctionName.CA_ADMIN;
import static dev.meshfed.app.http.FunctionName.DEV_CONTROLS;
import static dev.meshfed.app.http.FunctionName.FETCH_ROOTS;
import static dev.meshfed.app.http.FunctionName.INTENTIONS_API;
import static dev.meshfed.app.http.FunctionName.SIGN_CSR;

import java.util.List;

/**
 * The one declaration of meshfed's HTTP routes: every path of api.md that a function serves, the
 * methods it allows (the same lists as Consul's {@code registerEndpoint} calls, where Consul has the
 * path) and the function serving each. SAM, Terraform and the local gateway are checked against it
 * ({@link RouteTable#apiGatewayRoutes()}); nothing else lists routes. It also marks which methods
 * are writes owned by the primary ({@link Route#primaryOwned(String)}, architecture.md flow 6).
 */
public final class MeshfedRoutes {

    /**
     * The function behind {@code $default}, which answers Consul's plain-text 404 for an unknown
     * path. {@code ca-admin}: a flood of unknown paths then competes with administration calls only,
     * never with leaf signing, roots, blocking reads or authorize.
     */
    public static final FunctionName DEFAULT_ROUTE_FUNCTION = CA_ADMIN;

    private MeshfedRoutes() {
    }

    /** Every route, deployed and development-only, in the order of api.md. */
    public static List<Route> declare() {
        return List.of(
                // CA (api.md "CA")
                Route.of("/v1/connect/ca/roots", FETCH_ROOTS, "GET"),
                Route.of("/v1/agent/connect/ca/roots", FETCH_ROOTS, "GET"),
                // Reads are fetch-roots' (GET route), writes ca-admin's (ANY route: PUT, 405, OPTIONS).
                Route.of("/v1/connect/ca/configuration", FETCH_ROOTS, "GET").plus("PUT", CA_ADMIN)
                        .withOtherMethods(CA_ADMIN),
                Route.of("/v1/connect/ca/rotate", CA_ADMIN, "POST").withPrimaryOwned("POST"),
                Route.of("/v1/connect/ca/sign", SIGN_CSR, "POST"),
                Route.of("/v1/agent/connect/ca/leaf/{service}", SIGN_CSR, "GET"),

                // Authorization decisions
                Route.of("/v1/agent/connect/authorize", INTENTIONS_API, "POST"),

                // Intentions: the exact paths win over {id}.
                Route.of("/v1/connect/intentions", INTENTIONS_API, "GET", "POST").withPrimaryOwned("POST"),
                Route.of("/v1/connect/intentions/exact", INTENTIONS_API, "GET", "PUT", "DELETE")
                        .withPrimaryOwned("PUT", "DELETE"),
                Route.of("/v1/connect/intentions/match", INTENTIONS_API, "GET"),
                Route.of("/v1/connect/intentions/check", INTENTIONS_API, "GET"),
                Route.of("/v1/connect/intentions/{id}", INTENTIONS_API, "GET", "PUT", "DELETE")
                        .withPrimaryOwned("PUT", "DELETE"),

                // ACL tokens and policies. Writes are the primary's (forwarded from secondaries);
                // bootstrap runs in the primary only, behind IAM, and is never forwarded.
                Route.of("/v1/acl/bootstrap", CA_ADMIN, "PUT").withAwsIam(),
                Route.of("/v1/acl/policy", CA_ADMIN, "PUT").withPrimaryOwned("PUT"),
                Route.of("/v1/acl/policies", CA_ADMIN, "GET"),
                Route.of("/v1/acl/policy/name/{name}", CA_ADMIN, "GET"),
                Route.of("/v1/acl/policy/{id}", CA_ADMIN, "GET", "PUT", "DELETE").withPrimaryOwned("PUT", "DELETE"),
                Route.of("/v1/acl/token", CA_ADMIN, "PUT").withPrimaryOwned("PUT"),
                Route.of("/v1/acl/tokens", CA_ADMIN, "GET"),
                Route.of("/v1/acl/token/self", CA_ADMIN, "GET"),
                Route.of("/v1/acl/token/{accessor}", CA_ADMIN, "GET", "PUT", "DELETE").withPrimaryOwned("PUT", "DELETE"),

                // Operator (meshfed). Membership is written only in the primary, never forwarded.
                Route.of("/v1/operator/federation/datacenters", CA_ADMIN, "GET", "PUT").withAwsIam(),
                Route.of("/v1/operator/federation/enrolment", CA_ADMIN, "GET"),
                Route.of("/v1/operator/replication", CA_ADMIN, "GET"),
                Route.of("/v1/agent/self", FETCH_ROOTS, "GET"),

                // meshfed dev only (local.md)
                Route.of("/v1/dev/partition", DEV_CONTROLS, "POST"),
                Route.of("/v1/dev/heal", DEV_CONTROLS, "POST"),
                Route.of("/v1/dev/clock", DEV_CONTROLS, "POST"));
    }
}
