package dev.meshfed.app.deploy;

import dev.meshfed.app.http.FunctionName;
import dev.meshfed.core.store.Table;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

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
 * @param tables              what it does with each table it touches (absent: nothing)
 * @param kms                 the KMS calls it makes, per key purpose
 */
public record Deployable(FunctionName function, Trigger trigger, int memoryMb, Duration timeout,
                         OptionalInt reservedConcurrency, Map<Table, Set<TableAccess>> tables, Set<KmsUse> kms) {

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
        EnumMap<Table, Set<TableAccess>> copy = new EnumMap<>(Table.class);
        tables.forEach((t, a) -> {
            if (!a.isEmpty()) {
                copy.put(t, Set.copyOf(a));
            }
        });
        tables = Map.copyOf(copy);
        kms = Set.copyOf(kms);
    }

    /** The deployable's name and {@code QUARKUS_FUNQY_EXPORT}, for example {@code rotate-leaves-tick}. */
    public String name() {
        return function.deployable(trigger.kind());
    }

    /** Whether it may call {@code action} on {@code table}. */
    public boolean may(Table table, TableAccess action) {
        return tables.getOrDefault(table, Set.of()).contains(action);
    }

    @Override
    public String toString() {
        return name();
    }
}
