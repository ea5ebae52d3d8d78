package dev.meshfed.store.embedded.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.stream.events.StreamSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stream of one DC's replica of one table together with its event source mapping: changes
 * come in as a {@link ChangeSink}, become DynamoDB stream records (through
 * {@link StreamRecords}, with this feed's sequence numbers) and go to the one
 * {@link StreamSubscriber} the way Lambda polls one shard:
 *
 * <ul>
 *   <li>in stream order, in batches of up to {@code batchSize} records, one batch at a time;
 *   <li>a reported failure acknowledges the records before the lowest failed sequence number and
 *       retries from that record (with whatever records follow it, up to a batch); a thrown
 *       exception, or a failure that names no record of the batch, fails the whole batch;
 *   <li>after {@code maximumRetryAttempts} failed retries at the same record, that record and the
 *       rest of its batch are given up: a {@link FailedBatch} describing them (not their content)
 *       goes to the on-failure destination and the feed moves on; records older than
 *       {@code maximumRecordAge} are given up the same way;
 *   <li>records stay in the feed until acknowledged or given up: nothing is lost, paused or not.
 * </ul>
 *
 * <p>Delivery is driven either by the caller, {@link #deliverAvailable()} (deterministic, for
 * tests and harnesses), or by a background thread ({@link #start()}, {@link #close()}). Either
 * way at most one batch is in flight. Retries wait {@code retryBackoff}, doubling up to its
 * maximum, measured on the feed's clock. All methods are thread-safe; producers never wait for
 * the subscriber.
 */
public final class StreamFeed implements ChangeSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamFeed.class.getName());

    /** Lambda's default and meshfed's batch size. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Lambda's largest batch for DynamoDB streams. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Retries before giving a record up ({@code -1}: forever, Lambda's default; meshfed bounds them). */
    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 10;
    /** First wait before a retry; it doubles with each failed attempt. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    /** Longest wait before a retry. */
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);
    /** How often the background thread looks at the clock while a retry waits. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(20);

    private final Table table;
    private final String datacenter;
    private final StreamSource source;
    private final String shardId;
    private final StreamSubscriber subscriber;
    private final int batchSize;
    private final int maximumRetryAttempts;
    private final Duration maximumRecordAge;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final boolean duplicateDelivery;
    private final Consumer<FailedBatch> onFailure;
    private final Clock clock;
    private final Duration pollInterval;

    /** Guards every field below; never held while the subscriber runs. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** One batch in flight: held while the subscriber runs. */
    private final ReentrantLock delivery = new ReentrantLock();

    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final List<FailedBatch> failures = new ArrayList<>();
    private long nextIndex = 1;
    private boolean paused;
    private String failingSequenceNumber;
    private int failedAttempts;
    private Instant retryNotBefore;
    private long accepted;
    private long acknowledged;
    private long givenUp;
    private long invocations;
    private long duplicates;
    private Thread worker;
    private boolean running;

    /** One record of the stream: immutable, turned into a fresh Lambda record on each delivery. */
    private record Entry(String sequenceNumber, StoredItem oldImage, StoredItem newImage, Instant at) {
    }

    /** The outcome of one invocation: how many leading records are done, and whether all are. */
    private record Attempt(int acknowledged, boolean succeeded) {
    }

    private StreamFeed(Builder b) {
        this.table = b.table;
        this.datacenter = b.datacenter;
        this.source = b.source;
        this.subscriber = b.subscriber;
        this.batchSize = b.batchSize;
        this.maximumRetryAttempts = b.maximumRetryAttempts;
        this.maximumRecordAge = b.maximumRecordAge;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        this.duplicateDelivery = b.duplicateDelivery;
        this.onFailure = b.onFailure;
        this.clock = b.clock;
        this.pollInterval = b.pollInterval;
        this.shardId = String.format("shardId-%020d-%08x", clock.millis(),
                (table.name() + "/" + datacenter + "/" + source.arn()).hashCode());
    }

    /**
     * Starts a feed for {@code datacenter}'s replica of {@code table} (a streamed, global table).
     *
     * @param source the stream's region, table name and label (its records' ARN)
     */
    public static Builder builder(Table table, String datacenter, StreamSource source, StreamSubscriber subscriber) {
        return new Builder(table, datacenter, source, subscriber);
    }

    // ---------------------------------------------------------------------------------------
    // producing

    /**
     * Appends the record for {@code change} with the next sequence number. Never waits for the
     * subscriber.
     *
     * @throws IllegalArgumentException when the change is for another table or DC
     */
    @Override
    public void accept(Change change) {
        Objects.requireNonNull(change, "change");
        if (change.table() != table || !change.datacenter().equals(datacenter)) {
            throw new IllegalArgumentException("change of " + change.table() + " in " + change.datacenter()
                    + " sent to the stream of " + table + " in " + datacenter);
        }
        lock.lock();
        try {
            pending.addLast(new Entry(sequenceNumber(nextIndex++), change.oldImage(), change.newImage(), change.at()));
            accepted++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The n-th sequence number: 21 digits, so numeric and text order agree. */
    static String sequenceNumber(long n) {
        return String.format("1%020d", n);
    }

    // ---------------------------------------------------------------------------------------
    // delivering

    /**
     * Delivers what can be delivered now, in the calling thread: batch after batch while records
     * are pending, the feed is not paused and no retry is waiting for its backoff. A batch that
     * fails (and is not given up) ends the call, so each call makes at most one attempt at a
     * failing record; call again (after the backoff) to retry. Returns 0 at once if called from
     * inside the subscriber.
     *
     * @return how many records left the feed in this call: acknowledged by the subscriber or given
     *     up to the on-failure destination (duplicate deliveries are not counted)
     */
    public int deliverAvailable() {
        if (delivery.isHeldByCurrentThread()) {
            return 0; // the subscriber called back in: one batch at a time
        }
        delivery.lock();
        try {
            int done = 0;
            while (true) {
                List<Entry> batch = null;
                List<FailedBatch> givenUpNow = new ArrayList<>(1);
                lock.lock();
                try {
                    if (paused || pending.isEmpty()) {
                        break;
                    }
                    Instant now = clock.instant();
                    if (retryNotBefore != null && now.isBefore(retryNotBefore)) {
                        break;
                    }
                    done += giveUpAged(now, givenUpNow);
                    if (!pending.isEmpty()) {
                        batch = new ArrayList<>(Math.min(batchSize, pending.size()));
                        Iterator<Entry> it = pending.iterator();
                        while (batch.size() < batchSize && it.hasNext()) {
                            batch.add(it.next());
                        }
                        invocations++;
                    }
                } finally {
                    lock.unlock();
                }
                notifyDestination(givenUpNow);
                if (batch == null) {
                    break;
                }

                Attempt attempt = invoke(batch);

                boolean stop = false;
                lock.lock();
                try {
                    // Only delivery removes records and delivery is serial: the batch is still the head.
                    for (int i = 0; i < attempt.acknowledged(); i++) {
                        pending.removeFirst();
                    }
                    acknowledged += attempt.acknowledged();
                    done += attempt.acknowledged();
                    if (attempt.succeeded()) {
                        clearFailure();
                    } else {
                        Entry failing = batch.get(attempt.acknowledged());
                        if (failing.sequenceNumber().equals(failingSequenceNumber)) {
                            failedAttempts++;
                        } else {
                            failingSequenceNumber = failing.sequenceNumber();
                            failedAttempts = 1;
                        }
                        if (maximumRetryAttempts >= 0 && failedAttempts > maximumRetryAttempts) {
                            List<Entry> rest = batch.subList(attempt.acknowledged(), batch.size());
                            givenUpNow.add(giveUp(rest, FailedBatch.Condition.RETRY_ATTEMPTS_EXHAUSTED, failedAttempts));
                            done += rest.size();
                        } else {
                            retryNotBefore = clock.instant().plus(backoff(failedAttempts));
                            stop = true;
                        }
                    }
                } finally {
                    lock.unlock();
                }
                notifyDestination(givenUpNow);
                if (duplicateDelivery && attempt.acknowledged() > 0) {
                    deliverAgain(batch.subList(0, attempt.acknowledged()));
                }
                if (stop) {
                    break;
                }
            }
            return done;
        } finally {
            delivery.unlock();
        }
    }

    private Attempt invoke(List<Entry> batch) {
        List<DynamodbEvent.DynamodbStreamRecord> records = records(batch);
        BatchResult result;
        try {
            result = subscriber.handle(records);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            // In Lambda a function error fails the batch; the shard is not stopped.
            LOG.log(Level.WARNING, t, () -> "stream batch failed: function error dc=" + datacenter + " table=" + table
                    + " first=" + batch.get(0).sequenceNumber() + " size=" + batch.size() + " error=" + t.getClass().getSimpleName());
            return new Attempt(0, false);
        }
        if (result == null || result.succeeded()) {
            return new Attempt(batch.size(), true);
        }
        Map<String, Integer> position = new HashMap<>(batch.size() * 2);
        for (int i = 0; i < batch.size(); i++) {
            position.put(batch.get(i).sequenceNumber(), i);
        }
        int lowest = batch.size();
        for (String id : result.failedSequenceNumbers()) {
            Integer i = id == null ? null : position.get(id);
            if (i == null) {
                LOG.warning(() -> "stream batch failed: a batch item failure names no record of the batch dc=" + datacenter
                        + " table=" + table + " first=" + batch.get(0).sequenceNumber() + " size=" + batch.size());
                return new Attempt(0, false);
            }
            lowest = Math.min(lowest, i);
        }
        int from = lowest;
        LOG.fine(() -> "stream batch partly failed dc=" + datacenter + " table=" + table + " retryFrom="
                + batch.get(from).sequenceNumber());
        return new Attempt(lowest, false);
    }

    /** The duplicate-delivery option: the acknowledged records once more; whatever happens is ignored. */
    private void deliverAgain(List<Entry> done) {
        lock.lock();
        try {
            duplicates += done.size();
        } finally {
            lock.unlock();
        }
        try {
            subscriber.handle(records(done));
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(Level.FINE, t, () -> "duplicate delivery failed (ignored) dc=" + datacenter + " table=" + table);
        }
    }

    private List<DynamodbEvent.DynamodbStreamRecord> records(List<Entry> entries) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            records.add(StreamRecords.record(source, e.sequenceNumber(), e.oldImage(), e.newImage(), e.at()));
        }
        return Collections.unmodifiableList(records);
    }

    /** Gives up leading records older than the maximum age, at most a batch at a time. Lock held. */
    private int giveUpAged(Instant now, List<FailedBatch> givenUpNow) {
        if (maximumRecordAge == null) {
            return 0;
        }
        List<Entry> aged = new ArrayList<>();
        for (Entry e : pending) {
            if (aged.size() == batchSize || Duration.between(e.at(), now).compareTo(maximumRecordAge) <= 0) {
                break;
            }
            aged.add(e);
        }
        if (aged.isEmpty()) {
            return 0;
        }
        int invokes = aged.get(0).sequenceNumber().equals(failingSequenceNumber) ? failedAttempts : 0;
        givenUpNow.add(giveUp(aged, FailedBatch.Condition.RECORD_AGE_EXCEEDED, invokes));
        return aged.size();
    }

    /**
     * Drops {@code entries} (the head of the feed) and records them as AWS would; the caller
     * passes the result to {@link #notifyDestination} once the lock is released. Lock held.
     */
    private FailedBatch giveUp(List<Entry> entries, FailedBatch.Condition condition, int invokeCount) {
        Entry first = entries.get(0);
        Entry last = entries.get(entries.size() - 1);
        FailedBatch failed = new FailedBatch(condition, shardId, source.arn(), first.sequenceNumber(), last.sequenceNumber(),
                entries.size(), first.at().truncatedTo(ChronoUnit.SECONDS), last.at().truncatedTo(ChronoUnit.SECONDS),
                invokeCount, clock.instant());
        for (int i = 0; i < entries.size(); i++) {
            pending.removeFirst();
        }
        givenUp += entries.size();
        failures.add(failed);
        clearFailure();
        LOG.warning(() -> "stream records given up dc=" + datacenter + " table=" + table + " condition=" + condition.wireName()
                + " start=" + failed.startSequenceNumber() + " end=" + failed.endSequenceNumber() + " size=" + failed.batchSize()
                + " invokes=" + invokeCount);
        return failed;
    }

    /** Hands given-up batches to the on-failure destination, outside the lock. */
    private void notifyDestination(List<FailedBatch> batches) {
        for (FailedBatch f : batches) {
            try {
                onFailure.accept(f);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "on-failure destination failed dc=" + datacenter + " table=" + table);
            }
        }
        batches.clear();
    }

    private void clearFailure() {
        failingSequenceNumber = null;
        failedAttempts = 0;
        retryNotBefore = null;
    }

    private Duration backoff(int attempts) {
        Duration d = retryBackoff;
        for (int i = 1; i < attempts && d.compareTo(maxRetryBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : d;
    }

    // ---------------------------------------------------------------------------------------
    // control

    /** Stops delivery after the batch in flight; changes are still accepted and kept. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /** Resumes delivery; what was kept flows in order. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a background thread that delivers as soon as records arrive (and retries after their
     * backoff) until {@link #close()}.
     *
     * @throws IllegalStateException when already started
     */
    public void start() {
        lock.lock();
        try {
            if (worker != null) {
                throw new IllegalStateException("stream feed already started: " + table + " in " + datacenter);
            }
            running = true;
            worker = new Thread(this::run, "stream-feed-" + datacenter + "-" + table.name().toLowerCase(java.util.Locale.ROOT));
            worker.setDaemon(true);
            worker.start();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            lock.lock();
            try {
                while (running && !deliverable()) {
                    changed.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
                }
                if (!running) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                deliverAvailable();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, e, () -> "stream feed delivery failed dc=" + datacenter + " table=" + table);
                sleepQuietly();
            }
        }
    }

    /** Something can be delivered now. Lock held. */
    private boolean deliverable() {
        return !paused && !pending.isEmpty() && (retryNotBefore == null || !clock.instant().isBefore(retryNotBefore));
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(pollInterval.toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the background thread, waiting up to five seconds for a batch in flight. Records not
     * yet acknowledged stay in the feed. Idempotent; synchronous delivery still works afterwards.
     */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            running = false;
            changed.signalAll();
            t = worker;
            worker = null;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warning(() -> "stream feed thread still busy after close dc=" + datacenter + " table=" + table);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // status

    /** Records accepted and neither acknowledged nor given up. */
    public int pending() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Every batch given up so far, oldest first (also sent to the on-failure destination). */
    public List<FailedBatch> failures() {
        lock.lock();
        try {
            return List.copyOf(failures);
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the feed's counters. */
    public Status status() {
        lock.lock();
        try {
            return new Status(table, datacenter, source.arn(), shardId, pending.size(), accepted, acknowledged, givenUp,
                    invocations, duplicates, paused, failingSequenceNumber, failedAttempts);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A feed's counters.
     *
     * @param pending records waiting (acknowledged and given-up records have left)
     * @param accepted changes taken in
     * @param acknowledged records the subscriber acknowledged
     * @param givenUp records given up to the on-failure destination
     * @param invocations batches handed to the subscriber, retries included, duplicates not
     * @param duplicates records delivered again by the duplicate-delivery option
     * @param failingSequenceNumber the record a retry will start from, or null
     * @param failedAttempts failed attempts so far at that record
     */
    public record Status(Table table, String datacenter, String streamArn, String shardId, int pending, long accepted,
            long acknowledged, long givenUp, long invocations, long duplicates, boolean paused, String failingSequenceNumber,
            int failedAttempts) {
    }

    /** The stream's ARN, as in its records. */
    public String streamArn() {
        return source.arn();
    }

    /** The shard ID in this feed's {@link FailedBatch}es. */
    public String shardId() {
        return shardId;
    }

    // ---------------------------------------------------------------------------------------

    /** Options of a feed; the defaults are meshfed's event source mapping settings. */
    public static final class Builder {
        private final Table table;
        private final String datacenter;
        private final StreamSource source;
        private final StreamSubscriber subscriber;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maximumRetryAttempts = DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
        private Duration maximumRecordAge;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
        private boolean duplicateDelivery;
        private Consumer<FailedBatch> onFailure = f -> { };
        private Clock clock = Clock.systemUTC();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder(Table table, String datacenter, StreamSource source, StreamSubscriber subscriber) {
            this.table = Objects.requireNonNull(table, "table");
            if (!table.global()) {
                throw new IllegalArgumentException("the " + table + " table has no stream");
            }
            this.datacenter = Objects.requireNonNull(datacenter, "datacenter");
            this.source = Objects.requireNonNull(source, "source");
            this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        }

        /** Records per batch, 1 to {@value #MAX_BATCH_SIZE}. */
        public Builder batchSize(int n) {
            if (n < 1 || n > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("batch size must be 1 to " + MAX_BATCH_SIZE + ": " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Failed retries at one record before it is given up; {@code -1} retries forever. */
        public Builder maximumRetryAttempts(int n) {
            if (n < -1) {
                throw new IllegalArgumentException("maximum retry attempts must be -1 or more: " + n);
            }
            this.maximumRetryAttempts = n;
            return this;
        }

        /** Records older than this (from their creation time) are given up; null (the default) never. */
        public Builder maximumRecordAge(Duration age) {
            if (age != null && age.isNegative()) {
                throw new IllegalArgumentException("maximum record age must not be negative");
            }
            this.maximumRecordAge = age;
            return this;
        }

        /** Wait before the first retry, doubling per failed attempt up to {@code max}; zero for none. */
        public Builder retryBackoff(Duration first, Duration max) {
            if (first.isNegative() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("retry backoff must be 0 <= first <= max");
            }
            this.retryBackoff = first;
            this.maxRetryBackoff = max;
            return this;
        }

        /** Delivers every acknowledged batch once more, to show handlers cope with at-least-once delivery. */
        public Builder duplicateDelivery(boolean on) {
            this.duplicateDelivery = on;
            return this;
        }

        /** Where given-up batches are described (an SQS queue or SNS topic in AWS). */
        public Builder onFailure(Consumer<FailedBatch> destination) {
            this.onFailure = Objects.requireNonNull(destination, "destination");
            return this;
        }

        /** The clock for creation times of the shard, retry backoff, record age and failure timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often the background thread re-reads the clock while a retry waits. */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive");
            }
            this.pollInterval = interval;
            return this;
        }

        public StreamFeed build() {
            return new StreamFeed(this);
        }
    }
}
