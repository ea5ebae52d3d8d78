output "api_endpoint" {
  description = "The DC's HTTP API base URL (https://<id>.execute-api.<region>.amazonaws.com): Consul clients' address, and a secondary's primary_api_url when this is the primary."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "The HTTP API's execution ARN, for IAM policies allowing execute-api:Invoke on the AWS_IAM routes (for example <arn>/*/*/v1/acl/bootstrap)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "kms_key_arn" {
  description = "ARN of the DC's custody KMS key (MESHFED_KMS_KEY_ID)."
  value       = aws_kms_key.custody.arn
}

output "private_table_name" {
  description = "Name of the DC's private table (MESHFED_TABLE_PRIVATE)."
  value       = aws_dynamodb_table.private.name
}

output "function_names" {
  description = "Lambda function name of each deployable, keyed by deployable (QUARKUS_FUNQY_EXPORT)."
  value       = { for k, f in aws_lambda_function.fn : k => f.function_name }
}

output "stream_failures_queue_url" {
  description = "URL of the SQS queue receiving stream batches that exhausted their retries or record age."
  value       = aws_sqs_queue.stream_failures.url
}
