# One event source mapping per global table, on this region's replica stream. Settings are the
# code's (Deployment.STREAM_*): at-least-once delivery is handled by the functions, and both ticks
# repair what a dropped record leaves behind, so a record that cannot be applied for an hour goes
# to the on-failure queue instead of blocking its shard. The functions report failed records by
# sequence number (ReportBatchItemFailures) and quarantine poison records themselves.

resource "aws_lambda_event_source_mapping" "ca" {
  event_source_arn               = data.aws_dynamodb_table.ca.stream_arn
  function_name                  = aws_lambda_function.fn["rotate-leaves-stream"].arn
  starting_position              = "TRIM_HORIZON"
  batch_size                     = 100
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = 10
  maximum_record_age_in_seconds  = 3600
  function_response_types        = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.stream_failures.arn
    }
  }
}

resource "aws_lambda_event_source_mapping" "intentions" {
  event_source_arn               = data.aws_dynamodb_table.intentions.stream_arn
  function_name                  = aws_lambda_function.fn["replicate-intentions-stream"].arn
  starting_position              = "TRIM_HORIZON"
  batch_size                     = 100
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = 10
  maximum_record_age_in_seconds  = 3600
  function_response_types        = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.stream_failures.arn
    }
  }
}
