# Example: one secondary datacenter in its own region. The global tables must already have a
# replica there (envs/primary, replica_regions). Copy this directory (or use workspaces) for each
# further secondary.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "meshfed/dc2.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}

provider "aws" {
  alias  = "secondary"
  region = var.region

  default_tags {
    tags = { application = "meshfed", datacenter = var.datacenter }
  }
}

# The primary's API URL comes from var.primary_api_url (the primary env's api_endpoint output).
# With a shared S3 backend it can be read from the primary's state instead:
#
#   data "terraform_remote_state" "primary" {
#     backend = "s3"
#     config  = { bucket = "my-terraform-state", key = "meshfed/primary.tfstate", region = "eu-west-1" }
#   }
#
# and primary_api_url = data.terraform_remote_state.primary.outputs.api_endpoint below.

module "dc" {
  source = "../../modules/dc"
  providers = {
    aws = aws.secondary
  }

  datacenter            = var.datacenter
  primary_datacenter    = var.primary_datacenter
  primary_api_url       = var.primary_api_url
  ca_table_name         = var.ca_table_name
  intentions_table_name = var.intentions_table_name
  function_zip          = var.function_zip
  artifact              = var.artifact
  acl                   = var.acl
  alarm_topic_arn       = var.alarm_topic_arn
}
