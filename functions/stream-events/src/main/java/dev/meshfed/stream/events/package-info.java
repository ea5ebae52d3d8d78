/**
 * DynamoDB stream records in the Lambda events library's types, to and from meshfed's neutral
 * attribute model: {@link dev.meshfed.stream.events.LambdaAttributes} converts values,
 * {@link dev.meshfed.stream.events.StreamRecords} builds records the way DynamoDB does (the
 * embedded stream feeds use it) and decodes them for the stream functions, refusing every
 * malformed record with an {@link dev.meshfed.core.store.UndecodableItem} that names the key.
 * One codec for what the embedded substrate emits and what the functions read, so an image
 * decodes with the same code that wrote the item.
 */
package dev.meshfed.stream.events;
