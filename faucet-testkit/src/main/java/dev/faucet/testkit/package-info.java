/**
 * Test support for Faucet's own tests and for users testing their pipelines: {@link dev.faucet.testkit.TestClock}
 * (time that tests move by hand). The pipeline test driver and JUnit extensions come with the engine.
 */
package dev.faucet.testkit;
