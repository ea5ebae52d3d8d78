data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The global tables, in this region's replica: their ARNs for IAM, and this region's stream ARN
# for the event source mappings (each replica has its own stream).
data "aws_dynamodb_table" "ca" {
  name = var.ca_table_name
}

data "aws_dynamodb_table" "intentions" {
  name = var.intentions_table_name
}

# The DC's private table (regional): wrapped keys, CSR state, the intention view, quarantined
# stream records. Same key schema as the global tables; no stream (nothing consumes it).
resource "aws_dynamodb_table" "private" {
  name         = "${local.name}-private"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = true

  tags = var.tags
}

# Where a stream batch goes when its retries or its record age are exhausted (the record's
# metadata, not the item). Encrypted with SQS-managed keys; 14 days to investigate.
resource "aws_sqs_queue" "stream_failures" {
  name                      = "${local.name}-stream-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = var.tags
}
