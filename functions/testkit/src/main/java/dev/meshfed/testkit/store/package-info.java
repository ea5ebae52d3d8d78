/**
 * Contract test suites for the storage ports: abstract JUnit 5 classes that every substrate's
 * tests extend, so the DynamoDB adapter and the embedded store are held to the same behaviour.
 */
package dev.meshfed.testkit.store;
