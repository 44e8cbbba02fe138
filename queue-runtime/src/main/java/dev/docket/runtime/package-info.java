/**
 * Docket's runtime: {@link dev.docket.runtime.DocketRuntime} hosts a worker pool per queue on any
 * store, wired with Guice through {@link dev.docket.runtime.DocketModule} and a store module.
 */
package dev.docket.runtime;
