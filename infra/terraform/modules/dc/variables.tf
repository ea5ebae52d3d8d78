variable "datacenter" {
  description = "This datacenter's name (MESHFED_DC). It prefixes every item the DC owns and every resource name, so it is at most 28 characters: the longest function name, meshfed-<dc>-replicate-intentions-stream, must fit Lambda's and IAM's 64."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,27}$", var.datacenter))
    error_message = "datacenter must match ^[a-z0-9][a-z0-9-]{0,27}$ (meshfed's DC names, shortened so resource names fit 64 characters)."
  }
}

variable "primary_datacenter" {
  description = "The primary datacenter's name (MESHFED_PRIMARY_DC). Equal to datacenter in the primary, which then holds the root key."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.primary_datacenter))
    error_message = "primary_datacenter must match ^[a-z0-9][a-z0-9-]{0,62}$."
  }
}

variable "ca_table_name" {
  description = "Name of the CA global table (global-tables module output). It must have a replica in this region: its stream_arn is read from there."
  type        = string
}

variable "intentions_table_name" {
  description = "Name of the intentions global table (global-tables module output). It must have a replica in this region."
  type        = string
}

variable "primary_api_url" {
  description = "The primary's HTTP API base URL (https://...), where a secondary forwards primary-owned writes (MESHFED_PRIMARY_API_URL). Required in a secondary; must be null or empty in the primary, whose functions get an empty value (empty means unset)."
  type        = string
  default     = null

  validation {
    condition     = var.primary_api_url == null || var.primary_api_url == "" || can(regex("^https://[^/?#\\s]+(/[^?#\\s]*)?$", var.primary_api_url))
    error_message = "primary_api_url must be an https:// URL without query or fragment."
  }
}

variable "acl" {
  description = "Whether meshfed's ACL system is enforced (MESHFED_ACL): on or off."
  type        = string
  default     = "on"

  validation {
    condition     = contains(["on", "off"], var.acl)
    error_message = "acl must be on or off."
  }
}

variable "max_blocking_wait" {
  description = "Cap on a blocking read's wait (MESHFED_MAX_BLOCKING_WAIT), whole seconds as a Go duration from 1s to 25s: the HTTP functions' 30 s timeout and API Gateway's 30 s limit leave room for the rest of the request."
  type        = string
  default     = "10s"

  validation {
    condition     = can(regex("^([1-9]|1[0-9]|2[0-5])s$", var.max_blocking_wait))
    error_message = "max_blocking_wait must be whole seconds from 1s to 25s, for example 10s."
  }
}

variable "artifact" {
  description = "Which build of functions/lambda to deploy: jvm (runtime java21, the default) or native (runtime provided.al2023, built by native-build/). Both are the zip at function_zip."
  type        = string
  default     = "jvm"

  validation {
    condition     = contains(["jvm", "native"], var.artifact)
    error_message = "artifact must be jvm or native."
  }
}

variable "function_zip" {
  description = "Path of the Lambda deployment package: functions/lambda/target/function.zip, written by the Maven build (JVM) or the Quarkus native build alike."
  type        = string
}

variable "reserved_concurrency_fetch_roots_http" {
  description = "Reserved concurrency of fetch-roots-http. It serves blocking reads, each holding an instance up to max_blocking_wait, so it gets its own pool and cannot starve the other functions. At least 1: 0 would throttle every call."
  type        = number
  default     = 50

  validation {
    condition     = var.reserved_concurrency_fetch_roots_http >= 1 && floor(var.reserved_concurrency_fetch_roots_http) == var.reserved_concurrency_fetch_roots_http
    error_message = "reserved_concurrency_fetch_roots_http must be a whole number of at least 1 (0 disables the function)."
  }
}

variable "reserved_concurrency_sign_csr_http" {
  description = "Reserved concurrency of sign-csr-http (blocking leaf reads). At least 1: 0 would throttle every call."
  type        = number
  default     = 50

  validation {
    condition     = var.reserved_concurrency_sign_csr_http >= 1 && floor(var.reserved_concurrency_sign_csr_http) == var.reserved_concurrency_sign_csr_http
    error_message = "reserved_concurrency_sign_csr_http must be a whole number of at least 1 (0 disables the function)."
  }
}

variable "reserved_concurrency_intentions_api_http" {
  description = "Reserved concurrency of intentions-api-http (blocking intention reads). At least 1: 0 would throttle every call."
  type        = number
  default     = 50

  validation {
    condition     = var.reserved_concurrency_intentions_api_http >= 1 && floor(var.reserved_concurrency_intentions_api_http) == var.reserved_concurrency_intentions_api_http
    error_message = "reserved_concurrency_intentions_api_http must be a whole number of at least 1 (0 disables the function)."
  }
}

variable "throttle_rate_limit" {
  description = "HTTP API default route throttling: steady requests per second. A flood is refused with 429 by API Gateway before it reaches Lambda or DynamoDB."
  type        = number
  default     = 5000

  validation {
    condition     = var.throttle_rate_limit >= 1
    error_message = "throttle_rate_limit must be at least 1."
  }
}

variable "throttle_burst_limit" {
  description = "HTTP API default route throttling: burst (token bucket size)."
  type        = number
  default     = 2000

  validation {
    condition     = var.throttle_burst_limit >= 1 && floor(var.throttle_burst_limit) == var.throttle_burst_limit
    error_message = "throttle_burst_limit must be a whole number of at least 1."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic ARN notified when an alarm fires or recovers; null: the alarms only change state."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN or null."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' and the API's log groups, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags for every resource of the datacenter."
  type        = map(string)
  default     = {}
}
