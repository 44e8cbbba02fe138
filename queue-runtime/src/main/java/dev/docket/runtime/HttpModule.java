package dev.docket.runtime;

import com.google.inject.AbstractModule;
import java.util.Objects;

/**
 * Adds the HTTP API, dashboard, metrics endpoint and health probes to a runtime: install it next to
 * {@link DocketModule} and a store module, then start the {@link DocketServer} from the injector
 * after the {@link DocketRuntime}. Binds only: nothing listens until {@link DocketServer#start()}.
 */
public final class HttpModule extends AbstractModule {
  private final HttpOptions options;

  /** The server with {@code options}. */
  public HttpModule(HttpOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  protected void configure() {
    bind(HttpOptions.class).toInstance(options);
    bind(DocketServer.class).in(jakarta.inject.Singleton.class);
  }
}
