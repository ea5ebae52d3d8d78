package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Replicates one global table between the embedded replicas of several DCs the way DynamoDB
 * global tables do: every committed write reaches every other replica asynchronously, after a
 * configurable delay, in commit order per source (so in order per item), and is applied there
 * only if its hidden write stamp is later than the replica's (last writer wins).
 *
 * <p>A paused DC (a partition) neither sends nor receives; its changes queue up and flow, in
 * order, when it is resumed. Delivery is driven by {@link #deliverDue()} (tests call it for
 * determinism; {@code meshfed dev} runs it on a background thread), against the injected clock.
 */
public final class GlobalTableReplicator {

    private record Pending(Replicated change, Instant dueAt) {
    }

    private final Table table;
    private final Clock clock;
    private final Map<String, EmbeddedTable> replicas = new LinkedHashMap<>();
    /** target DC -> source DC -> FIFO of pending changes. */
    private final Map<String, Map<String, Deque<Pending>>> links = new LinkedHashMap<>();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Serialises delivery so that two drivers never reorder a link; never held with queueLock while applying. */
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private volatile Duration delay = Duration.ZERO;
    private long delivered;

    public GlobalTableReplicator(Table table, Clock clock) {
        if (!table.global()) {
            throw new IllegalArgumentException(table + " is not a global table");
        }
        this.table = table;
        this.clock = clock;
    }

    public Table table() {
        return table;
    }

    /**
     * Adds a DC's replica; its writes from now on replicate to every other replica. Like adding a
     * replica region to a global table, the new replica is first seeded with what an existing
     * replica holds.
     */
    public void addReplica(EmbeddedTable replica) {
        if (replica.table() != table) {
            throw new IllegalArgumentException("replica of " + replica.table() + " added to " + table);
        }
        deliveryLock.lock();
        try {
            EmbeddedTable seed;
            queueLock.lock();
            try {
                seed = replicas.isEmpty() ? null : replicas.values().iterator().next();
                String dc = replica.datacenter();
                replicas.put(dc, replica);
                links.put(dc, new LinkedHashMap<>());
                replica.replicateTo(r -> enqueue(dc, r));
            } finally {
                queueLock.unlock();
            }
            if (seed != null) {
                seed.replicationSnapshot().forEach(replica::applyReplicated);
            }
        } finally {
            deliveryLock.unlock();
        }
    }

    /**
     * Makes every replica hold, for every key any replica holds, the version with the latest write
     * stamp (deletion markers included), applied through the same last-writer-wins path as
     * replication (so a durable replica journals it). A durable federation runs this on open: a
     * write acknowledged in one DC whose replication was still queued when the process died
     * reaches the others. Queued changes are not touched.
     *
     * @return how many slots changed
     */
    public int antiEntropy() {
        deliveryLock.lock();
        try {
            List<EmbeddedTable> all;
            queueLock.lock();
            try {
                all = List.copyOf(replicas.values());
            } finally {
                queueLock.unlock();
            }
            int applied = 0;
            for (EmbeddedTable source : all) {
                List<Replicated> slots = source.replicationSnapshot();
                for (EmbeddedTable target : all) {
                    if (target != source) {
                        for (Replicated r : slots) {
                            applied += target.applyReplicated(r) ? 1 : 0;
                        }
                    }
                }
            }
            return applied;
        } finally {
            deliveryLock.unlock();
        }
    }

    public void setDelay(Duration delay) {
        this.delay = delay;
    }

    /** Stops replication to and from {@code dc}; changes queue up. */
    public void pause(String dc) {
        paused.add(dc);
    }

    /** Resumes replication for {@code dc}; queued changes flow in order on the next delivery. */
    public void resume(String dc) {
        paused.remove(dc);
    }

    public boolean isPaused(String dc) {
        return paused.contains(dc);
    }

    private void enqueue(String source, Replicated change) {
        queueLock.lock();
        try {
            Instant due = clock.instant().plus(delay);
            for (Map.Entry<String, Map<String, Deque<Pending>>> target : links.entrySet()) {
                if (!target.getKey().equals(source)) {
                    target.getValue().computeIfAbsent(source, s -> new ArrayDeque<>()).add(new Pending(change, due));
                }
            }
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Applies every queued change that is due now on a link between two unpaused DCs.
     *
     * @return how many changes were delivered (applied or discarded by last-writer-wins)
     */
    public int deliverDue() {
        deliveryLock.lock();
        try {
            int count = 0;
            Instant now = clock.instant();
            for (String target : targets()) {
                for (String source : sources(target)) {
                    while (true) {
                        Pending next = pollDue(target, source, now);
                        if (next == null) {
                            break;
                        }
                        replicas.get(target).applyReplicated(next.change());
                        count++;
                    }
                }
            }
            delivered += count;
            return count;
        } finally {
            deliveryLock.unlock();
        }
    }

    private Pending pollDue(String target, String source, Instant now) {
        queueLock.lock();
        try {
            if (paused.contains(target) || paused.contains(source)) {
                return null;
            }
            Deque<Pending> q = links.get(target).get(source);
            if (q == null || q.isEmpty() || q.peekFirst().dueAt().isAfter(now)) {
                return null;
            }
            return q.pollFirst();
        } finally {
            queueLock.unlock();
        }
    }

    private java.util.List<String> targets() {
        queueLock.lock();
        try {
            return java.util.List.copyOf(links.keySet());
        } finally {
            queueLock.unlock();
        }
    }

    private java.util.List<String> sources(String target) {
        queueLock.lock();
        try {
            return java.util.List.copyOf(links.get(target).keySet());
        } finally {
            queueLock.unlock();
        }
    }

    /** Changes still queued (due or not, paused or not). */
    public int pending() {
        queueLock.lock();
        try {
            return links.values().stream().flatMap(m -> m.values().stream()).mapToInt(Deque::size).sum();
        } finally {
            queueLock.unlock();
        }
    }

    /** Changes queued for {@code target}, and the oldest one's due time: replication lag inputs. */
    public int pendingFor(String target) {
        queueLock.lock();
        try {
            return links.getOrDefault(target, Map.of()).values().stream().mapToInt(Deque::size).sum();
        } finally {
            queueLock.unlock();
        }
    }

    /** The earliest due time of a queued change on an unpaused link, or null. */
    public Instant nextDue() {
        queueLock.lock();
        try {
            Instant min = null;
            for (Map.Entry<String, Map<String, Deque<Pending>>> t : links.entrySet()) {
                for (Map.Entry<String, Deque<Pending>> s : t.getValue().entrySet()) {
                    if (paused.contains(t.getKey()) || paused.contains(s.getKey()) || s.getValue().isEmpty()) {
                        continue;
                    }
                    Instant d = s.getValue().peekFirst().dueAt();
                    min = min == null || d.isBefore(min) ? d : min;
                }
            }
            return min;
        } finally {
            queueLock.unlock();
        }
    }

    /** Total changes delivered so far. */
    public long delivered() {
        deliveryLock.lock();
        try {
            return delivered;
        } finally {
            deliveryLock.unlock();
        }
    }
}
