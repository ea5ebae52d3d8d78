/**
 * Periodic triggers for {@code meshfed dev} and tests: {@link
 * dev.meshfed.store.embedded.schedule.TickScheduler} plays the part of EventBridge rate
 * schedules, driven by an injectable {@link java.time.Clock}.
 */
package dev.meshfed.store.embedded.schedule;
