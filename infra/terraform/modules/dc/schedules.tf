# The ticks: EventBridge rules on the default bus, each invoking one function asynchronously.
# Lambda's own retries are off and an event older than the interval is dropped: the next tick is
# the retry, and a late tick must not overlap the next (Deployment.SCHEDULE_MAX_RETRY_ATTEMPTS).

resource "aws_cloudwatch_event_rule" "rotate_leaves_tick" {
  name                = "${local.name}-rotate-leaves-tick"
  description         = "meshfed ${var.datacenter}: rotate-leaves tick (RotateLeaves.TICK_INTERVAL)"
  schedule_expression = "rate(1 minute)"

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "rotate_leaves_tick" {
  rule = aws_cloudwatch_event_rule.rotate_leaves_tick.name
  arn  = aws_lambda_function.fn["rotate-leaves-tick"].arn
}

resource "aws_lambda_permission" "rotate_leaves_tick" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn["rotate-leaves-tick"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.rotate_leaves_tick.arn
}

resource "aws_lambda_function_event_invoke_config" "rotate_leaves_tick" {
  function_name                = aws_lambda_function.fn["rotate-leaves-tick"].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 60
}

resource "aws_cloudwatch_event_rule" "replicate_intentions_tick" {
  name                = "${local.name}-replicate-intentions-tick"
  description         = "meshfed ${var.datacenter}: intention view reconcile (ReplicateIntentions.RECONCILE_INTERVAL)"
  schedule_expression = "rate(5 minutes)"

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "replicate_intentions_tick" {
  rule = aws_cloudwatch_event_rule.replicate_intentions_tick.name
  arn  = aws_lambda_function.fn["replicate-intentions-tick"].arn
}

resource "aws_lambda_permission" "replicate_intentions_tick" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn["replicate-intentions-tick"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.replicate_intentions_tick.arn
}

resource "aws_lambda_function_event_invoke_config" "replicate_intentions_tick" {
  function_name                = aws_lambda_function.fn["replicate-intentions-tick"].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 300
}
