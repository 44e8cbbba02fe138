/**
 * Docket's worker host: {@link dev.docket.runtime.DocketRuntime} runs a worker pool per queue on
 * any store, built by hand with {@link dev.docket.runtime.DocketRuntime#builder} or wired with
 * Guice through {@link dev.docket.runtime.DocketModule} and a store's module. Metrics and HTTP plug
 * in through {@link dev.docket.runtime.WorkerObserver}, job listeners and the runtime's read-only
 * views.
 */
package dev.docket.runtime;
