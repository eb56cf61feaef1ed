/**
 * Expressions and schemas for pipeline steps (internal to the engine).
 *
 * <ul>
 *   <li>{@link dev.faucet.engine.expr.Expression}: a CEL expression compiled once and evaluated against a
 *       {@link dev.faucet.engine.expr.RecordContext}: as a condition ({@code filter}, {@code route}), as JSON
 *       ({@code set}, {@code map}) or as text ({@code key}, {@code dedupe}, {@code enrich}). Numbers mix freely,
 *       fields are converted from JSON only when read, and one expression serves many threads.</li>
 *   <li>{@link dev.faucet.engine.expr.ExpressionException} at compile (what and at which column),
 *       {@link dev.faucet.engine.expr.EvaluationException} for one record (what, and which field).</li>
 *   <li>{@link dev.faucet.engine.expr.SchemaCheck}: a JSON Schema ({@code validate}) whose violations read
 *       "pointer: message"; no remote references.</li>
 * </ul>
 *
 * <p>CEL and the JSON Schema validator stay behind these classes: no other package imports them.
 */
package dev.faucet.engine.expr;
