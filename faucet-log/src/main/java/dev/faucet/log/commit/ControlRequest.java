package dev.faucet.log.commit;

import java.util.concurrent.CompletableFuture;

/** A {@link WriterTask} queued for the writer thread, with the future of its result. */
record ControlRequest<T>(WriterTask<T> task, CompletableFuture<T> future) {
}
