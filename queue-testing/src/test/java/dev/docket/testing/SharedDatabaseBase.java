package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A static {@link DocketPostgres} in an abstract base class, as queue-cli's CliStoreTest has: each concrete test class
 * ({@link SharedDatabaseFirstTest}, {@link SharedDatabaseSecondTest}) gets an open, fresh schema of its own.
 */
abstract class SharedDatabaseBase {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();
    static final Set<String> SCHEMAS_SEEN = ConcurrentHashMap.newKeySet();

    @Test
    void eachTestClassGetsAnOpenFreshSchema() {
        db.execute("SELECT 1");
        SCHEMAS_SEEN.add(getClass().getSimpleName() + ":" + db.schema());
        assertThat(SCHEMAS_SEEN.stream().map(s -> s.substring(s.indexOf(':') + 1)).distinct().count())
                .as("one schema per test class: %s", SCHEMAS_SEEN).isEqualTo(SCHEMAS_SEEN.size());
    }
}
