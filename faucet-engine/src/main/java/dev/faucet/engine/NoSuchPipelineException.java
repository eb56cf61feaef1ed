package dev.faucet.engine;

/** No pipeline of that name is deployed. */
public final class NoSuchPipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoSuchPipelineException(String name) {
        super("no pipeline named '" + name + "' is deployed");
    }
}
