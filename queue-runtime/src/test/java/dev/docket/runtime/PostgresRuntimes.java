package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobStorage;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runtimes on PostgreSQL wired the way an application wires them, for the tests of this module and
 * (through its test-jar) of the HTTP and CLI modules.
 */
public final class PostgresRuntimes {
  private PostgresRuntimes() {}

  /** A runtime on {@code store} with {@code handlers}, not started yet. */
  public static DocketRuntime runtime(
      PostgresOptions store, RuntimeOptions options, HandlerBinding<?>... handlers) {
    List<HandlerBinding<?>> bindings = List.of(handlers);
    return Guice.createInjector(
            new PostgresStoreModule(store),
            new DocketModule(options),
            new AbstractModule() {
              @Override
              protected void configure() {
                bindings.forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
              }
            })
        .getInstance(DocketRuntime.class);
  }

  /** A client on {@code storage}, for submitting without a runtime. */
  public static JobClient client(JobStorage storage) {
    return new JobClient(
        storage, JacksonPayloadCodec.create(), InstantSource.system(), ThreadLocalRandom.current());
  }
}
