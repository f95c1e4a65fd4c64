package io.latentwatch.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StableTransactionalIdsTest {
    private static final String STREAMS_ID = "detector-5f0c3a8e-4b4e-4a43-9d61-0a7c9e8f1b2d-2";

    @Test
    void shouldPutTheInstanceIdInPlaceOfStreamsRandomProcessId() {
        assertThat(StableTransactionalIds.stable(STREAMS_ID, "detector", "lw-detector-0"))
                .isEqualTo("detector-lw-detector-0-2");
    }

    @Test
    void shouldKeepStreamsOwnIdWithoutAnInstanceId() {
        assertThat(StableTransactionalIds.stable(STREAMS_ID, "detector", null)).isEqualTo(STREAMS_ID);
    }

    @Test
    void shouldLeaveAnIdOfAnotherFormAsItIs() {
        assertThat(StableTransactionalIds.stable("other-app-1", "detector", "a")).isEqualTo("other-app-1");
        assertThat(StableTransactionalIds.stable("detector-x", "detector", "a")).isEqualTo("detector-x");
        assertThat(StableTransactionalIds.stable("detector-", "detector", "a")).isEqualTo("detector-");
        assertThat(StableTransactionalIds.stable("detector-abc-", "detector", "a")).isEqualTo("detector-abc-");
    }
}
