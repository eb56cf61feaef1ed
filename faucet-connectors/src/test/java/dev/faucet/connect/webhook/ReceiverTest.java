package dev.faucet.connect.webhook;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** A test of the webhook sink against a fresh loopback {@link Receiver} per test. */
@Timeout(10)
abstract class ReceiverTest {
    protected Receiver receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }
}
