package dev.docket.runtime.archfixture;

import dev.docket.metrics.archfixture.MetricsBinder;

/**
 * A runtime class that calls the metrics module directly, as the pool once called the Micrometer
 * class: the metrics listen on the runtime's public seams instead.
 */
public final class RuntimeUsingMetrics {

  public void claimed() {
    new MetricsBinder().bind();
  }
}
