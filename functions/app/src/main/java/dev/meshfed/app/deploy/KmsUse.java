package dev.meshfed.app.deploy;

import dev.meshfed.core.custody.KeyPurpose;
import java.util.Objects;

/**
 * One KMS call a deployable makes for keys of one purpose. Key custody binds every data key to the
 * encryption context {@code meshfed:dc}, {@code meshfed:keyId}, {@code meshfed:purpose}
 * ({@code KeyContext.asEncryptionContext}), so IAM and the key policy can allow a call per purpose
 * ({@code kms:EncryptionContext:meshfed:purpose}) and only for the DC's own context
 * ({@code kms:EncryptionContext:meshfed:dc}).
 */
public record KmsUse(KeyPurpose purpose, Action action) {

    /** The two KMS calls of {@code KmsOperations}. */
    public enum Action {
        /** {@code wrap} and {@code seal}. */
        GENERATE_DATA_KEY("kms:GenerateDataKey"),
        /** {@code unwrap} and {@code open}. */
        DECRYPT("kms:Decrypt");

        private final String iamAction;

        Action(String iamAction) {
            this.iamAction = iamAction;
        }

        public String iamAction() {
            return iamAction;
        }
    }

    public KmsUse {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(action, "action");
    }
}
