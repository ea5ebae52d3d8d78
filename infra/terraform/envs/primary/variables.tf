variable "primary_region" {
  description = "AWS region of the primary datacenter; the global tables are created here."
  type        = string
}

variable "replica_regions" {
  description = "Regions of the secondary datacenters: each gets a replica of both global tables."
  type        = list(string)
  default     = []
}

variable "datacenter" {
  description = "The primary datacenter's name, for example dc1."
  type        = string
}

variable "ca_table_name" {
  description = "Name of the CA global table."
  type        = string
  default     = "meshfed-ca"
}

variable "intentions_table_name" {
  description = "Name of the intentions global table."
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
  description = "meshfed's ACL system: on (default) or off."
  type        = string
  default     = "on"
}

variable "alarm_topic_arn" {
  description = "SNS topic for the alarms, in the primary's region; null: none."
  type        = string
  default     = null
}
