/**
 * DynamoDB Streams and Lambda's event source mapping, emulated for {@code meshfed dev} and tests.
 * The embedded store and the global-table replicator hand every committed change of a DC's
 * replica to a {@link dev.meshfed.store.embedded.stream.ChangeSink}; a
 * {@link dev.meshfed.store.embedded.stream.StreamFeed} (one per DC per streamed table) turns the
 * changes into stream records and delivers them to that table's one
 * {@link dev.meshfed.store.embedded.stream.StreamSubscriber} in order, in batches, at least once,
 * honouring reported batch item failures with bounded retries and an on-failure destination
 * ({@link dev.meshfed.store.embedded.stream.FailedBatch}). docs/streams.md compares it with AWS.
 */
package dev.meshfed.store.embedded.stream;
