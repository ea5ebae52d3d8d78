package dev.meshfed.dev;

import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.store.embedded.EmbeddedFederation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The development-only controls of local.md, served by every DC of {@code meshfed dev} and absent
 * from deployments (their routes are {@code DEV_ONLY} in the route table). With ACLs on they need
 * operator:write.
 * <ul>
 *   <li>{@code POST /v1/dev/partition?dc=dc2}: stops replication to and from the DC, and write
 *       forwarding from or to it;</li>
 *   <li>{@code POST /v1/dev/heal}: ends every partition; queued changes then flow;</li>
 *   <li>{@code POST /v1/dev/clock?advance=<duration>}: moves every DC's clock forward.</li>
 * </ul>
 */
final class DevControls implements HttpFunction {

    static final String PARTITION = "/v1/dev/partition";
    static final String HEAL = "/v1/dev/heal";
    static final String CLOCK = "/v1/dev/clock";
    /** The longest single clock advance: ten years, past any certificate meshfed makes. */
    static final Duration MAX_ADVANCE = Duration.ofDays(3660);

    private static final System.Logger LOG = System.getLogger(DevControls.class.getName());

    private final EmbeddedFederation federation;
    private final DevClock clock;
    private final Authorizer authorizer;
    private final String localDc;

    DevControls(EmbeddedFederation federation, DevClock clock, Authorizer authorizer, String localDc) {
        this.federation = Objects.requireNonNull(federation, "federation");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.localDc = Objects.requireNonNull(localDc, "localDc");
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        authorizer.operatorWrite(Tokens.extract(request));
        return switch (match.route().template()) {
            case PARTITION -> partition(request);
            case HEAL -> heal();
            case CLOCK -> clock(request);
            default -> throw new IllegalArgumentException("not a dev control: " + match.route().template());
        };
    }

    private HttpResponse partition(HttpRequest request) {
        String dc = single(request, "dc");
        if (federation.datacenters().stream().noneMatch(d -> d.name().equals(dc))) {
            throw new InvalidInput("no datacenter " + dc + " in this federation");
        }
        federation.partition(dc);
        LOG.log(System.Logger.Level.INFO, "dev partition dc=" + dc + " via=" + localDc);
        return state();
    }

    private HttpResponse heal() {
        federation.heal();
        LOG.log(System.Logger.Level.INFO, "dev heal via=" + localDc);
        return state();
    }

    private HttpResponse clock(HttpRequest request) {
        Duration by = GoDuration.parse(single(request, "advance"));
        if (by.isNegative() || by.isZero() || by.compareTo(MAX_ADVANCE) > 0) {
            throw new InvalidInput("advance must be a positive Go duration of at most " + GoDuration.format(MAX_ADVANCE)
                    + "; the clock never goes back");
        }
        clock.advance(by);
        LOG.log(System.Logger.Level.INFO, "dev clock advanced by=" + GoDuration.format(by) + " offset="
                + GoDuration.format(clock.offset()));
        return state();
    }

    private static String single(HttpRequest request, String name) {
        List<String> values = request.query().all(name);
        if (values.size() != 1 || values.get(0).isEmpty()) {
            throw new InvalidInput("missing query parameter " + name + " (exactly one)");
        }
        return values.get(0);
    }

    /** The partitions and the clock after the change. */
    private HttpResponse state() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Partitioned", federation.datacenters().stream().map(EmbeddedFederation.Dc::name)
                .filter(federation::isPartitioned).toList());
        out.put("Now", clock.instant().toString());
        out.put("ClockOffset", GoDuration.format(clock.offset()));
        return HttpResponse.json(200, Json.write(out));
    }
}
