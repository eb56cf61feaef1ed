package dev.faucet.log.format;

/** Bytes on disk that do not match their descriptor: a bad length, magic, version or checksum at a known place. */
public final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long position;

    public FormatException(String file, long position, String message) {
        super(file + " at byte " + position + ": " + message);
        this.file = file;
        this.position = position;
    }

    public String file() {
        return file;
    }

    public long position() {
        return position;
    }
}
