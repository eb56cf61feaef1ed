package dev.faucet.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version for {@code faucet --version}, from {@code version.properties}, which the build fills in. */
final class FaucetVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"faucet " + version()};
    }

    static String version() {
        try (InputStream in = FaucetVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
