package dev.meshfed.app.deploy;

import dev.meshfed.core.store.Table;
import java.util.Objects;

/** One AWS-relevant call a deployable made: a table call (with the key's owner) or a KMS call. */
public sealed interface Use {

    /** {@code TableStore} get/query ({@link TableAccess#READ}) or put/delete ({@link TableAccess#WRITE_OWN_KEYS}) of a key owned by {@code owner}. */
    record TableCall(Table table, TableAccess access, String owner) implements Use {
        public TableCall {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(owner, "owner");
        }

        @Override
        public String toString() {
            return access + " " + table + " (key of " + owner + ")";
        }
    }

    /** A {@code KeyCustody} call, as the KMS call it becomes. */
    record KmsCall(KmsUse use) implements Use {
        public KmsCall {
            Objects.requireNonNull(use, "use");
        }

        @Override
        public String toString() {
            return use.action() + " " + use.purpose();
        }
    }
}
