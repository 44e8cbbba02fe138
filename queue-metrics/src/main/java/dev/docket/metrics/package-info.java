/**
 * Micrometer metrics of a Docket node: {@link dev.docket.metrics.DocketMetrics} registers into the
 * application's own registry; {@link dev.docket.metrics.MetricsModule} wires it with Guice.
 */
package dev.docket.metrics;
