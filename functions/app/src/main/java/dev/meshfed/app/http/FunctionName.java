package dev.meshfed.app.http;

/**
 * meshfed's functions (architecture.md, "Functions and deployables"), named once. A deployable is
 * one function with one trigger kind, named {@code <function>-<trigger>}, for example
 * {@code sign-csr-http} or {@code rotate-leaves-tick}.
 */
public enum FunctionName {
    /** Signs leaf CSRs; managed leaves. HTTP. */
    SIGN_CSR("sign-csr", true),
    /** Roots (JSON and PEM), CA configuration reads, agent self. HTTP. */
    FETCH_ROOTS("fetch-roots", true),
    /** Intention CRUD, match, check and authorize. HTTP. */
    INTENTIONS_API("intentions-api", true),
    /** CA configuration writes and rotation requests, ACLs, membership, status; answers {@code $default}. HTTP. */
    CA_ADMIN("ca-admin", true),
    /** Applies intention changes to the DC's view. Stream and tick. */
    REPLICATE_INTENTIONS("replicate-intentions", false),
    /** Keeps the DC's signing chain and leaves current. Stream and tick. */
    ROTATE_LEAVES("rotate-leaves", false),
    /**
     * Not a deployable: the development controls under {@code /v1/dev/} that the local gateway of
     * {@code meshfed dev} answers itself. Never part of a deployment.
     */
    DEV_CONTROLS("dev-controls", true);

    private final String functionName;
    private final boolean http;

    FunctionName(String functionName, boolean http) {
        this.functionName = functionName;
        this.http = http;
    }

    /** The name as architecture.md writes it, for example {@code sign-csr}. */
    public String functionName() {
        return functionName;
    }

    /** Whether the function has an HTTP trigger (and so routes). */
    public boolean http() {
        return http;
    }

    /** Whether the function is deployed to AWS ({@link #DEV_CONTROLS} is not). */
    public boolean deployed() {
        return this != DEV_CONTROLS;
    }

    /** The name of this function's deployable for {@code trigger}, for example {@code sign-csr-http}. */
    public String deployable(String trigger) {
        return functionName + "-" + trigger;
    }

    @Override
    public String toString() {
        return functionName;
    }
}
