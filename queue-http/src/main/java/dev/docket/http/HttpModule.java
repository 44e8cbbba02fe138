package dev.docket.http;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.metrics.DocketMetrics;
import dev.docket.metrics.MetricsModule;
import dev.docket.runtime.DocketRuntime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Adds the HTTP API, dashboard, Prometheus endpoint and health probes to a Guice-wired runtime:
 * install it next to {@code DocketModule} and a store module, then start the {@link DocketServer}
 * from the injector after the {@link DocketRuntime}. It installs {@link MetricsModule} with a
 * {@link PrometheusMeterRegistry} of its own unless given one. Binds only: nothing listens until
 * {@link DocketServer#start()}.
 */
public final class HttpModule extends AbstractModule {
  private final HttpOptions options;
  private final PrometheusMeterRegistry registry;

  /** The server with {@code options}, and a Prometheus registry of its own. */
  public HttpModule(HttpOptions options) {
    this(options, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The server with {@code options}; Docket's meters go into {@code registry}. */
  public HttpModule(HttpOptions options, PrometheusMeterRegistry registry) {
    this.options = Objects.requireNonNull(options, "options");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  protected void configure() {
    install(new MetricsModule(registry));
  }

  @Provides
  @Singleton
  DocketServer server(DocketRuntime runtime, InstantSource clock, DocketMetrics metrics) {
    return DocketServer.create(runtime, options, clock, metrics);
  }
}
