# The DC's HTTP API: one route per route of the code's route table, each to the HTTP deployable
# that serves it (payload format 2.0). Routes marked AWS_IAM (ACL bootstrap, federation
# membership) need a SigV4-signed call by an AWS identity allowed execute-api:Invoke on them.

resource "aws_apigatewayv2_api" "this" {
  name          = local.name
  description   = "meshfed ${var.datacenter}: Consul-compatible CA, intentions and ACL API"
  protocol_type = "HTTP"

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "fn" {
  for_each = local.http_deployables

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.fn[each.key].invoke_arn
  payload_format_version = "2.0"
  # Within API Gateway's 30 s; the functions' own timeout is 30 s too.
  timeout_milliseconds = 30000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.fn[each.value.deployable].id}"
  authorization_type = each.value.authorization
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${local.name}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  # A static ceiling: a flood is refused (429) here, before Lambda or DynamoDB see it.
  default_route_settings {
    throttling_rate_limit  = var.throttle_rate_limit
    throttling_burst_limit = var.throttle_burst_limit
  }

  # No query string, headers or body: tokens travel in headers and must not reach the logs.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      sourceIp           = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      errorMessage       = "$context.error.message"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  for_each = local.http_deployables

  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and route of this API only.
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
