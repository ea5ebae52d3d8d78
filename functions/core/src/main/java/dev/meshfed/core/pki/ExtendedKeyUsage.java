package dev.meshfed.core.pki;

/** Extended key usages meshfed sets on leaves. */
public enum ExtendedKeyUsage {
    SERVER_AUTH("1.3.6.1.5.5.7.3.1"), CLIENT_AUTH("1.3.6.1.5.5.7.3.2");

    private final String oid;

    ExtendedKeyUsage(String oid) {
        this.oid = oid;
    }

    public String oid() {
        return oid;
    }
}
