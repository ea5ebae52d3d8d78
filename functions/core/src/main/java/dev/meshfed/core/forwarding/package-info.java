/**
 * Writes owned by the primary (architecture.md flow 6): the idempotency record the primary keeps per
 * forwarded write, so a retry with the same key is applied once.
 */
package dev.meshfed.core.forwarding;
