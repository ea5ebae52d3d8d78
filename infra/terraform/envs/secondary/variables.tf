variable "region" {
  description = "AWS region of this secondary datacenter; one of the primary env's replica_regions."
  type        = string
}

variable "datacenter" {
  description = "This secondary datacenter's name, for example dc2."
  type        = string
}

variable "primary_datacenter" {
  description = "The primary datacenter's name, for example dc1."
  type        = string
}

variable "primary_api_url" {
  description = "The primary's HTTP API URL (the primary env's api_endpoint output), where this DC forwards primary-owned writes."
  type        = string
}

variable "ca_table_name" {
  description = "Name of the CA global table (the primary env's ca_table_name output)."
  type        = string
  default     = "meshfed-ca"
}

variable "intentions_table_name" {
  description = "Name of the intentions global table (the primary env's intentions_table_name output)."
  type        = string
  default     = "meshfed-intentions"
}

variable "function_zip" {
  description = "Path of functions/lambda/target/function.zip (the JVM build, or the native build's zip at the same path)."
  type        = string
  default     = "../../../../functions/lambda/target/function.zip"
}

variable "artifact" {
  description = "jvm (default) or native: which build function_zip holds."
  type        = string
  default     = "jvm"
}

variable "acl" {
  description = "meshfed's ACL system: on (default) or off. Use the primary's setting."
  type        = string
  default     = "on"
}

variable "alarm_topic_arn" {
  description = "SNS topic for the alarms, in this DC's region; null: none."
  type        = string
  default     = null
}
