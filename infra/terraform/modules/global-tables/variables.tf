variable "ca_table_name" {
  description = "Name of the CA global table (trust bundle, signers, CA configuration, membership, CSR and rotation requests)."
  type        = string
  default     = "meshfed-ca"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.ca_table_name))
    error_message = "ca_table_name must be a DynamoDB table name: 3 to 255 of a-z, A-Z, 0-9, '_', '-', '.'."
  }
}

variable "intentions_table_name" {
  description = "Name of the intentions global table (intentions and their tombstones, ACL tokens and policies)."
  type        = string
  default     = "meshfed-intentions"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.intentions_table_name))
    error_message = "intentions_table_name must be a DynamoDB table name: 3 to 255 of a-z, A-Z, 0-9, '_', '-', '.'."
  }
}

variable "replica_regions" {
  description = "Regions of the secondary datacenters. The tables are created in the provider's region (the primary's) and replicated to each of these: adding a datacenter means adding its region here before deploying it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "replica_regions must be AWS region names such as eu-central-1."
  }

  validation {
    condition     = length(distinct(var.replica_regions)) == length(var.replica_regions)
    error_message = "replica_regions must not repeat a region."
  }
}

variable "tags" {
  description = "Tags for both tables (propagated to their replicas)."
  type        = map(string)
  default     = {}
}
