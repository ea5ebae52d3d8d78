package dev.meshfed.app.deploy;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What one DC's deployables called, each call attributed to the deployable being exercised when it
 * was made ({@link #as}). A call made while no deployable runs is kept under {@link #UNATTRIBUTED},
 * so a scenario that forgets to say who runs is caught instead of silently crediting nobody.
 */
public final class UseRecorder {

    /** The name calls made outside {@link #as} are recorded under. */
    public static final String UNATTRIBUTED = "(no deployable)";

    private final String dc;
    private final Map<String, Set<Use>> uses = new ConcurrentHashMap<>();
    /** One deployable runs at a time per DC: the scenario is sequential (a forwarded write runs in the other DC). */
    private volatile String current;

    public UseRecorder(String dc) {
        this.dc = Objects.requireNonNull(dc, "dc");
    }

    public String dc() {
        return dc;
    }

    /** Runs {@code work} as {@code deployable}: every call it makes in this DC is recorded as that deployable's. */
    public <T> T as(String deployable, Supplier<T> work) {
        Deployment.deployable(deployable); // only real deployables
        String before = current;
        if (before != null && !before.equals(deployable)) {
            throw new IllegalStateException(deployable + " started while " + before + " runs in " + dc);
        }
        current = deployable;
        try {
            return work.get();
        } finally {
            current = before;
        }
    }

    /** As {@link #as(String, Supplier)} for work without a result. */
    public void run(String deployable, Runnable work) {
        as(deployable, () -> {
            work.run();
            return null;
        });
    }

    void record(Use use) {
        String who = current;
        uses.computeIfAbsent(who == null ? UNATTRIBUTED : who, k -> ConcurrentHashMap.newKeySet()).add(use);
    }

    /** Every deployable's recorded uses so far, by name. */
    public Map<String, Set<Use>> uses() {
        Map<String, Set<Use>> copy = new TreeMap<>();
        uses.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        return copy;
    }

    /** The uses recorded for {@code deployable} (empty when it made none). */
    public Set<Use> uses(String deployable) {
        return Set.copyOf(uses.getOrDefault(deployable, Set.of()));
    }
}
