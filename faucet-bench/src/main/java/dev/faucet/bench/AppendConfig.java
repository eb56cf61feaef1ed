package dev.faucet.bench;

/** One configuration of the append matrix. {@code batch} 1 is the single-record append. */
record AppendConfig(int partitions, int threads, int batch, int window) {
    String name() {
        return "p=" + partitions + " t=" + threads + " " + (batch == 1 ? "single" : "batch=" + batch) + " w="
                + window;
    }
}
