/**
 * Stream consumption shared by every runtime: {@link dev.meshfed.app.stream.QuarantiningConsumer}
 * turns one DynamoDB stream record into a decoded change for a function, quarantining poison
 * records and propagating transient failures.
 */
package dev.meshfed.app.stream;
