package dev.docket.store.memory.archfixture;

import dev.docket.metrics.archfixture.MetricsBinder;

/** A memory-store class that records metrics itself: the metrics module is built on the runtime. */
public final class MemoryStoreUsingMetrics {

  public void claimed() {
    new MetricsBinder().bind();
  }
}
