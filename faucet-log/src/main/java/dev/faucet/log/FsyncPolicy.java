package dev.faucet.log;

/**
 * Whether a topic's appends are acknowledged only once on disk.
 *
 * <ul>
 *   <li>{@link #ALWAYS} (the default): an append completes after its records and its commit record are fsynced,
 *       shared with every other append in the same group commit. Nothing acknowledged is lost on power loss.</li>
 *   <li>{@link #NEVER}: <b>unsafe on power loss.</b> An append completes once written to the operating system; a
 *       {@code kill -9} loses nothing, but a power loss or kernel crash may lose the unflushed tail, and the offsets
 *       of records lost that way may be handed out again. Recovery cuts the topic to its last intact batch and says
 *       so in {@link Log#recoveryNotes()}.</li>
 * </ul>
 */
public enum FsyncPolicy {
    ALWAYS,
    NEVER
}
