output "ca_table_name" {
  description = "Name of the CA global table, the same in every replica region (the dc module's ca_table_name)."
  value       = aws_dynamodb_table.ca.name
}

output "intentions_table_name" {
  description = "Name of the intentions global table, the same in every replica region (the dc module's intentions_table_name)."
  value       = aws_dynamodb_table.intentions.name
}

output "ca_table_arn" {
  description = "ARN of the CA table in the primary's region."
  value       = aws_dynamodb_table.ca.arn
}

output "intentions_table_arn" {
  description = "ARN of the intentions table in the primary's region."
  value       = aws_dynamodb_table.intentions.arn
}
