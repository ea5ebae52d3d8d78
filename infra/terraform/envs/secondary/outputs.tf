output "api_endpoint" {
  description = "This secondary's HTTP API URL: the address its Consul clients use."
  value       = module.dc.api_endpoint
}

output "kms_key_arn" {
  description = "This secondary's custody KMS key."
  value       = module.dc.kms_key_arn
}

output "function_names" {
  description = "This secondary's Lambda function names, by deployable."
  value       = module.dc.function_names
}

output "stream_failures_queue_url" {
  description = "This secondary's stream on-failure queue."
  value       = module.dc.stream_failures_queue_url
}
