package dev.meshfed.app.deploy;

import dev.meshfed.core.store.Table;
import java.time.Duration;
import java.util.Objects;

/** How a deployable is invoked: the HTTP API, one table's stream, or an EventBridge schedule. */
public sealed interface Trigger {

    /** The suffix of the deployable's name, {@code <function>-<kind>}. */
    String kind();

    /** API Gateway HTTP API, payload format 2.0, through the routes of the route table. */
    record Http() implements Trigger {
        @Override
        public String kind() {
            return "http";
        }
    }

    /** The stream (new and old images) of one global table in the DC's region. */
    record Stream(Table table) implements Trigger {
        public Stream {
            Objects.requireNonNull(table, "table");
            if (!table.global()) {
                throw new IllegalArgumentException("only a global table has a stream: " + table);
            }
        }

        @Override
        public String kind() {
            return "stream";
        }
    }

    /** An EventBridge schedule, every {@code every} (whole minutes). */
    record Schedule(Duration every) implements Trigger {
        public Schedule {
            Objects.requireNonNull(every, "every");
            if (every.toMinutes() < 1 || !every.equals(Duration.ofMinutes(every.toMinutes()))) {
                throw new IllegalArgumentException("a schedule is whole minutes: " + every);
            }
        }

        @Override
        public String kind() {
            return "tick";
        }

        /** EventBridge's rate expression, for example {@code rate(1 minute)} or {@code rate(5 minutes)}. */
        public String expression() {
            long m = every.toMinutes();
            return "rate(" + m + (m == 1 ? " minute)" : " minutes)");
        }
    }
}
