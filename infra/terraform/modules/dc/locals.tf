# Everything one datacenter deploys, declared as literal maps so that the deployment can be read
# (by people and by infra-test's TerraformModuleTest) without evaluating Terraform. The source of
# truth is the code: functions/app/src/main/java/dev/meshfed/app/deploy/Deployment.java; the test
# fails when this module and Deployment.facts() differ.

locals {
  is_primary = var.datacenter == var.primary_datacenter
  name       = "meshfed-${var.datacenter}"

  # Empty in the primary: the functions treat an empty value as unset.
  primary_api_url = local.is_primary ? "" : var.primary_api_url

  # The Lambda runtime and handler of each artifact; the zip is the same path for both. The native
  # build's bootstrap ignores the handler, which Lambda still requires to be set.
  artifacts = {
    jvm = {
      runtime = "java21"
      handler = "dev.meshfed.lambda.MeshfedStreamHandler::handleRequest"
    }
    native = {
      runtime = "provided.al2023"
      handler = "not.used.in.provided.runtime"
    }
  }

  # One Lambda function per deployable (QUARKUS_FUNQY_EXPORT = the key). Memory in MB, timeout in
  # seconds; reserved = null leaves the function in the account's shared pool. 1769 MB is one full
  # vCPU, for the CPU-bound signing and key generation.
  deployables = {
    "fetch-roots-http" = {
      memory   = 1024
      timeout  = 30
      reserved = var.reserved_concurrency_fetch_roots_http
    }
    "sign-csr-http" = {
      memory   = 1769
      timeout  = 30
      reserved = var.reserved_concurrency_sign_csr_http
    }
    "intentions-api-http" = {
      memory   = 1024
      timeout  = 30
      reserved = var.reserved_concurrency_intentions_api_http
    }
    "ca-admin-http" = {
      memory   = 1024
      timeout  = 30
      reserved = null
    }
    "rotate-leaves-stream" = {
      memory   = 1024
      timeout  = 60
      reserved = null
    }
    "rotate-leaves-tick" = {
      memory   = 1769
      timeout  = 120
      reserved = null
    }
    "replicate-intentions-stream" = {
      memory   = 1024
      timeout  = 60
      reserved = null
    }
    "replicate-intentions-tick" = {
      memory   = 1024
      timeout  = 120
      reserved = null
    }
  }

  # Each function's own IAM policy (iam.tf).
  policies = {
    "fetch-roots-http"            = data.aws_iam_policy_document.fetch_roots_http.json
    "sign-csr-http"               = data.aws_iam_policy_document.sign_csr_http.json
    "intentions-api-http"         = data.aws_iam_policy_document.intentions_api_http.json
    "ca-admin-http"               = data.aws_iam_policy_document.ca_admin_http.json
    "rotate-leaves-stream"        = data.aws_iam_policy_document.rotate_leaves_stream.json
    "rotate-leaves-tick"          = data.aws_iam_policy_document.rotate_leaves_tick.json
    "replicate-intentions-stream" = data.aws_iam_policy_document.replicate_intentions_stream.json
    "replicate-intentions-tick"   = data.aws_iam_policy_document.replicate_intentions_tick.json
  }

  # The HTTP deployables, each behind one API Gateway integration.
  http_deployables = toset(["fetch-roots-http", "sign-csr-http", "intentions-api-http", "ca-admin-http"])

  # The HTTP API's routes: the route table of functions/app (RouteTable.deployed()). AWS_IAM routes
  # can only be called with SigV4 by the operator's AWS identity (architecture.md, Deployment).
  routes = {
    "$default"                                = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/bootstrap"                   = { deployable = "ca-admin-http", authorization = "AWS_IAM" }
    "ANY /v1/acl/policies"                    = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/policy"                      = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/policy/name/{name}"          = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/policy/{id}"                 = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/token"                       = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/token/self"                  = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/token/{accessor}"            = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/acl/tokens"                      = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/agent/connect/authorize"         = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/agent/connect/ca/leaf/{service}" = { deployable = "sign-csr-http", authorization = "NONE" }
    "ANY /v1/agent/connect/ca/roots"          = { deployable = "fetch-roots-http", authorization = "NONE" }
    "ANY /v1/agent/self"                      = { deployable = "fetch-roots-http", authorization = "NONE" }
    "ANY /v1/connect/ca/configuration"        = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/connect/ca/roots"                = { deployable = "fetch-roots-http", authorization = "NONE" }
    "ANY /v1/connect/ca/rotate"               = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/connect/ca/sign"                 = { deployable = "sign-csr-http", authorization = "NONE" }
    "ANY /v1/connect/intentions"              = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/connect/intentions/check"        = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/connect/intentions/exact"        = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/connect/intentions/match"        = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/connect/intentions/{id}"         = { deployable = "intentions-api-http", authorization = "NONE" }
    "ANY /v1/operator/federation/datacenters" = { deployable = "ca-admin-http", authorization = "AWS_IAM" }
    "ANY /v1/operator/federation/enrolment"   = { deployable = "ca-admin-http", authorization = "NONE" }
    "ANY /v1/operator/replication"            = { deployable = "ca-admin-http", authorization = "NONE" }
    "GET /v1/connect/ca/configuration"        = { deployable = "fetch-roots-http", authorization = "NONE" }
  }

  # CloudWatch alarms (Deployment.alarms()). The meshfed namespace holds the functions' EMF
  # metrics (docs/streams.md, Metrics).
  alarms = {
    "replication-lag" = {
      namespace           = "meshfed"
      metric              = "meshfed.intentions.replication_lag_ms"
      dimensions          = { dc = var.datacenter, table = "INTENTIONS" }
      statistic           = "Maximum"
      period              = 60
      evaluation_periods  = 5
      comparison_operator = "GreaterThanThreshold"
      threshold           = 30000
      treat_missing_data  = "notBreaching"
      description         = "intention changes take more than 30 s to reach this DC's view for 5 minutes"
    }
    "iterator-age-ca" = {
      namespace           = "AWS/Lambda"
      metric              = "IteratorAge"
      dimensions          = { FunctionName = aws_lambda_function.fn["rotate-leaves-stream"].function_name }
      statistic           = "Maximum"
      period              = 60
      evaluation_periods  = 5
      comparison_operator = "GreaterThanThreshold"
      threshold           = 300000
      treat_missing_data  = "notBreaching"
      description         = "rotate-leaves is more than 5 minutes behind the CA table's stream"
    }
    "iterator-age-intentions" = {
      namespace           = "AWS/Lambda"
      metric              = "IteratorAge"
      dimensions          = { FunctionName = aws_lambda_function.fn["replicate-intentions-stream"].function_name }
      statistic           = "Maximum"
      period              = 60
      evaluation_periods  = 5
      comparison_operator = "GreaterThanThreshold"
      threshold           = 300000
      treat_missing_data  = "notBreaching"
      description         = "replicate-intentions is more than 5 minutes behind the intentions table's stream"
    }
    "quarantined-ca" = {
      namespace           = "meshfed"
      metric              = "meshfed.stream.quarantined"
      dimensions          = { dc = var.datacenter, table = "CA" }
      statistic           = "Sum"
      period              = 300
      evaluation_periods  = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = 1
      treat_missing_data  = "notBreaching"
      description         = "a CA-table record could never be applied and was quarantined"
    }
    "quarantined-intentions" = {
      namespace           = "meshfed"
      metric              = "meshfed.stream.quarantined"
      dimensions          = { dc = var.datacenter, table = "INTENTIONS" }
      statistic           = "Sum"
      period              = 300
      evaluation_periods  = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = 1
      treat_missing_data  = "notBreaching"
      description         = "an intentions-table record could never be applied and was quarantined"
    }
    # Reported by every rotate-leaves tick: missing data means the tick is not running, which is
    # itself the way a signer comes to expire.
    "signer-expiry" = {
      namespace           = "meshfed"
      metric              = "meshfed.ca.signer_seconds_to_expiry"
      dimensions          = { dc = var.datacenter, table = "CA" }
      statistic           = "Minimum"
      period              = 300
      evaluation_periods  = 3
      comparison_operator = "LessThanThreshold"
      threshold           = 604800
      treat_missing_data  = "breaching"
      description         = "this DC's signing certificate expires within 7 days, or rotate-leaves stopped reporting"
    }
    "stream-failures" = {
      namespace           = "AWS/SQS"
      metric              = "ApproximateNumberOfMessagesVisible"
      dimensions          = { QueueName = aws_sqs_queue.stream_failures.name }
      statistic           = "Maximum"
      period              = 300
      evaluation_periods  = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = 1
      treat_missing_data  = "notBreaching"
      description         = "a stream batch exhausted its retries or record age and went to the on-failure queue"
    }
  }
}
