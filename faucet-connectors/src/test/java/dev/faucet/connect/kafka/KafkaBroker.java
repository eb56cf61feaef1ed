package dev.faucet.connect.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real one-node KRaft Kafka broker in a child JVM (DEPENDENCIES.md 2b), from the classpath Maven wrote to
 * {@code target/kafka-broker.classpath}. {@link #stop} and {@link #start} again keep its ports and data, so a test can
 * take the cluster away and bring it back.
 */
final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"), "num.partitions=1", "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=false", ""));
    }

    /** Formats the storage and starts the broker; ready when this returns. */
    static KafkaBroker start(Path dir) throws Exception {
        KafkaBroker b = new KafkaBroker(dir);
        Process format = new ProcessBuilder(b.java("kafka.tools.StorageTool", "format", "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(), "-c",
                dir.resolve("server.properties").toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka storage failed: " + Files.readString(
                    dir.resolve("format.log")));
        }
        b.start();
        return b;
    }

    void start() throws Exception {
        Path log = dir.resolve("broker.log");
        Files.deleteIfExists(log);
        process = new ProcessBuilder(java("kafka.Kafka", dir.resolve("server.properties").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited: " + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("Kafka Server started")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Kafka broker was not ready within 60 s: " + Files.readString(log));
    }

    /** Stops the broker (controlled shutdown); its data stays for {@link #start}. */
    void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private List<String> java(String main, String... args) throws IOException {
        String cp = Files.readString(Path.of("target", "kafka-broker.classpath")).trim();
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", cp, main));
        if (Runtime.version().feature() >= 24) {
            c.add(1, "--enable-native-access=ALL-UNNAMED");
        }
        c.addAll(List.of(args));
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
