package dev.docket.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BehaviourTest {

    @Test
    void theSameJobAndAttemptAlwaysBehaveTheSame() {
        for (long id = 1; id < 2_000; id++) {
            for (int attempt = 1; attempt <= 5; attempt++) {
                assertThat(Behaviour.of(id, attempt, 42)).isEqualTo(Behaviour.of(id, attempt, 42));
            }
        }
    }

    @Test
    void everyBehaviourOccursAtRoughlyItsRate() {
        Map<Behaviour, Integer> counts = new EnumMap<>(Behaviour.class);
        int n = 200_000;
        for (int id = 1; id <= n; id++) {
            counts.merge(Behaviour.of(id, 1, 7), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder(Behaviour.values());
        assertThat(counts.get(Behaviour.HALT) / (double) n).isBetween(Behaviour.P_HALT * 0.7, Behaviour.P_HALT * 1.3);
        assertThat(counts.get(Behaviour.FAIL_PERMANENT) / (double) n)
                .isBetween(Behaviour.P_PERMANENT * 0.9, Behaviour.P_PERMANENT * 1.1);
        assertThat(counts.get(Behaviour.SUCCEED_FAST) / (double) n).isGreaterThan(0.75);
    }

    @Test
    void theAttemptChangesTheDraw() {
        int differ = 0;
        for (long id = 1; id <= 1_000; id++) {
            if (Behaviour.of(id, 1, 3) != Behaviour.of(id, 2, 3)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(100);
    }
}
