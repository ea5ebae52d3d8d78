package dev.meshfed.app.deploy;

import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a deployable's declared AWS permissions with the calls it was seen making, per
 * datacenter role. Exactly means both directions in each role: {@link #undeclared} (the role's
 * templates would make the call fail) and {@link #unused} (a grant the role deploys that nothing
 * there needs: not least privilege).
 */
public final class PermissionCheck {

    private PermissionCheck() {
    }

    /**
     * The uses {@code declared} does not allow in a DC named {@code dc} of {@code role}: a table
     * access or KMS call it lacks, or declares only for the other role, or a write of a key another DC
     * owns ({@code dynamodb:LeadingKeys} allows only {@code <dc>#*}). Empty when everything is allowed.
     */
    public static List<String> undeclared(Deployable declared, DatacenterRole role, String dc, Set<Use> uses) {
        Set<String> problems = new TreeSet<>();
        String where = declared.name() + " in " + dc + " (" + role + ")";
        for (Use u : uses) {
            if (u instanceof Use.TableCall t) {
                if (!declared.may(role, t.table(), t.access())) {
                    Roles other = declared.tables().getOrDefault(t.table(), Map.of()).get(t.access());
                    problems.add(where + " uses " + t.access() + " on " + t.table() + (other == null
                            ? " without declaring it" : ", which only the " + name(other) + " facts grant"));
                }
                if (t.access() == TableAccess.WRITE_OWN_KEYS && !t.owner().equals(dc)) {
                    problems.add(where + " writes a key of " + t.owner() + " in "
                            + t.table() + ": dynamodb:LeadingKeys allows only " + dc + "#*");
                }
            } else if (u instanceof Use.KmsCall k) {
                if (!declared.may(role, k.use())) {
                    Roles other = declared.kms().get(k.use());
                    problems.add(where + " calls " + k + (other == null
                            ? " without declaring it" : ", which only the " + name(other) + " facts grant"));
                }
            }
        }
        return List.copyOf(problems);
    }

    /**
     * The grants of {@code declared} that no recorded use needed, per role the grant is deployed in
     * ({@code <deployable> <grant> in <ROLE>}; a role absent from {@code usesByRole} used nothing),
     * except those named in {@code knownUnexercised}.
     */
    public static List<String> unused(Deployable declared, Map<DatacenterRole, Set<Use>> usesByRole,
            Set<String> knownUnexercised) {
        List<String> problems = new ArrayList<>();
        for (DatacenterRole role : DatacenterRole.values()) {
            Set<Use> uses = usesByRole.getOrDefault(role, Set.of());
            declared.tables(role).forEach((table, accesses) -> {
                for (TableAccess access : accesses) {
                    boolean used = uses.stream().anyMatch(u ->
                            u instanceof Use.TableCall t && t.table() == table && t.access() == access);
                    report(used, declared.name() + " " + access + " " + table + " in " + role, knownUnexercised,
                            problems);
                }
            });
            for (KmsUse k : declared.kms(role)) {
                report(uses.contains(new Use.KmsCall(k)), declared.name() + " " + k.action() + " " + k.purpose()
                        + " in " + role, knownUnexercised, problems);
            }
        }
        return problems.stream().sorted().toList();
    }

    private static void report(boolean used, String grant, Set<String> knownUnexercised, List<String> problems) {
        if (!used && !knownUnexercised.contains(grant)) {
            problems.add(grant + " is declared but never used there");
        }
    }

    private static String name(Roles roles) {
        return switch (roles) {
            case PRIMARY_ONLY -> "primary's";
            case SECONDARY_ONLY -> "secondaries'";
            case BOTH -> "every DC's"; // never: a grant of both roles allows the call
        };
    }

    /** {@code d} without the grant of {@code table}/{@code access} in {@code role} (for tests of the check). */
    public static Deployable without(Deployable d, DatacenterRole role, Table table, TableAccess access) {
        Map<Table, Map<TableAccess, Roles>> tables = new java.util.EnumMap<>(Table.class);
        d.tables().forEach((t, as) -> tables.put(t, new java.util.EnumMap<>(as)));
        narrow(tables.get(table), access, role);
        return new Deployable(d.function(), d.trigger(), d.memoryMb(), d.timeout(), d.reservedConcurrency(), tables,
                d.kms());
    }

    /** {@code d} without the KMS grant {@code use} in {@code role}. */
    public static Deployable without(Deployable d, DatacenterRole role, KmsUse use) {
        Map<KmsUse, Roles> kms = new java.util.HashMap<>(d.kms());
        narrow(kms, use, role);
        return new Deployable(d.function(), d.trigger(), d.memoryMb(), d.timeout(), d.reservedConcurrency(),
                d.tables(), kms);
    }

    private static <K> void narrow(Map<K, Roles> grants, K key, DatacenterRole role) {
        Set<DatacenterRole> left = new java.util.HashSet<>(grants.get(key).roles());
        left.remove(role);
        Roles.of(left).ifPresentOrElse(r -> grants.put(key, r), () -> grants.remove(key));
    }
}
