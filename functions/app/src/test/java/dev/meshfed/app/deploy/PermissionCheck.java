package dev.meshfed.app.deploy;

import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a deployable's declared AWS permissions with the calls it was seen making. Exactly
 * means both directions: {@link #undeclared} (the templates would make the call fail) and
 * {@link #unused} (a grant nothing needs: not least privilege).
 */
public final class PermissionCheck {

    private PermissionCheck() {
    }

    /**
     * The uses {@code declared} does not allow in a DC named {@code dc} of {@code role}: a table
     * access it lacks, a write of a key another DC owns ({@code dynamodb:LeadingKeys} allows only
     * {@code <dc>#*}), a KMS call it lacks, or a root-purpose call outside the primary (the
     * secondary's facts have no root-purpose grant). Empty when everything is allowed.
     */
    public static List<String> undeclared(Deployable declared, DatacenterRole role, String dc, Set<Use> uses) {
        Set<String> problems = new TreeSet<>();
        String where = declared.name() + " in " + dc + " (" + role + ")";
        for (Use u : uses) {
            if (u instanceof Use.TableCall t) {
                if (!declared.may(t.table(), t.access())) {
                    problems.add(where + " uses " + t.access() + " on " + t.table()
                            + " without declaring it");
                }
                if (t.access() == TableAccess.WRITE_OWN_KEYS && !t.owner().equals(dc)) {
                    problems.add(where + " writes a key of " + t.owner() + " in "
                            + t.table() + ": dynamodb:LeadingKeys allows only " + dc + "#*");
                }
            } else if (u instanceof Use.KmsCall k) {
                if (!declared.kms().contains(k.use())) {
                    problems.add(where + " calls " + k + " without declaring it");
                } else if (k.use().primaryOnly() && role != DatacenterRole.PRIMARY) {
                    problems.add(where + " calls " + k + ", which only the primary's facts grant");
                }
            }
        }
        return List.copyOf(problems);
    }

    /**
     * The grants of {@code declared} that no recorded use needed in the roles where the grant is
     * deployed (a root-purpose grant only in the primary, any other in either role), except those
     * named in {@code knownUnexercised}.
     */
    public static List<String> unused(Deployable declared, Map<DatacenterRole, Set<Use>> usesByRole,
            Set<String> knownUnexercised) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Table, Set<TableAccess>> e : declared.tables().entrySet()) {
            for (TableAccess access : e.getValue()) {
                boolean used = usesByRole.values().stream().flatMap(Set::stream).anyMatch(u ->
                        u instanceof Use.TableCall t && t.table() == e.getKey() && t.access() == access);
                String grant = declared.name() + " " + access + " " + e.getKey();
                if (!used && !knownUnexercised.contains(grant)) {
                    problems.add(grant + " is declared but never used");
                }
            }
        }
        for (KmsUse k : declared.kms()) {
            boolean used = usesByRole.entrySet().stream()
                    .filter(r -> !k.primaryOnly() || r.getKey() == DatacenterRole.PRIMARY)
                    .anyMatch(r -> r.getValue().contains(new Use.KmsCall(k)));
            String grant = declared.name() + " " + k.action() + " " + k.purpose();
            if (!used && !knownUnexercised.contains(grant)) {
                problems.add(grant + " is declared but never used");
            }
        }
        return problems.stream().sorted().toList();
    }
}
