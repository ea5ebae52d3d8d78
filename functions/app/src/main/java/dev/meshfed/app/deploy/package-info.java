/**
 * What a deployment of one datacenter must contain, declared once in code: the deployables (one
 * Lambda function per function and trigger kind), their triggers, sizes and the exact AWS
 * permissions each one uses in each datacenter role ({@link dev.meshfed.app.deploy.Roles}), the
 * stream mapping settings and the schedules' asynchronous invoke settings, the HTTP API's throttling ceilings and
 * the alarms. {@link dev.meshfed.app.deploy.Deployment#facts} flattens it into comparable lines;
 * the infrastructure tests read {@code infra/sam} and {@code infra/terraform} into the same lines,
 * so neither template can drift from what the functions expect. Nothing here talks to AWS.
 */
package dev.meshfed.app.deploy;
