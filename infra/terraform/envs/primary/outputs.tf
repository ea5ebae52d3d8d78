output "api_endpoint" {
  description = "The primary's HTTP API URL: the primary_api_url of every secondary."
  value       = module.dc.api_endpoint
}

output "ca_table_name" {
  description = "Name of the CA global table, for the secondaries."
  value       = module.global_tables.ca_table_name
}

output "intentions_table_name" {
  description = "Name of the intentions global table, for the secondaries."
  value       = module.global_tables.intentions_table_name
}

output "kms_key_arn" {
  description = "The primary's custody KMS key."
  value       = module.dc.kms_key_arn
}

output "function_names" {
  description = "The primary's Lambda function names, by deployable."
  value       = module.dc.function_names
}

output "stream_failures_queue_url" {
  description = "The primary's stream on-failure queue."
  value       = module.dc.stream_failures_queue_url
}
