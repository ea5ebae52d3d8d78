# One Lambda function per deployable, each with its own log group and its own role (no AWS
# managed policy: a role grants exactly its policy in iam.tf).

resource "aws_cloudwatch_log_group" "fn" {
  for_each = local.deployables

  name              = "/aws/lambda/${local.name}-${each.key}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    # Only a function created with the role (which needs iam:PassRole on it) can use it. No
    # aws:SourceAccount/SourceArn condition: it could not be verified here that Lambda sets them
    # when it assumes an execution role, and a condition it does not meet disables every function.
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fn" {
  for_each = local.deployables

  name               = "${local.name}-${each.key}"
  description        = "meshfed ${var.datacenter}: the ${each.key} function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "fn" {
  for_each = local.deployables

  name   = each.key
  role   = aws_iam_role.fn[each.key].id
  policy = local.policies[each.key]
}

resource "aws_lambda_function" "fn" {
  for_each = local.deployables

  function_name = "${local.name}-${each.key}"
  description   = "meshfed ${var.datacenter}: ${each.key}"
  role          = aws_iam_role.fn[each.key].arn

  filename         = var.function_zip
  source_code_hash = filebase64sha256(var.function_zip)
  runtime          = local.artifacts[var.artifact].runtime
  handler          = local.artifacts[var.artifact].handler
  # x86_64: the Amazon Corretto Crypto Provider's native library is built for it.
  architectures = ["x86_64"]
  memory_size   = each.value.memory
  timeout       = each.value.timeout
  # null: no reservation (the provider's -1). Never 0, which would throttle every invocation.
  reserved_concurrent_executions = each.value.reserved

  # Exactly the variables of EnvironmentVariables.ALL (never MESHFED_DYNAMODB_ENDPOINT, which only
  # points tests at a local server) plus the Funqy export.
  environment {
    variables = {
      QUARKUS_FUNQY_EXPORT      = each.key
      MESHFED_DC                = var.datacenter
      MESHFED_PRIMARY_DC        = var.primary_datacenter
      MESHFED_TABLE_CA          = data.aws_dynamodb_table.ca.name
      MESHFED_TABLE_INTENTIONS  = data.aws_dynamodb_table.intentions.name
      MESHFED_TABLE_PRIVATE     = aws_dynamodb_table.private.name
      MESHFED_KMS_KEY_ID        = aws_kms_key.custody.arn
      MESHFED_REGION            = data.aws_region.current.region
      MESHFED_MAX_BLOCKING_WAIT = var.max_blocking_wait
      MESHFED_ACL               = var.acl
      MESHFED_PRIMARY_API_URL   = local.primary_api_url
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn[each.key].name
  }

  tags = var.tags

  lifecycle {
    # A secondary forwards primary-owned writes to the primary: without its URL it cannot work.
    # (A precondition, not a variable validation: validations may only name other variables from
    # Terraform 1.9 on.)
    precondition {
      condition     = local.is_primary || (var.primary_api_url != null && var.primary_api_url != "")
      error_message = "primary_api_url is required in a secondary datacenter (datacenter != primary_datacenter)."
    }
    precondition {
      condition     = !local.is_primary || var.primary_api_url == null || var.primary_api_url == ""
      error_message = "primary_api_url must be unset in the primary datacenter."
    }
  }

  # The role must hold its policy (logs, stream reads) before the function first runs.
  depends_on = [aws_iam_role_policy.fn]
}
