package dev.meshfed.lambda;

import dev.meshfed.app.ca.AgentLeaf;
import dev.meshfed.app.ca.CaAdmin;
import dev.meshfed.app.ca.FetchRoots;
import dev.meshfed.app.ca.RootsJson;
import dev.meshfed.app.ca.SignCsr;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reflection registration, for a native image, of every meshfed type that crosses a JSON boundary
 * through {@code dev.meshfed.app.http.Json} (one Jackson {@code ObjectMapper}, used by reflection:
 * record constructors, accessors and the {@code @JsonProperty} names on their components).
 *
 * <p>On the JVM this class does nothing. In a native image, a type Jackson introspects but that is
 * not registered has no constructors, methods or fields to find: it would fail at run time
 * ("no serializer/creator found"), which no JVM test shows. The {@code app} module stays free of
 * Quarkus, so the registration lives here, beside the Funqy shims.
 *
 * <p>What is not here, and why:
 * <ul>
 *   <li>the Funqy boundary (the {@code @Funq} parameter and return types, such as
 *       {@code APIGatewayV2HTTPEvent} and {@code DynamodbEvent.DynamodbStreamRecord}): Quarkus' Funqy
 *       extension registers their type hierarchies itself;</li>
 *   <li>{@code Map}, {@code List}, {@code String}, {@code BigInteger}, {@code JsonNode}: Jackson's
 *       own (de)serialisers handle them without bean introspection;</li>
 *   <li>stored items (store-dynamodb, store-embedded, core codecs, stream-events): they are encoded
 *       by hand, without Jackson.</li>
 * </ul>
 *
 * <p>{@code NativeReflectionTest} discovers the JSON-boundary types on its own (Jackson annotations
 * on the compiled classes, the types reachable from them, and every bean type the mapper
 * introspects while the checked-in Lambda events are processed) and fails if one is missing here,
 * or if something listed here is no longer at a JSON boundary. {@code ignoreNested = true} keeps the
 * registration exactly this list. Types the {@code lambda} module cannot name (package-private in
 * {@code app}) are listed by binary name in {@code classNames}; the test loads each one, so a
 * renamed type fails the build like a stale class literal would.
 */
@RegisterForReflection(ignoreNested = true, targets = {
        // fetch-roots: GET /v1/connect/ca/roots, /v1/agent/connect/ca/roots, /v1/agent/self
        RootsJson.class,
        RootsJson.Root.class,
        FetchRoots.AgentSelf.class,
        FetchRoots.AgentSelf.Config.class,
        // sign-csr: POST /v1/connect/ca/sign, and the agent leaf built on it
        SignCsr.SignRequest.class,
        SignCsr.SignResponse.class,
        AgentLeaf.ManagedLeafResponse.class,
        // ca-admin: federation membership and replication status
        CaAdmin.MemberJson.class,
        CaAdmin.Replication.class,
        CaAdmin.Signer.class,
}, classNames = {
        // intentions-api (package-private in dev.meshfed.app.intentions)
        "dev.meshfed.app.intentions.IntentionsJson$IntentionBody",
        "dev.meshfed.app.intentions.IntentionsJson$AuthorizeBody",
        "dev.meshfed.app.intentions.IntentionsJson$AuthorizeOut",
        "dev.meshfed.app.intentions.IntentionsJson$CheckOut",
        "dev.meshfed.app.intentions.IntentionsJson$IdOut",
        "dev.meshfed.app.intentions.IntentionsJson$IntentionOut",
        // ACL API (package-private in dev.meshfed.app.acl)
        "dev.meshfed.app.acl.AclJson$PolicyBody",
        "dev.meshfed.app.acl.AclJson$PolicyLink",
        "dev.meshfed.app.acl.AclJson$ServiceIdentity",
        "dev.meshfed.app.acl.AclJson$TokenBody",
        "dev.meshfed.app.acl.AclJson$PolicyOut",
        "dev.meshfed.app.acl.AclJson$PolicyStub",
        "dev.meshfed.app.acl.AclJson$TokenOut",
})
public final class NativeReflection {

    private NativeReflection() {
    }
}
