package dev.meshfed.store.embedded.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.stream.events.StreamSource;
import dev.meshfed.core.clock.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamFeedTest {
    static final StreamSource SOURCE = StreamSource.of("eu-west-1", "meshfed-ca", Instant.parse("2026-05-30T09:14:03.117Z"));

    final MutableClock clock = MutableClock.atDefaultStart();
    final List<FailedBatch> destination = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeFeeds() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Records every batch (decoded) and answers with {@code answer}. */
    static final class Recorder implements StreamSubscriber {
        final List<List<DecodedChange>> batches = new CopyOnWriteArrayList<>();
        volatile Function<List<DynamodbEvent.DynamodbStreamRecord>, BatchResult> answer = b -> BatchResult.success();

        @Override
        public BatchResult handle(List<DynamodbEvent.DynamodbStreamRecord> batch) {
            batches.add(batch.stream().map(StreamRecords::decode).toList());
            return answer.apply(batch);
        }

        List<DecodedChange> all() {
            return batches.stream().flatMap(List::stream).toList();
        }

        List<Integer> sizes() {
            return batches.stream().map(List::size).toList();
        }
    }

    StreamFeed.Builder feed(StreamSubscriber subscriber) {
        return StreamFeed.builder(Table.CA, "dc1", SOURCE, subscriber)
                .clock(clock)
                .retryBackoff(Duration.ZERO, Duration.ZERO)
                .onFailure(destination::add);
    }

    static StoredItem item(String id, long version) {
        return new StoredItem(new ItemKey("dc1", "signer", id), version, Instant.parse("2026-06-01T11:00:00Z"), null,
                Map.of("n", Attr.n(version)));
    }

    /** The change that writes version {@code version} of item {@code id} (an insert for version 1). */
    Change write(String id, long version) {
        return new Change(Table.CA, "dc1", version == 1 ? null : item(id, version - 1), item(id, version), clock.instant());
    }

    static String seq(DecodedChange c) {
        return c.sequenceNumber();
    }

    static String label(DecodedChange c) {
        return c.key().id() + "@" + (c.newImage() != null ? c.newImage().version() : -c.oldImage().version());
    }

    // ---------------------------------------------------------------------------------------
    // records

    @Test
    void changesBecomeRecordsOfThisStreamWithIncreasingSequenceNumbers() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).build();
        f.accept(write("a", 1));
        f.accept(write("a", 2));
        f.accept(new Change(Table.CA, "dc1", item("a", 2), null, clock.instant()));

        assertThat(f.deliverAvailable()).isEqualTo(3);

        List<DecodedChange> got = r.all();
        assertThat(got).extracting(DecodedChange::eventName)
                .containsExactly(OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE);
        assertThat(got.get(1).oldImage()).isEqualTo(item("a", 1));
        assertThat(got.get(1).newImage()).isEqualTo(item("a", 2));
        for (int i = 1; i < got.size(); i++) {
            assertThat(StreamRecords.compareSequenceNumbers(seq(got.get(i - 1)), seq(got.get(i)))).isNegative();
        }
        assertThat(f.pending()).isZero();
        assertThat(f.streamArn()).isEqualTo(SOURCE.arn());
        assertThat(f.shardId()).matches("shardId-\\d{20}-[0-9a-f]{8}");
    }

    @Test
    void deliveredRecordsCarryTheStreamsArnRegionAndCreationTime() {
        List<DynamodbEvent.DynamodbStreamRecord> seen = new ArrayList<>();
        StreamFeed f = feed(b -> {
            seen.addAll(b);
            return BatchResult.success();
        }).build();
        clock.advance(Duration.ofMillis(1_700));
        f.accept(write("a", 1));
        f.deliverAvailable();
        DynamodbEvent.DynamodbStreamRecord rec = seen.get(0);
        assertThat(rec.getEventSourceARN()).isEqualTo(SOURCE.arn());
        assertThat(rec.getAwsRegion()).isEqualTo("eu-west-1");
        assertThat(rec.getDynamodb().getApproximateCreationDateTime().toInstant()).isEqualTo(Instant.parse("2026-06-01T12:00:01Z"));
    }

    @Test
    void orderIsKeptPerItemAcrossInterleavedItems() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(4).build();
        Random random = new Random(7);
        Map<String, Integer> versions = new HashMap<>(Map.of("a", 0, "b", 0, "c", 0));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = List.of("a", "b", "c").get(random.nextInt(3));
            int v = versions.merge(id, 1, Integer::sum);
            f.accept(write(id, v));
            expected.add(id + "@" + v);
        }
        f.deliverAvailable();
        assertThat(r.all()).extracting(StreamFeedTest::label).containsExactlyElementsOf(expected);
    }

    @Test
    void batchesHoldUpToTheBatchSize() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(100).build();
        for (int i = 1; i <= 250; i++) {
            f.accept(write("a", i));
        }
        assertThat(f.deliverAvailable()).isEqualTo(250);
        assertThat(r.sizes()).containsExactly(100, 100, 50);

        Recorder one = new Recorder();
        StreamFeed single = feed(one).batchSize(1).build();
        for (int i = 1; i <= 5; i++) {
            single.accept(write("a", i));
        }
        single.deliverAvailable();
        assertThat(one.sizes()).containsExactly(1, 1, 1, 1, 1);
        assertThatThrownBy(() -> feed(one).batchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> feed(one).batchSize(10_001)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------
    // reported failures

    @Test
    void aReportedFailureRetriesFromTheFailedRecordAndCheckpointsTheOnesBefore() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(5).build();
        for (int i = 1; i <= 5; i++) {
            f.accept(write("a", i));
        }
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() == 1 ? BatchResult.failed(b.get(2).getDynamodb().getSequenceNumber()) : BatchResult.success();

        assertThat(f.deliverAvailable()).isEqualTo(2); // a@1 and a@2 acknowledged; the call ends at the failure
        assertThat(f.pending()).isEqualTo(3);
        assertThat(f.status().failingSequenceNumber()).isEqualTo(seq(r.batches.get(0).get(2)));

        assertThat(f.deliverAvailable()).isEqualTo(3);
        assertThat(r.batches).hasSize(2);
        assertThat(r.batches.get(1)).extracting(StreamFeedTest::label).containsExactly("a@3", "a@4", "a@5");
        assertThat(f.pending()).isZero();
        assertThat(f.status().failedAttempts()).isZero();
    }

    @Test
    void theLowestOfSeveralReportedFailuresIsWhereTheRetryStarts() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).build();
        for (int i = 1; i <= 5; i++) {
            f.accept(write("a", i));
        }
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() == 1
                ? BatchResult.failed(b.get(3).getDynamodb().getSequenceNumber(), b.get(1).getDynamodb().getSequenceNumber())
                : BatchResult.success();
        assertThat(f.deliverAvailable()).isEqualTo(1);
        f.deliverAvailable();
        assertThat(r.batches.get(1)).extracting(StreamFeedTest::label).containsExactly("a@2", "a@3", "a@4", "a@5");
    }

    @Test
    void aRetriedBatchStartsAtTheFailedRecordAndFillsUpWithLaterRecords() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(3).build();
        for (int i = 1; i <= 7; i++) {
            f.accept(write("a", i));
        }
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() == 1 ? BatchResult.failed(b.get(1).getDynamodb().getSequenceNumber()) : BatchResult.success();
        f.deliverAvailable();
        f.deliverAvailable();
        assertThat(r.batches).extracting(b -> b.stream().map(StreamFeedTest::label).toList())
                .containsExactly(List.of("a@1", "a@2", "a@3"), List.of("a@2", "a@3", "a@4"), List.of("a@5", "a@6", "a@7"));
    }

    @Test
    void aThrownExceptionFailsTheWholeBatch() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).build();
        for (int i = 1; i <= 4; i++) {
            f.accept(write("a", i));
        }
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("throttled");
            }
            return BatchResult.success();
        };
        assertThat(f.deliverAvailable()).isZero();
        assertThat(f.pending()).isEqualTo(4);
        assertThat(f.deliverAvailable()).isEqualTo(4);
        assertThat(r.batches).hasSize(2);
        assertThat(r.batches.get(1)).isEqualTo(r.batches.get(0));
    }

    @Test
    void failuresNamingNoRecordOfTheBatchFailTheWholeBatchAsInLambda() {
        for (BatchResult bad : List.of(BatchResult.failed((String) null), BatchResult.failed(""), BatchResult.failed("999"))) {
            Recorder r = new Recorder();
            StreamFeed f = feed(r).build();
            f.accept(write("a", 1));
            f.accept(write("a", 2));
            AtomicInteger calls = new AtomicInteger();
            r.answer = b -> calls.incrementAndGet() == 1 ? bad : BatchResult.success();
            assertThat(f.deliverAvailable()).isZero();
            assertThat(f.deliverAvailable()).isEqualTo(2);
            assertThat(r.batches.get(1)).hasSize(2);
        }
    }

    @Test
    void lambdaResponsesAreReadAsLambdaReadsThem() {
        assertThat(BatchResult.from(null).succeeded()).isTrue();
        assertThat(BatchResult.from(new StreamsEventResponse()).succeeded()).isTrue();
        assertThat(BatchResult.from(new StreamsEventResponse(List.of())).succeeded()).isTrue();
        StreamsEventResponse response = new StreamsEventResponse(List.of(
                new StreamsEventResponse.BatchItemFailure("100000000000000000000007"), new StreamsEventResponse.BatchItemFailure(null)));
        assertThat(BatchResult.from(response).failedSequenceNumbers()).containsExactly("100000000000000000000007", null);
    }

    // ---------------------------------------------------------------------------------------
    // bounded retries and the on-failure destination

    @Test
    void afterMaximumRetriesTheFailingRecordsGoToTheDestinationAndTheFeedMovesOn() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(5).maximumRetryAttempts(2).build();
        for (int i = 1; i <= 5; i++) {
            f.accept(write(i == 3 ? "poison" : "a", i == 3 ? 1 : i));
            clock.advance(Duration.ofMillis(400));
        }
        r.answer = b -> b.stream()
                .filter(x -> x.getDynamodb().getKeys().get("sk").getS().equals("poison"))
                .findFirst()
                .map(x -> BatchResult.failed(x.getDynamodb().getSequenceNumber()))
                .orElse(BatchResult.success());

        assertThat(f.deliverAvailable()).isEqualTo(2); // attempt 1: a@1, a@2 done; poison fails
        assertThat(f.deliverAvailable()).isZero(); // retry 1
        assertThat(destination).isEmpty();
        assertThat(f.deliverAvailable()).isEqualTo(3); // retry 2 fails: poison, a@4, a@5 given up

        List<DecodedChange> lastAttempt = r.batches.get(2);
        assertThat(lastAttempt).extracting(StreamFeedTest::label).containsExactly("poison@1", "a@4", "a@5");
        assertThat(destination).hasSize(1);
        FailedBatch fb = destination.get(0);
        assertThat(fb.condition()).isEqualTo(FailedBatch.Condition.RETRY_ATTEMPTS_EXHAUSTED);
        assertThat(fb.condition().wireName()).isEqualTo("RetryAttemptsExhausted");
        assertThat(fb.startSequenceNumber()).isEqualTo(seq(lastAttempt.get(0)));
        assertThat(fb.endSequenceNumber()).isEqualTo(seq(lastAttempt.get(2)));
        assertThat(fb.batchSize()).isEqualTo(3);
        assertThat(fb.approximateInvokeCount()).isEqualTo(3);
        assertThat(fb.shardId()).isEqualTo(f.shardId());
        assertThat(fb.streamArn()).isEqualTo(SOURCE.arn());
        // creation times of the first and last record given up, to the second
        assertThat(fb.approximateArrivalOfFirstRecord()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(fb.approximateArrivalOfLastRecord()).isEqualTo(Instant.parse("2026-06-01T12:00:01Z"));
        assertThat(f.failures()).containsExactly(fb);
        assertThat(f.pending()).isZero();
        assertThat(f.status().givenUp()).isEqualTo(3);

        f.accept(write("a", 6));
        assertThat(f.deliverAvailable()).isEqualTo(1);
        assertThat(r.batches.get(3)).extracting(StreamFeedTest::label).containsExactly("a@6");
        long poisonDeliveries = r.all().stream().filter(c -> c.key().id().equals("poison")).count();
        assertThat(poisonDeliveries).isEqualTo(3); // the first attempt and two retries
    }

    @Test
    void theFailureRecordNamesPositionsNeverContent() {
        StreamFeed f = feed(b -> {
            throw new IllegalStateException("boom");
        }).maximumRetryAttempts(0).build();
        f.accept(new Change(Table.CA, "dc1", null, new StoredItem(new ItemKey("dc1", "bundle", "current"), 1,
                clock.instant(), null, Map.of("secretish", Attr.s("do-not-copy"))), clock.instant()));
        assertThat(f.deliverAvailable()).isEqualTo(1);
        String json = f.failures().get(0).toJson();
        assertThat(json).doesNotContain("do-not-copy").doesNotContain("secretish").doesNotContain("dc1#bundle");
        assertThat(json).isEqualTo("{\"requestContext\":{\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":1},"
                + "\"version\":\"1.0\",\"timestamp\":\"2026-06-01T12:00:00Z\",\"DDBStreamBatchInfo\":{\"shardId\":\"" + f.shardId()
                + "\",\"startSequenceNumber\":\"100000000000000000001\",\"endSequenceNumber\":\"100000000000000000001\","
                + "\"approximateArrivalOfFirstRecord\":\"2026-06-01T12:00:00Z\",\"approximateArrivalOfLastRecord\":\"2026-06-01T12:00:00Z\","
                + "\"batchSize\":1,\"streamArn\":\"" + SOURCE.arn() + "\"}}");
    }

    @Test
    void withThrownExceptionsTheWholeBatchIsGivenUp() {
        AtomicInteger calls = new AtomicInteger();
        StreamFeed f = feed(b -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bug");
        }).batchSize(10).maximumRetryAttempts(1).build();
        for (int i = 1; i <= 4; i++) {
            f.accept(write("a", i));
        }
        assertThat(f.deliverAvailable()).isZero();
        assertThat(f.deliverAvailable()).isEqualTo(4);
        assertThat(calls).hasValue(2);
        assertThat(destination).singleElement().satisfies(fb -> {
            assertThat(fb.batchSize()).isEqualTo(4);
            assertThat(fb.approximateInvokeCount()).isEqualTo(2);
        });
    }

    @Test
    void progressInsideABatchRestartsTheCount() {
        // Each attempt fails one record later: the checkpoint moves, so nothing is given up.
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(10).maximumRetryAttempts(1).build();
        for (int i = 1; i <= 5; i++) {
            f.accept(write("a", i));
        }
        r.answer = b -> b.size() > 1 ? BatchResult.failed(b.get(1).getDynamodb().getSequenceNumber()) : BatchResult.success();
        int total = 0;
        for (int i = 0; i < 10 && f.pending() > 0; i++) {
            total += f.deliverAvailable();
        }
        assertThat(total).isEqualTo(5);
        assertThat(destination).isEmpty();
    }

    @Test
    void zeroRetriesGiveUpAtTheFirstFailureAndMinusOneRetriesForever() {
        Recorder r = new Recorder();
        r.answer = b -> BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber());
        StreamFeed none = feed(r).maximumRetryAttempts(0).build();
        none.accept(write("a", 1));
        assertThat(none.deliverAvailable()).isEqualTo(1);
        assertThat(destination).hasSize(1);

        StreamFeed forever = feed(r).maximumRetryAttempts(-1).build();
        forever.accept(write("a", 1));
        for (int i = 0; i < 200; i++) {
            assertThat(forever.deliverAvailable()).isZero();
        }
        assertThat(forever.pending()).isEqualTo(1);
        assertThat(forever.status().failedAttempts()).isEqualTo(200);
        assertThat(destination).hasSize(1);
    }

    @Test
    void retriesWaitTheirBackoffOnTheFeedsClock() {
        Recorder r = new Recorder();
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() <= 4 ? BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber()) : BatchResult.success();
        StreamFeed f = feed(r).retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)).build();
        f.accept(write("a", 1));

        f.deliverAvailable(); // attempt 1 fails: wait 1 s
        for (long wait : new long[] {1, 2, 4, 4}) {
            clock.advance(Duration.ofSeconds(wait).minusMillis(1));
            assertThat(f.deliverAvailable()).isZero();
            int before = calls.get();
            clock.advance(Duration.ofMillis(1));
            f.deliverAvailable();
            assertThat(calls.get()).isEqualTo(before + 1);
        }
        assertThat(f.pending()).isZero();
    }

    @Test
    void recordsOlderThanTheMaximumAgeAreGivenUpWithoutBeingDelivered() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).maximumRecordAge(Duration.ofMinutes(1)).build();
        f.accept(new Change(Table.CA, "dc1", null, item("old", 1), clock.instant().minus(Duration.ofMinutes(2))));
        f.accept(write("a", 1));
        assertThat(f.deliverAvailable()).isEqualTo(2);
        assertThat(r.all()).extracting(StreamFeedTest::label).containsExactly("a@1");
        assertThat(destination).singleElement().satisfies(fb -> {
            assertThat(fb.condition()).isEqualTo(FailedBatch.Condition.RECORD_AGE_EXCEEDED);
            assertThat(fb.condition().wireName()).isEqualTo("RecordAgeExceeded");
            assertThat(fb.batchSize()).isEqualTo(1);
            assertThat(fb.approximateInvokeCount()).isZero();
        });
    }

    @Test
    void aRecordThatKeepsFailingIsGivenUpOnceItIsTooOld() {
        Recorder r = new Recorder();
        r.answer = b -> BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber());
        StreamFeed f = feed(r).maximumRetryAttempts(-1).maximumRecordAge(Duration.ofMinutes(1)).build();
        f.accept(write("a", 1));
        f.deliverAvailable();
        f.deliverAvailable();
        clock.advance(Duration.ofSeconds(61));
        assertThat(f.deliverAvailable()).isEqualTo(1);
        assertThat(destination).singleElement().satisfies(fb -> assertThat(fb.approximateInvokeCount()).isEqualTo(2));
    }

    @Test
    void aThrowingDestinationDoesNotStopTheFeed() {
        Recorder r = new Recorder();
        r.answer = b -> b.get(0).getDynamodb().getKeys().get("sk").getS().equals("poison")
                ? BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber())
                : BatchResult.success();
        StreamFeed f = feed(r).batchSize(1).maximumRetryAttempts(0).onFailure(fb -> {
            throw new IllegalStateException("queue down");
        }).build();
        f.accept(write("poison", 1));
        f.accept(write("a", 1));
        assertThat(f.deliverAvailable()).isEqualTo(2);
        assertThat(f.failures()).hasSize(1);
    }

    // ---------------------------------------------------------------------------------------
    // at least once, pause

    @Test
    void duplicateDeliveryRedeliversEveryAcknowledgedBatchOnce() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).batchSize(2).duplicateDelivery(true).build();
        f.accept(write("a", 1));
        f.accept(write("a", 2));
        f.accept(write("a", 3));
        assertThat(f.deliverAvailable()).isEqualTo(3);
        assertThat(r.batches).extracting(b -> b.stream().map(StreamFeedTest::label).toList())
                .containsExactly(List.of("a@1", "a@2"), List.of("a@1", "a@2"), List.of("a@3"), List.of("a@3"));
        // an older record of an item arrives after a newer one, as at-least-once allows
        assertThat(r.all()).extracting(StreamFeedTest::label).containsSubsequence("a@2", "a@1");
        assertThat(f.status().duplicates()).isEqualTo(3);
        assertThat(f.status().acknowledged()).isEqualTo(3);
    }

    @Test
    void duplicatesOfAPartlyFailedBatchAreTheAcknowledgedPartOnly() {
        Recorder r = new Recorder();
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() == 1 ? BatchResult.failed(b.get(1).getDynamodb().getSequenceNumber()) : BatchResult.success();
        StreamFeed f = feed(r).duplicateDelivery(true).build();
        f.accept(write("a", 1));
        f.accept(write("a", 2));
        f.deliverAvailable();
        assertThat(r.batches).extracting(b -> b.stream().map(StreamFeedTest::label).toList())
                .containsExactly(List.of("a@1", "a@2"), List.of("a@1"));
    }

    @Test
    void pausedFeedsKeepChangesAndDeliverThemInOrderOnResume() {
        Recorder r = new Recorder();
        StreamFeed f = feed(r).build();
        f.pause();
        f.accept(write("a", 1));
        f.accept(write("b", 1));
        f.accept(write("a", 2));
        assertThat(f.deliverAvailable()).isZero();
        assertThat(r.batches).isEmpty();
        assertThat(f.pending()).isEqualTo(3);
        assertThat(f.status().paused()).isTrue();
        f.resume();
        assertThat(f.deliverAvailable()).isEqualTo(3);
        assertThat(r.all()).extracting(StreamFeedTest::label).containsExactly("a@1", "b@1", "a@2");
    }

    // ---------------------------------------------------------------------------------------
    // bad data, bad subscribers

    @Test
    void undecodableDataNeverCrashesAFeed() {
        // A stream function whose codec cannot read "poison" items. Letting the error out is a
        // function error: retried, then given up (with the rest of its batch, as in AWS; batches
        // of one here), and the records behind it still flow.
        List<String> applied = new ArrayList<>();
        StreamSubscriber strict = StreamSubscriber.perRecord(rec -> {
            DecodedChange c = StreamRecords.decode(rec);
            if (c.newImage().body().containsKey("poison")) {
                throw new UndecodableItem(c.key().toString(), "attribute 'poison' is not a signer");
            }
            applied.add(label(c));
        });
        StreamFeed f = feed(strict).batchSize(1).maximumRetryAttempts(2).build();
        f.accept(write("a", 1));
        f.accept(new Change(Table.CA, "dc1", null, new StoredItem(new ItemKey("dc1", "signer", "p"), 1, clock.instant(), null,
                Map.of("poison", Attr.s("x"))), clock.instant()));
        f.accept(write("b", 1));
        int done = 0;
        for (int i = 0; i < 5; i++) {
            done += f.deliverAvailable();
        }
        assertThat(done).isEqualTo(3);
        assertThat(applied).containsExactly("a@1", "b@1");
        assertThat(destination).singleElement().satisfies(fb -> assertThat(fb.batchSize()).isEqualTo(1));

        // The architecture's way: quarantine and acknowledge, so nothing behind it waits.
        List<String> quarantined = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        StreamFeed g = feed(StreamSubscriber.perRecord(rec -> {
            try {
                DecodedChange c = StreamRecords.decode(rec);
                if (c.newImage().body().containsKey("poison")) {
                    throw new UndecodableItem(c.key().toString(), "attribute 'poison' is not a signer");
                }
                ok.add(label(c));
            } catch (UndecodableItem e) {
                quarantined.add(e.key());
            }
        })).build();
        g.accept(write("a", 1));
        g.accept(new Change(Table.CA, "dc1", null, new StoredItem(new ItemKey("dc1", "signer", "p"), 1, clock.instant(), null,
                Map.of("poison", Attr.s("x"))), clock.instant()));
        g.accept(write("b", 1));
        assertThat(g.deliverAvailable()).isEqualTo(3);
        assertThat(ok).containsExactly("a@1", "b@1");
        assertThat(quarantined).containsExactly("dc1#signer#p");
        assertThat(g.status().invocations()).isEqualTo(1);
    }

    @Test
    void aSubscriberThatDamagesItsRecordsCannotDamageTheRetry() {
        Recorder r = new Recorder();
        AtomicInteger calls = new AtomicInteger();
        StreamFeed f = feed(b -> {
            BatchResult res = r.handle(b);
            b.get(0).getDynamodb().setNewImage(null); // vandalise
            b.get(0).setEventName("garbage");
            return calls.incrementAndGet() == 1 ? BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber()) : res;
        }).build();
        f.accept(write("a", 1));
        f.deliverAvailable();
        f.deliverAvailable();
        assertThat(r.batches).hasSize(2);
        assertThat(r.batches.get(1)).isEqualTo(r.batches.get(0));
    }

    @Test
    void aSubscriberMayWriteBackAndEvenCallDeliverWithoutDeadlock() {
        List<String> seen = new ArrayList<>();
        StreamFeed[] self = new StreamFeed[1];
        self[0] = feed(b -> {
            for (DynamodbEvent.DynamodbStreamRecord rec : b) {
                DecodedChange c = StreamRecords.decode(rec);
                seen.add(label(c));
                if (c.key().id().equals("request")) {
                    self[0].accept(write("result", 1)); // a handler writing to its own table
                }
            }
            assertThat(self[0].deliverAvailable()).isZero(); // no nested delivery
            return BatchResult.success();
        }).build();
        self[0].accept(write("request", 1));
        assertThat(self[0].deliverAvailable()).isEqualTo(2);
        assertThat(seen).containsExactly("request@1", "result@1");
    }

    // ---------------------------------------------------------------------------------------
    // wiring errors

    @Test
    void changesAndFeedsRefuseWiringMistakes() {
        assertThatThrownBy(() -> new Change(Table.CA, "dc1", null, null, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change(Table.CA, "dc1", item("a", 1), item("b", 2), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Change(Table.CA, "DC 1", null, item("a", 1), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
        StreamFeed f = feed(new Recorder()).build();
        assertThatThrownBy(() -> f.accept(new Change(Table.INTENTIONS, "dc1", null, item("a", 1), clock.instant())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.accept(new Change(Table.CA, "dc2", null, item("a", 1), clock.instant())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamFeed.builder(Table.PRIVATE, "dc1", SOURCE, new Recorder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no stream");
        assertThat(f.pending()).isZero();
    }

    // ---------------------------------------------------------------------------------------
    // threads

    @Test
    void noRecordIsLostOrReorderedUnderConcurrentProducersAndFlakyDelivery() throws Exception {
        int producers = 8;
        int perProducer = 1_500;
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Random random = new Random(42);
        StreamSubscriber flaky = b -> {
            if (inFlight.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                int fail;
                synchronized (random) {
                    fail = random.nextInt(4) == 0 ? random.nextInt(b.size()) : -1;
                }
                int upTo = fail < 0 ? b.size() : fail;
                for (int i = 0; i < upTo; i++) {
                    acknowledged.add(label(StreamRecords.decode(b.get(i))));
                }
                return fail < 0 ? BatchResult.success() : BatchResult.failed(b.get(fail).getDynamodb().getSequenceNumber());
            } finally {
                inFlight.decrementAndGet();
            }
        };
        StreamFeed f = feed(flaky).batchSize(37).maximumRetryAttempts(-1).build();
        toClose.add(f);
        f.start();

        ExecutorService pool = Executors.newFixedThreadPool(producers + 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                String id = "item" + p;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int v = 1; v <= perProducer; v++) {
                        f.accept(write(id, v));
                    }
                    return null;
                }));
            }
            // synchronous callers racing the background thread: still one batch at a time
            for (int d = 0; d < 2; d++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 2_000; i++) {
                        f.deliverAvailable();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> fu : futures) {
                fu.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        waitUntil(() -> f.pending() == 0);

        assertThat(overlaps).hasValue(0);
        assertThat(acknowledged).hasSize(producers * perProducer).doesNotHaveDuplicates();
        Map<String, Integer> last = new HashMap<>();
        for (String l : acknowledged) {
            String id = l.substring(0, l.indexOf('@'));
            int v = Integer.parseInt(l.substring(l.indexOf('@') + 1));
            assertThat(v).as("order of %s", id).isEqualTo(last.getOrDefault(id, 0) + 1);
            last.put(id, v);
        }
        assertThat(f.status().accepted()).isEqualTo(producers * perProducer);
        assertThat(f.status().acknowledged()).isEqualTo(producers * perProducer);
        assertThat(f.failures()).isEmpty();
    }

    @Test
    void theBackgroundThreadDeliversAsChangesArriveAndRetriesAfterBackoff() throws Exception {
        Recorder r = new Recorder();
        AtomicInteger calls = new AtomicInteger();
        r.answer = b -> calls.incrementAndGet() == 2 ? BatchResult.failed(b.get(0).getDynamodb().getSequenceNumber()) : BatchResult.success();
        StreamFeed f = feed(r).retryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).build();
        toClose.add(f);
        f.start();
        assertThatThrownBy(f::start).isInstanceOf(IllegalStateException.class);

        f.accept(write("a", 1));
        waitUntil(() -> f.status().acknowledged() == 1);
        f.accept(write("a", 2));
        waitUntil(() -> f.status().failedAttempts() == 1);
        assertThat(f.pending()).isEqualTo(1); // waiting for its backoff on the mutable clock
        clock.advance(Duration.ofSeconds(30));
        waitUntil(() -> f.pending() == 0);
        assertThat(r.all()).extracting(StreamFeedTest::label).containsExactly("a@1", "a@2", "a@2");

        f.pause();
        f.accept(write("a", 3));
        Thread.sleep(20); // give a wrong implementation the chance to deliver
        assertThat(f.pending()).isEqualTo(1);
        f.resume();
        waitUntil(() -> f.pending() == 0);

        f.close();
        f.close(); // idempotent
        f.accept(write("a", 4));
        assertThat(f.pending()).isEqualTo(1); // kept after close
        assertThat(f.deliverAvailable()).isEqualTo(1);
    }

    /** Waits for a condition the background thread brings about; fails after a generous deadline. */
    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 30 s");
            }
            Thread.sleep(1);
        }
    }
}
