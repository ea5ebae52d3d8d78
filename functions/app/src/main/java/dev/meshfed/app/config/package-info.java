/**
 * A datacenter's configuration as a deployed function reads it from its environment:
 * {@link dev.meshfed.app.config.DcConfig#fromEnvironment}, against the one list of variables in
 * {@link dev.meshfed.app.config.EnvironmentVariables} (SAM and Terraform are checked against that
 * list). {@code meshfed dev} builds the same {@code DcConfig} directly, per DC.
 */
package dev.meshfed.app.config;
