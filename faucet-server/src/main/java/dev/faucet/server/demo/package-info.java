/** {@code faucet demo}: the example pipelines and a generator of made-up shop events. */
package dev.faucet.server.demo;
