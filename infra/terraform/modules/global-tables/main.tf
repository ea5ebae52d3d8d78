# The CA and intentions tables: DynamoDB global tables (version 2019.11.21), one replica per
# secondary datacenter's region. Every item is owned by one DC, named by its partition key prefix
# (`<dc>#<kind>`), so replication never has two regions writing the same item (docs/storage.md).
#
# Both tables are declared alike; they are two literal resources rather than a for_each so that a
# reader (and infra-test) sees each table's settings directly.

resource "aws_dynamodb_table" "ca" {
  name         = var.ca_table_name
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

  # rotate-leaves reads every change with both images (docs/streams.md); global tables need a
  # NEW_AND_OLD_IMAGES stream anyway.
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  # Expired CSR results, tombstones and the like carry `ttl` (epoch seconds).
  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  # The AWS managed key (aws/dynamodb) in each region, so replicas need no key ARN per region.
  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = true

  dynamic "replica" {
    for_each = toset(var.replica_regions)
    content {
      region_name            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "intentions" {
  name         = var.intentions_table_name
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

  # replicate-intentions re-reads the item but needs every change, with both images.
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  # Intention tombstones expire after 7 days (docs/streams.md, replicate-intentions).
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

  dynamic "replica" {
    for_each = toset(var.replica_regions)
    content {
      region_name            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  tags = var.tags
}
