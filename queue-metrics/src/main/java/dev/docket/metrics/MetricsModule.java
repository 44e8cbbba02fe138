package dev.docket.metrics;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Adds {@link DocketMetrics} to a Guice-wired runtime: install it next to {@code DocketModule} with
 * the application's registry. The queue gauges read the runtime's statistics once the runtime
 * exists. Binds only.
 */
public final class MetricsModule extends AbstractModule {
  private final MeterRegistry registry;

  /** Meters in {@code registry}. */
  public MetricsModule(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  protected void configure() {
    DocketModule.listeners(binder()).addBinding().to(DocketMetrics.class);
    DocketModule.observers(binder()).addBinding().to(DocketMetrics.class);
  }

  @Provides
  @Singleton
  DocketMetrics metrics(Provider<DocketRuntime> runtime) {
    var metrics = new DocketMetrics(registry);
    // The runtime needs the metrics to be built: its statistics are read only later, on demand.
    metrics.watch(() -> runtime.get().stats());
    return metrics;
  }
}
