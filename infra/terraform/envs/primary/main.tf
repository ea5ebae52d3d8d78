# Example: the primary datacenter and the global tables, in the primary's region.
# Deploy this first; then one envs/secondary per secondary datacenter, each in its own region
# (each secondary's region must be listed in replica_regions before it is deployed).

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Keep state remotely, for example:
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "meshfed/primary.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}

provider "aws" {
  alias  = "primary"
  region = var.primary_region

  default_tags {
    tags = { application = "meshfed", datacenter = var.datacenter }
  }
}

module "global_tables" {
  source = "../../modules/global-tables"
  providers = {
    aws = aws.primary
  }

  ca_table_name         = var.ca_table_name
  intentions_table_name = var.intentions_table_name
  replica_regions       = var.replica_regions
}

module "dc" {
  source = "../../modules/dc"
  providers = {
    aws = aws.primary
  }

  datacenter         = var.datacenter
  primary_datacenter = var.datacenter
  # From the module's outputs, so the DC is read after the tables exist.
  ca_table_name         = module.global_tables.ca_table_name
  intentions_table_name = module.global_tables.intentions_table_name
  function_zip          = var.function_zip
  artifact              = var.artifact
  acl                   = var.acl
  alarm_topic_arn       = var.alarm_topic_arn
}
