package dev.faucet.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every client command takes (a picocli mixin): where the server is, the token to show it, and help.
 */
final class ClientOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The Faucet server (default: ${DEFAULT-VALUE}).")
    private String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FAUCET_TOKEN}",
            description = "API token, sent as Authorization: Bearer (default: the FAUCET_TOKEN environment variable).")
    private String token;

    /** The server's base address, without a trailing slash; a malformed one is a usage error. */
    URI server(CommandSpec spec) {
        String text = server.strip();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http:// or https:// address with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "Invalid --server: '" + server + "' is not an address"
                    + " such as http://127.0.0.1:8080");
        }
    }

    /** The token, or null when none is given. */
    String token() {
        return token == null || token.isBlank() ? null : token.strip();
    }
}
