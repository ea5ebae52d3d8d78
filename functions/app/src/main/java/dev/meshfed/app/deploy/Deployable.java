package dev.meshfed.app.deploy;

import dev.meshfed.app.http.FunctionName;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.Table;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One Lambda function of a DC: one function of architecture.md with one trigger kind, deployed with
 * {@code QUARKUS_FUNQY_EXPORT} set to {@link #name()}.
 *
 * @param function            the function it runs
 * @param trigger             how it is invoked
 * @param memoryMb            Lambda memory (CPU is proportional: 1,769 MB is one full vCPU)
 * @param timeout             Lambda timeout
 * @param reservedConcurrency the default reserved concurrency, for deployables that serve blocking
 *                            reads (a long poll holds an instance for up to the blocking wait, so they
 *                            get their own pool and cannot starve the rest); empty: none reserved.
 *                            Never 0, which would disable the function
 * @param tables              what it does with each table it touches, each access with the roles it
 *                            is granted in (absent: nothing)
 * @param kms                 the KMS calls it makes, per key purpose, each with the roles it is
 *                            granted in; a root-purpose call only in the primary (the only DC with a
 *                            root key)
 */
public record Deployable(FunctionName function, Trigger trigger, int memoryMb, Duration timeout,
                         OptionalInt reservedConcurrency, Map<Table, Map<TableAccess, Roles>> tables,
                         Map<KmsUse, Roles> kms) {

    public Deployable {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(reservedConcurrency, "reservedConcurrency");
        if (!function.deployed()) {
            throw new IllegalArgumentException(function + " is never deployed");
        }
        if (function.http() != (trigger instanceof Trigger.Http)) {
            throw new IllegalArgumentException(function + " cannot have a " + trigger.kind() + " trigger");
        }
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("Lambda memory is 128 to 10240 MB: " + memoryMb);
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException("Lambda timeout is 1 s to 15 min: " + timeout);
        }
        if (reservedConcurrency.isPresent() && reservedConcurrency.getAsInt() < 1) {
            // a reserved concurrency of 0 throttles every invocation: never a ceiling, an outage
            throw new IllegalArgumentException("reserved concurrency must be at least 1");
        }
        EnumMap<Table, Map<TableAccess, Roles>> copy = new EnumMap<>(Table.class);
        tables.forEach((t, a) -> {
            if (!a.isEmpty()) {
                copy.put(t, Map.copyOf(new EnumMap<>(a)));
            }
        });
        tables = Map.copyOf(copy);
        kms = Map.copyOf(kms);
        kms.forEach((k, roles) -> {
            if (k.purpose() == KeyPurpose.ROOT && roles != Roles.PRIMARY_ONLY) {
                throw new IllegalArgumentException("a root key exists only in the primary: " + k + " " + roles);
            }
        });
    }

    /** A deployable with the grants of {@code grants}. */
    public Deployable(FunctionName function, Trigger trigger, int memoryMb, Duration timeout,
            OptionalInt reservedConcurrency, Grants grants) {
        this(function, trigger, memoryMb, timeout, reservedConcurrency, grants.tables, grants.kms);
    }

    /** The deployable's name and {@code QUARKUS_FUNQY_EXPORT}, for example {@code rotate-leaves-tick}. */
    public String name() {
        return function.deployable(trigger.kind());
    }

    /** What it may do with each table in a DC of {@code role} (tables it may not touch there are absent). */
    public Map<Table, Set<TableAccess>> tables(DatacenterRole role) {
        Map<Table, Set<TableAccess>> out = new EnumMap<>(Table.class);
        tables.forEach((t, accesses) -> {
            Set<TableAccess> granted = accesses.entrySet().stream().filter(e -> e.getValue().includes(role))
                    .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
            if (!granted.isEmpty()) {
                out.put(t, granted);
            }
        });
        return Map.copyOf(out);
    }

    /** The KMS calls it may make in a DC of {@code role}. */
    public Set<KmsUse> kms(DatacenterRole role) {
        return kms.entrySet().stream().filter(e -> e.getValue().includes(role)).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether it may call {@code action} on {@code table} in a DC of {@code role}. */
    public boolean may(DatacenterRole role, Table table, TableAccess action) {
        Roles r = tables.getOrDefault(table, Map.of()).get(action);
        return r != null && r.includes(role);
    }

    /** Whether it may make the KMS call {@code use} in a DC of {@code role}. */
    public boolean may(DatacenterRole role, KmsUse use) {
        Roles r = kms.get(use);
        return r != null && r.includes(role);
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * The grants of one deployable, declared compactly: each access or call with the roles it is
     * deployed in. Declaring one grant twice is an error (say {@link Roles#BOTH} instead).
     */
    public static final class Grants {
        private final Map<Table, Map<TableAccess, Roles>> tables = new EnumMap<>(Table.class);
        private final Map<KmsUse, Roles> kms = new HashMap<>();

        /** {@code accesses} on {@code table} in {@code roles}. */
        public Grants table(Table table, Roles roles, TableAccess... accesses) {
            Objects.requireNonNull(roles, "roles");
            for (TableAccess a : accesses) {
                if (tables.computeIfAbsent(table, t -> new EnumMap<>(TableAccess.class)).putIfAbsent(a, roles) != null) {
                    throw new IllegalArgumentException(a + " on " + table + " declared twice");
                }
            }
            return this;
        }

        /** The KMS calls {@code actions} for keys of {@code purpose} in {@code roles}. */
        public Grants kms(KeyPurpose purpose, Roles roles, KmsUse.Action... actions) {
            Objects.requireNonNull(roles, "roles");
            for (KmsUse.Action a : actions) {
                if (kms.putIfAbsent(new KmsUse(purpose, a), roles) != null) {
                    throw new IllegalArgumentException(a + " " + purpose + " declared twice");
                }
            }
            return this;
        }
    }
}
