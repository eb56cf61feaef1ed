package dev.faucet.log.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Murmur2Test {
    private static int hash(String s) {
        return Murmur2.hash(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldHashExactlyAsKafkasDefaultPartitioner() {
        // Kafka's own test vectors for Utils.murmur2.
        assertThat(hash("21")).isEqualTo(-973932308);
        assertThat(hash("foobar")).isEqualTo(-790332482);
        assertThat(hash("a-little-bit-long-string")).isEqualTo(-985981536);
        assertThat(hash("a-little-bit-longer-string")).isEqualTo(-1486304829);
        assertThat(hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")).isEqualTo(-58897971);
        assertThat(hash("abc")).isEqualTo(479470107);
    }

    @Test
    void shouldPlaceNegativeHashesInARealPartition() {
        assertThat(Murmur2.partition("21".getBytes(StandardCharsets.US_ASCII), 8)).isEqualTo(4);
    }
}
