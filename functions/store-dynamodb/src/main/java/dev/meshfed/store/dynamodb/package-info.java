/**
 * The DynamoDB implementation of the storage ports on the AWS SDK v2: {@link
 * dev.meshfed.store.dynamodb.DynamoDbTableStore} over the narrow {@link
 * dev.meshfed.store.dynamodb.DynamoDbCalls}, the attribute conversion {@link
 * dev.meshfed.store.dynamodb.SdkAttributes}, the client factory {@link
 * dev.meshfed.store.dynamodb.DynamoDbClients} and table creation for tests and tooling {@link
 * dev.meshfed.store.dynamodb.TableDefinitions}.
 */
package dev.meshfed.store.dynamodb;
