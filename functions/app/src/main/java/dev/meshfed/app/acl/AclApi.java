package dev.meshfed.app.acl;

import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.auth.Caller;
import dev.meshfed.app.auth.Token;
import dev.meshfed.app.http.ConsulHeaders;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.acl.AclPolicy;
import dev.meshfed.core.acl.AclRequests.CreatedToken;
import dev.meshfed.core.acl.AclRequests.PolicyRef;
import dev.meshfed.core.acl.AclRequests.PolicyRequest;
import dev.meshfed.core.acl.AclRequests.TokenRequest;
import dev.meshfed.core.acl.AclService;
import dev.meshfed.core.acl.AclToken;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.store.Versioned;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The ACL endpoints of api.md ("ACL tokens and policies"), part of {@code ca-admin}: bootstrap,
 * policy and token CRUD, token self. Reads need {@code acl:read}, writes {@code acl:write}, token
 * self only a valid token. Writes run in the primary; a secondary's are forwarded to it before they
 * reach this class ({@code PrimaryWrites}), so one arriving here in a secondary is a 503.
 *
 * <p>With ACLs off every endpoint answers Consul's 401 {@code ACL support disabled}.
 */
public final class AclApi implements HttpFunction {

    public static final String BOOTSTRAP = "/v1/acl/bootstrap";
    public static final String POLICY = "/v1/acl/policy";
    public static final String POLICIES = "/v1/acl/policies";
    public static final String POLICY_BY_NAME = "/v1/acl/policy/name/{name}";
    public static final String POLICY_BY_ID = "/v1/acl/policy/{id}";
    public static final String TOKEN = "/v1/acl/token";
    public static final String TOKENS = "/v1/acl/tokens";
    public static final String TOKEN_SELF = "/v1/acl/token/self";
    public static final String TOKEN_BY_ACCESSOR = "/v1/acl/token/{accessor}";
    /** Consul's answer on every ACL endpoint while ACLs are disabled. */
    public static final String DISABLED = "ACL support disabled";

    private static final System.Logger LOG = System.getLogger(AclApi.class.getName());

    private final AclService acls;
    private final Authorizer authorizer;
    private final LongSupplier changeIndex;
    private final String localDc;
    private final String primaryDc;

    public AclApi(AclService acls, Authorizer authorizer, LongSupplier changeIndex, String localDc, String primaryDc) {
        this.acls = Objects.requireNonNull(acls, "acls");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.changeIndex = Objects.requireNonNull(changeIndex, "changeIndex");
        this.localDc = Objects.requireNonNull(localDc, "localDc");
        this.primaryDc = Objects.requireNonNull(primaryDc, "primaryDc");
    }

    /** Whether {@code template} is one of this class's routes. */
    public static boolean serves(String template) {
        return template.startsWith("/v1/acl/");
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        if (!authorizer.enforcing()) {
            return HttpResponse.text(401, DISABLED);
        }
        String method = request.method();
        Token token = Tokens.extract(request);
        return switch (match.route().template()) {
            case BOOTSTRAP -> bootstrap();
            case POLICY -> createPolicy(request, token);
            case POLICIES -> listPolicies(token);
            case POLICY_BY_NAME -> read(token, () -> AclJson.PolicyOut.of(acls.policyByName(parameter(match, "name")).value()));
            case POLICY_BY_ID -> switch (method) {
                case "PUT" -> updatePolicy(request, token, parameter(match, "id"));
                case "DELETE" -> deletePolicy(token, parameter(match, "id"));
                default -> read(token, () -> AclJson.PolicyOut.of(acls.policy(parameter(match, "id")).value()));
            };
            case TOKEN -> createToken(request, token);
            case TOKENS -> listTokens(token);
            case TOKEN_SELF -> self(token);
            case TOKEN_BY_ACCESSOR -> switch (method) {
                case "PUT" -> updateToken(request, token, parameter(match, "accessor"));
                case "DELETE" -> deleteToken(token, parameter(match, "accessor"));
                default -> read(token, () -> tokenOut(acls.token(parameter(match, "accessor")).value(), null, false));
            };
            default -> throw new IllegalArgumentException("not an ACL route: " + match.route().template());
        };
    }

    // ---- bootstrap ----------------------------------------------------------------------------

    /**
     * The first management token. No Consul token is asked for: in AWS the route is authorized by
     * AWS IAM at the gateway, and {@code meshfed dev} calls it at its first start.
     */
    private HttpResponse bootstrap() {
        if (!localDc.equals(primaryDc)) {
            throw new InvalidInput("ACL bootstrap is done in the primary datacenter " + primaryDc
                    + " and is never forwarded: send this request to the primary's API");
        }
        CreatedToken created = acls.bootstrap();
        LOG.log(System.Logger.Level.INFO, "acl bootstrap done dc=" + localDc + " accessor="
                + created.token().accessorId());
        return HttpResponse.json(200, Json.write(tokenOut(created.token(), created.secretId(), false)));
    }

    // ---- policies -----------------------------------------------------------------------------

    private HttpResponse createPolicy(HttpRequest request, Token token) {
        Accessor who = writer(token);
        AclJson.PolicyBody body = Json.read(request, AclJson.PolicyBody.class);
        if (body.id() != null && !body.id().isEmpty()) {
            throw new InvalidInput("Cannot specify a policy ID when creating a new policy");
        }
        AclPolicy created = acls.createPolicy(policyRequest(body));
        LOG.log(System.Logger.Level.INFO, "acl policy created dc=" + localDc + " id=" + created.id() + " by="
                + who.accessorId());
        return HttpResponse.json(200, Json.write(AclJson.PolicyOut.of(created)));
    }

    private HttpResponse updatePolicy(HttpRequest request, Token token, String id) {
        Accessor who = writer(token);
        AclJson.PolicyBody body = Json.read(request, AclJson.PolicyBody.class);
        if (body.id() != null && !body.id().isEmpty() && !body.id().equals(id)) {
            throw new InvalidInput("Policy ID in URL and payload do not match");
        }
        AclPolicy updated = acls.updatePolicy(id, policyRequest(body));
        LOG.log(System.Logger.Level.INFO, "acl policy updated dc=" + localDc + " id=" + id + " by=" + who.accessorId());
        return HttpResponse.json(200, Json.write(AclJson.PolicyOut.of(updated)));
    }

    private HttpResponse deletePolicy(Token token, String id) {
        Accessor who = writer(token);
        acls.deletePolicy(id);
        LOG.log(System.Logger.Level.INFO, "acl policy deleted dc=" + localDc + " id=" + id + " by=" + who.accessorId());
        return HttpResponse.json(200, "true");
    }

    private HttpResponse listPolicies(Token token) {
        authorizer.caller(token).aclRead();
        List<AclJson.PolicyStub> out = acls.policies().stream().map(Versioned::value).map(AclJson.PolicyStub::of)
                .toList();
        return ConsulHeaders.jsonRead(Json.write(out), changeIndex.getAsLong(), Duration.ZERO);
    }

    private static PolicyRequest policyRequest(AclJson.PolicyBody body) {
        return new PolicyRequest(body.name(), body.description(), body.rules(), body.datacenters());
    }


    // ---- tokens -------------------------------------------------------------------------------

    private HttpResponse createToken(HttpRequest request, Token token) {
        Accessor who = writer(token);
        CreatedToken created = acls.createToken(tokenRequest(Json.read(request, AclJson.TokenBody.class)));
        LOG.log(System.Logger.Level.INFO, "acl token created dc=" + localDc + " accessor="
                + created.token().accessorId() + " by=" + who.accessorId());
        return HttpResponse.json(200, Json.write(tokenOut(created.token(), created.secretId(), false)));
    }

    private HttpResponse updateToken(HttpRequest request, Token token, String accessor) {
        Accessor who = writer(token);
        AclToken updated = acls.updateToken(accessor, tokenRequest(Json.read(request, AclJson.TokenBody.class)));
        LOG.log(System.Logger.Level.INFO, "acl token updated dc=" + localDc + " accessor=" + accessor + " by="
                + who.accessorId());
        return HttpResponse.json(200, Json.write(tokenOut(updated, null, false)));
    }

    private HttpResponse deleteToken(Token token, String accessor) {
        Accessor who = writer(token);
        acls.deleteToken(accessor, who.accessorId());
        LOG.log(System.Logger.Level.INFO, "acl token deleted dc=" + localDc + " accessor=" + accessor + " by="
                + who.accessorId());
        return HttpResponse.json(200, "true");
    }

    private HttpResponse listTokens(Token token) {
        authorizer.caller(token).aclRead();
        List<AclJson.TokenOut> out = acls.tokens().stream().map(Versioned::value).map(t -> tokenOut(t, null, true))
                .toList();
        return ConsulHeaders.jsonRead(Json.write(out), changeIndex.getAsLong(), Duration.ZERO);
    }

    /** The caller's own token; any valid token may read itself (Consul). */
    private HttpResponse self(Token token) {
        Caller caller = authorizer.caller(token);
        String accessor = caller.accessor().accessorId();
        AclToken shown = acls.findToken(accessor).orElseGet(() -> new AclToken(accessor, "", "Anonymous Token", List.of(), List.of(),
                false, Instant.EPOCH, 0, 0));
        return ConsulHeaders.jsonRead(Json.write(tokenOut(shown, null, false)), changeIndex.getAsLong(), Duration.ZERO);
    }

    private TokenRequest tokenRequest(AclJson.TokenBody body) {
        refuseUnsupported(body);
        List<PolicyRef> refs = body.policies() == null ? List.of() : body.policies().stream()
                .map(l -> {
                    if (l == null) {
                        throw new InvalidInput("invalid JSON body: field \"Policies\": expected objects, not null");
                    }
                    return new PolicyRef(Optional.ofNullable(l.id()), Optional.ofNullable(l.name()));
                }).toList();
        List<AclToken.ServiceIdentity> ids = body.serviceIdentities() == null ? List.of()
                : body.serviceIdentities().stream().map(s -> {
                    if (s == null || s.serviceName() == null) {
                        throw new InvalidInput("Service identity is missing the service name field on this token");
                    }
                    return new AclToken.ServiceIdentity(s.serviceName(), s.datacenters());
                }).toList();
        return new TokenRequest(nonEmpty(body.accessorId()), nonEmpty(body.secretId()), body.description(), refs, ids,
                Boolean.TRUE.equals(body.local()));
    }

    private static void refuseUnsupported(AclJson.TokenBody body) {
        if (body.roles() != null && !body.roles().isEmpty()) {
            throw new InvalidInput("ACL roles are not supported by meshfed: link policies or service identities");
        }
        if (body.nodeIdentities() != null && !body.nodeIdentities().isEmpty()) {
            throw new InvalidInput("node identities are not supported by meshfed: it has no nodes");
        }
        if (body.templatedPolicies() != null && !body.templatedPolicies().isEmpty()) {
            throw new InvalidInput("templated policies are not supported by meshfed: link policies or service identities");
        }
        if ((body.expirationTime() != null && !body.expirationTime().isEmpty()) || body.expirationTtl() != null) {
            throw new InvalidInput("expiring tokens are not supported by meshfed: delete a token to revoke it");
        }
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private AclJson.TokenOut tokenOut(AclToken token, String secretId, boolean stub) {
        return AclJson.TokenOut.of(token, acls.policyNames(token), secretId, stub);
    }

    // ---- common -------------------------------------------------------------------------------

    /** {@code acl:write}, in the primary: a write reaching a secondary was not forwarded. */
    private Accessor writer(Token token) {
        Accessor who = authorizer.caller(token).aclWrite();
        if (!localDc.equals(primaryDc)) {
            throw new NotPrimary("ACL writes are made in the primary datacenter " + primaryDc
                    + ", and this one could not forward the request");
        }
        return who;
    }

    /** A read: {@code acl:read} is checked before the object is looked up, so a 404 tells nothing to a stranger. */
    private HttpResponse read(Token token, Supplier<Object> body) {
        authorizer.caller(token).aclRead();
        return ConsulHeaders.jsonRead(Json.write(body.get()), changeIndex.getAsLong(), Duration.ZERO);
    }

    private static String parameter(RouteMatch.Found match, String name) {
        return match.pathParameters().get(name);
    }
}
