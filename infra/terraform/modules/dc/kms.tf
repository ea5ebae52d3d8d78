# The DC's KMS key: it wraps every private key the DC holds (docs/key-custody.md). Data keys are
# bound to the encryption context meshfed:dc / meshfed:keyId / meshfed:purpose, so IAM (iam.tf)
# and this key policy can allow or deny a call per purpose.
resource "aws_kms_key" "custody" {
  description             = "meshfed ${var.datacenter}: wraps the datacenter's CA private keys"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key_policy.json

  tags = var.tags
}

resource "aws_kms_alias" "custody" {
  name          = "alias/${local.name}-custody"
  target_key_id = aws_kms_key.custody.key_id
}

data "aws_iam_policy_document" "key_policy" {
  # The usual administration statement: the account (through IAM) manages and may use the key.
  # The functions' use is granted by their IAM policies, per purpose and DC.
  statement {
    sid       = "AccountAdministration"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # Root-purpose data keys: whatever IAM allows (an admin's kms:*, a later broad grant), only the
  # named functions' roles may decrypt or generate them. aws:PrincipalArn is the role ARN even for
  # an assumed-role session, so the exception is exact. In a secondary no role has an IAM allow for
  # the root purpose at all; the deny stays as a second fence.
  statement {
    sid       = "NobodyElseDecryptsRootKeys"
    effect    = "Deny"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["root"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.fn["rotate-leaves-stream"].arn, aws_iam_role.fn["rotate-leaves-tick"].arn]
    }
  }

  statement {
    sid       = "NobodyElseGeneratesRootKeys"
    effect    = "Deny"
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:meshfed:purpose"
      values   = ["root"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.fn["ca-admin-http"].arn, aws_iam_role.fn["rotate-leaves-stream"].arn, aws_iam_role.fn["rotate-leaves-tick"].arn]
    }
  }

  # meshfed never re-encrypts; allowed, it would move a root data key under a key someone else
  # controls (docs/key-custody.md).
  statement {
    sid       = "NoReEncryptAtAll"
    effect    = "Deny"
    actions   = ["kms:ReEncrypt*"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
