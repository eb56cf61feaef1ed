/**
 * Pipeline files, behind {@code dev.faucet.engine.PipelineYaml}: the step specs ({@link PipelineSpec}, one
 * {@link StepSpec} per step) and what is built from them, the parser, the JSON Schema and the reference in
 * docs/pipelines.md.
 *
 * <p>The data flow: {@link YamlDocument} refuses what YAML allows but a pipeline file must not use (on the event
 * stream, before any node exists), {@link NodeReader} reads the composed nodes against the specs' {@link Shape}s,
 * collecting every problem with its line, and {@link PipelineReader} builds the {@code Pipeline}. {@link Bundler}
 * inlines schema files in place; {@link JsonSchemaWriter} and {@link StepReference} write the schema and the docs.
 */
package dev.faucet.engine.yaml;
