/**
 * Writes owned by the primary (architecture.md flow 6): which requests they are ({@link
 * dev.meshfed.app.http.Route#primaryOwned(String)}), how a secondary forwards them to the primary's
 * API ({@link dev.meshfed.app.forwarding.PrimaryApi}, {@link dev.meshfed.app.forwarding.HttpPrimaryApi}),
 * and how the primary applies each idempotency key once ({@link dev.meshfed.app.forwarding.PrimaryWrites}).
 */
package dev.meshfed.app.forwarding;
