package dev.meshfed.dev;

/** {@code meshfed dev}: the whole federation on one machine (local.md). */
public final class MeshfedDev {

    private MeshfedDev() {
    }

    public static void main(String[] args) {
        System.err.println("meshfed dev: not built yet");
        System.exit(2);
    }
}
