package dev.meshfed.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.core.error.InvalidInput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevOptionsTest {

    @Test
    void defaultsAreLocalMdsTwoDcsPrimaryDc1Port8500AclsOffInMemory() {
        DevOptions o = DevOptions.parse();
        assertThat(o.datacenters()).containsExactly("dc1", "dc2");
        assertThat(o.primary()).isEqualTo("dc1");
        assertThat(o.port()).isEqualTo(8500);
        assertThat(o.portOf("dc2")).isEqualTo(8501);
        assertThat(o.acl()).isEqualTo(DcConfig.AclMode.OFF);
        assertThat(o.dataDir()).isEmpty();
        assertThat(o.replicationDelay()).isZero();
        assertThat(o.demo()).isFalse();
    }

    @Test
    void everyOptionIsReadInBothSpellings() {
        DevOptions o = DevOptions.parse("--datacenters", "east,west,north", "--primary=west", "--port", "9000",
                "--acl=on", "--data-dir", "rel/dir", "--replication-delay=250ms", "--demo");
        assertThat(o.datacenters()).containsExactly("east", "west", "north");
        assertThat(o.primary()).isEqualTo("west");
        assertThat(o.portOf("north")).isEqualTo(9002);
        assertThat(o.acl()).isEqualTo(DcConfig.AclMode.ON);
        assertThat(o.dataDir()).hasValue(Path.of("rel/dir").toAbsolutePath().normalize());
        assertThat(o.replicationDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.demo()).isTrue();
    }

    @Test
    void withoutDc1ThePrimaryDefaultsToTheFirstDatacenter() {
        assertThat(DevOptions.parse("--datacenters", "a,b").primary()).isEqualTo("a");
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndTheRule() {
        List<String[]> bad = List.of(
                new String[] {"--datacenters", "dc1,DC_2"},
                new String[] {"--datacenters", "dc1,dc1"},
                new String[] {"--datacenters", ""},
                new String[] {"--primary", "dc9"},
                new String[] {"--port", "0"},
                new String[] {"--port", "65535"},
                new String[] {"--port", "eighty"},
                new String[] {"--acl", "yes"},
                new String[] {"--data-dir", " "},
                new String[] {"--replication-delay", "-1s"},
                new String[] {"--replication-delay", "11m"},
                new String[] {"--replication-delay", "soon"},
                new String[] {"--demo=yes"},
                new String[] {"--port"},
                new String[] {"--frobnicate"},
                new String[] {"--datacenters", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"});
        for (String[] args : bad) {
            assertThatThrownBy(() -> DevOptions.parse(args)).as(String.join(" ", args))
                    .isInstanceOf(InvalidInput.class);
        }
        assertThatThrownBy(() -> DevOptions.parse("--primary", "dc9")).hasMessageContaining("is not one of --datacenters");
        assertThatThrownBy(() -> DevOptions.parse("--port", "65535")).hasMessageContaining("leaves no port for datacenter dc2");
    }

    @Test
    void anUnknownOptionIsQuotedBoundedSoAHugeArgumentCannotFloodTheTerminal() {
        assertThatThrownBy(() -> DevOptions.parse("--" + "x".repeat(10_000)))
                .hasMessageStartingWith("unknown option --xxx").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(80));
    }
}
