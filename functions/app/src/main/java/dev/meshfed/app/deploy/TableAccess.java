package dev.meshfed.app.deploy;

import java.util.List;

/**
 * What a deployable does with one table, as DynamoDB IAM actions. These are exactly the calls the
 * DynamoDB adapter makes ({@code DynamoDbCalls}: {@code GetItem}, {@code Query}, {@code PutItem},
 * {@code DeleteItem}); writes are always conditional single-item writes.
 */
public enum TableAccess {
    /** {@code TableStore.get} and {@code query}: any owner's items (a DC reads the primary's bundle). */
    READ(List.of("dynamodb:GetItem", "dynamodb:Query")),
    /**
     * {@code TableStore.put} and {@code delete}, only of items whose partition key starts with the
     * DC's own name ({@code dynamodb:LeadingKeys} {@code <dc>#*}): the security boundary of
     * architecture.md, "State".
     */
    WRITE_OWN_KEYS(List.of("dynamodb:PutItem", "dynamodb:DeleteItem"));

    private final List<String> actions;

    TableAccess(List<String> actions) {
        this.actions = actions;
    }

    /** The IAM actions this access needs. */
    public List<String> actions() {
        return actions;
    }
}
