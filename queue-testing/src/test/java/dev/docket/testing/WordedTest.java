package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordedTest {

    @Test
    void aDurationUpToTheSlackLongerIsTheSameWording() {
        assertThatCode(() -> Worded.assertWordedAlike(List.of("lease expired 1m31s ago (worker w-1)"),
                List.of("lease expired 1m30s ago (worker w-1)"))).doesNotThrowAnyException();
        assertThatCode(() -> Worded.assertWordedAlike(List.of("worker w-1 silent for 2m5s > 1m"),
                List.of("worker w-1 silent for 2m > 1m"))).doesNotThrowAnyException();
    }

    @Test
    void aShorterDurationOneTooLongOrOtherWordsDiffer() {
        assertThatThrownBy(() -> Worded.assertWordedAlike(List.of("lease expired 1m29s ago (worker w-1)"),
                List.of("lease expired 1m30s ago (worker w-1)"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Worded.assertWordedAlike(List.of("lease expired 2m ago (worker w-1)"),
                List.of("lease expired 1m30s ago (worker w-1)"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Worded.assertWordedAlike(List.of("lease ran out 1m30s ago (worker w-1)"),
                List.of("lease expired 1m30s ago (worker w-1)"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Worded.assertWordedAlike(List.of("lease expired 1m30s ago (worker w-2)"),
                List.of("lease expired 1m30s ago (worker w-1)"))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Worded.assertWordedAlike(List.of("worker w-1 silent for 2m > 2m"),
                List.of("worker w-1 silent for 2m > 1m"))).isInstanceOf(AssertionError.class);
    }
}
