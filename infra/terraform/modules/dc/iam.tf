# Each function's IAM policy: exactly the calls it makes (Deployment.deployables() in the code,
# which infra-test compares with these documents). Conventions:
# - Reads (GetItem, Query) may see any owner's items: a DC reads the primary's bundle.
# - Writes (PutItem, DeleteItem) only touch items whose partition key starts with "<dc>#": the
#   dynamodb:LeadingKeys condition is the security boundary between DCs (architecture.md, State).
# - KMS calls only for the DC's own encryption context (meshfed:dc) and the purposes the function
#   handles (meshfed:purpose).
# - A grant used in one role only is deployed in that role only: a dynamic "statement" with
#   for_each = local.is_primary ? [1] : [] (primary: root keys, and the writes a secondary forwards
#   to the primary) or local.is_primary ? [] : [1] (secondaries: the enrolment key).

# fetch-roots-http: serves the roots, CA configuration and agent self reads: reads only.
data "aws_iam_policy_document" "fetch_roots_http" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["fetch-roots-http"].arn}:*"]
  }
}

# sign-csr-http: signs leaves with the DC's intermediate; keeps CSR state in the private table.
data "aws_iam_policy_document" "sign_csr_http" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  statement {
    sid       = "KmsUnwrap"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.custody.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["intermediate", "managed-leaf"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:dc"
      values   = [var.datacenter]
    }
  }

  statement {
    sid       = "KmsWrap"
    actions   = ["kms:GenerateDataKey"]
    resources = [aws_kms_key.custody.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["managed-leaf"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:dc"
      values   = [var.datacenter]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["sign-csr-http"].arn}:*"]
  }
}

# intentions-api-http: intention reads and (primary) writes; seals forwarded responses.
data "aws_iam_policy_document" "intentions_api_http" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  # Primary only: intentions, the change index and idempotency records (a secondary forwards its writes).
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "WriteOwnItemsInThePrimary"
      actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = [data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["${var.datacenter}#*"]
      }
    }
  }

  # Primary only: it seals each applied write's answer and opens it for a replay.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsUnwrapInThePrimary"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["forwarded-response"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Primary only: it seals each applied write's answer and opens it for a replay.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsWrapInThePrimary"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["forwarded-response"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["intentions-api-http"].arn}:*"]
  }
}

# ca-admin-http: CA configuration, rotation, membership, ACLs.
data "aws_iam_policy_document" "ca_admin_http" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [data.aws_dynamodb_table.ca.arn, aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  # Primary only: ACL tokens and policies (a secondary forwards their writes).
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "WriteOwnItemsInThePrimary"
      actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = [data.aws_dynamodb_table.intentions.arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["${var.datacenter}#*"]
      }
    }
  }

  # Primary only: it seals each applied write's answer and opens it for a replay.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsUnwrapInThePrimary"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["forwarded-response"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Primary only: it seals each applied write's answer and opens it for a replay.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsWrapInThePrimary"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["forwarded-response"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Primary only: the root key exists only in the primary.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsRootWrapInThePrimary"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["root"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["ca-admin-http"].arn}:*"]
  }
}

# rotate-leaves-stream: applies CA-table changes: signers, CSRs, rotation.
data "aws_iam_policy_document" "rotate_leaves_stream" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "ReadStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [data.aws_dynamodb_table.ca.stream_arn]
  }

  # ListStreams has no resource type.
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  # The event source mapping sends failed batches on with the function's role.
  statement {
    sid       = "SendFailedBatches"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.stream_failures.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [data.aws_dynamodb_table.ca.arn, aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  statement {
    sid       = "KmsWrap"
    actions   = ["kms:GenerateDataKey"]
    resources = [aws_kms_key.custody.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["intermediate"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:dc"
      values   = [var.datacenter]
    }
  }

  # Primary only: the root key exists only in the primary.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsRootUnwrapInThePrimary"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["root"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Primary only: the root key exists only in the primary.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsRootWrapInThePrimary"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["root"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Secondaries only: the enrolment key, which signs the intermediate CSR requests.
  dynamic "statement" {
    for_each = local.is_primary ? [] : [1]
    content {
      sid       = "KmsUnwrapInSecondaries"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["enrolment"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Secondaries only: the enrolment key, which signs the intermediate CSR requests.
  dynamic "statement" {
    for_each = local.is_primary ? [] : [1]
    content {
      sid       = "KmsWrapInSecondaries"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["enrolment"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["rotate-leaves-stream"].arn}:*"]
  }
}

# rotate-leaves-tick: renews signers and managed leaves, prunes.
data "aws_iam_policy_document" "rotate_leaves_tick" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.ca.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [data.aws_dynamodb_table.ca.arn, aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  statement {
    sid       = "KmsUnwrap"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.custody.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["intermediate"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:dc"
      values   = [var.datacenter]
    }
  }

  statement {
    sid       = "KmsWrap"
    actions   = ["kms:GenerateDataKey"]
    resources = [aws_kms_key.custody.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["intermediate", "managed-leaf"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:dc"
      values   = [var.datacenter]
    }
  }

  # Primary only: the root key exists only in the primary.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsRootUnwrapInThePrimary"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["root"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Primary only: the root key exists only in the primary.
  dynamic "statement" {
    for_each = local.is_primary ? [1] : []
    content {
      sid       = "KmsRootWrapInThePrimary"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["root"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Secondaries only: the enrolment key, which signs the intermediate CSR requests.
  dynamic "statement" {
    for_each = local.is_primary ? [] : [1]
    content {
      sid       = "KmsUnwrapInSecondaries"
      actions   = ["kms:Decrypt"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["enrolment"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  # Secondaries only: the enrolment key, which signs the intermediate CSR requests.
  dynamic "statement" {
    for_each = local.is_primary ? [] : [1]
    content {
      sid       = "KmsWrapInSecondaries"
      actions   = ["kms:GenerateDataKey"]
      resources = [aws_kms_key.custody.arn]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:purpose"
        values   = ["enrolment"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:meshfed:dc"
        values   = [var.datacenter]
      }
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["rotate-leaves-tick"].arn}:*"]
  }
}

# replicate-intentions-stream: keeps the DC's intention view in step with the intentions table.
data "aws_iam_policy_document" "replicate_intentions_stream" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "ReadStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [data.aws_dynamodb_table.intentions.stream_arn]
  }

  # ListStreams has no resource type.
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  # The event source mapping sends failed batches on with the function's role.
  statement {
    sid       = "SendFailedBatches"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.stream_failures.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["replicate-intentions-stream"].arn}:*"]
  }
}

# replicate-intentions-tick: reconciles the intention view every 5 minutes.
data "aws_iam_policy_document" "replicate_intentions_tick" {
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]
  }

  statement {
    sid       = "WriteOwnItems"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.private.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${var.datacenter}#*"]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["replicate-intentions-tick"].arn}:*"]
  }
}
