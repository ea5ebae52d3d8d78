package dev.meshfed.core.intentions;

import static dev.meshfed.core.intentions.Fixtures.ixn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IntentionFilterTest {

    private static final List<Intention> ALL = List.of(ixn("1", "web", "db", "allow"), ixn("2", "web", "api", "deny"),
            ixn("3", "api", "db", "deny", "dc2", ""), ixn("4", "*", "db", "allow"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SourceName == \"web\"                                   | 1,2",
            "SourceName == \"web\" and DestinationName != \"db\"     | 2",
            "SourceName == web or Action == deny                     | 1,2,3",
            "Action == `allow` and (SourceName == \"*\" or SourceName == api) | 4",
            "SourceDatacenter == dc2                                 | 3",
            "SourceDatacenter != \"\"                                | 3",
            "Precedence == 8                                         | 4",
            "DestinationNS == default AND SourceName == web          | 1,2",
            "'   '                                                   | 1,2,3,4"})
    void keeps(String filter, String ids) {
        var p = IntentionFilter.parse(filter);
        assertThat(ALL.stream().filter(p).map(Intention::id).toList()).containsExactly(ids.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SourceName contains web", "SourceName", "SourceName ==", "Nope == x", "(SourceName == a",
            "SourceName == a)", "SourceName == \"a", "not SourceName == a", "SourceName == a and", "SourceName = a",
            "web in SourceName", "SourceName matches \"w.*\"", "SourceName == a; drop"})
    void refusesAnythingElse(String filter) {
        assertThatThrownBy(() -> IntentionFilter.parse(filter)).isInstanceOf(InvalidInput.class)
                .hasMessageStartingWith("Failed to create boolean expression evaluator: ");
    }
}
