package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.PayloadCodec;
import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Binds the runtime: its options, the system clock, a random source, the JSON payload codec and the
 * set of handlers. Pair it with one store module ({@link MemoryStoreModule} or {@link
 * PostgresStoreModule}); contribute handlers with {@link #handlers(Binder)}. Binds only: nothing
 * starts until {@link DocketRuntime#start()}.
 */
public final class DocketModule extends AbstractModule {
  private final RuntimeOptions options;

  /** The runtime with {@code options}. */
  public DocketModule(RuntimeOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Resources a store module hands over for the runtime to close when it stops. */
  @Qualifier
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Resources {}

  /**
   * Where handlers go: {@code DocketModule.handlers(binder()).addBinding().toInstance(
   * HandlerBinding.of(TYPE, handler))}, from any module.
   */
  public static Multibinder<HandlerBinding<?>> handlers(Binder binder) {
    return Multibinder.newSetBinder(binder, new TypeLiteral<HandlerBinding<?>>() {});
  }

  /**
   * Where recurring schedules go: {@code DocketModule.schedules(binder()).addBinding().toInstance(
   * Schedule.cron("nightly", "0 3 * * *", zone, request))}, from any module.
   */
  public static Multibinder<Schedule> schedules(Binder binder) {
    return Multibinder.newSetBinder(binder, Schedule.class);
  }

  /**
   * Where in-process job listeners go (metrics, logging, tests): {@code
   * DocketModule.listeners(binder()).addBinding().toInstance(listener)}. A logging listener is
   * always bound.
   */
  public static Multibinder<JobListener> listeners(Binder binder) {
    return Multibinder.newSetBinder(binder, JobListener.class);
  }

  static Multibinder<AutoCloseable> resources(Binder binder) {
    return Multibinder.newSetBinder(binder, AutoCloseable.class, Resources.class);
  }

  @Override
  protected void configure() {
    handlers(binder());
    schedules(binder());
    listeners(binder()).addBinding().toInstance(new LoggingJobListener());
    listeners(binder()).addBinding().to(JobMetrics.class);
    resources(binder());
    bind(RuntimeOptions.class).toInstance(options);
    bind(InstantSource.class).toInstance(InstantSource.system());
    // ThreadLocalRandom's one instance draws from the calling thread's own generator.
    bind(RandomGenerator.class).toInstance(ThreadLocalRandom.current());
    bind(PayloadCodec.class).toInstance(JacksonPayloadCodec.create());
    bind(DocketRuntime.class).in(jakarta.inject.Singleton.class);
  }

  @Provides
  @jakarta.inject.Singleton
  JobMetrics metrics(InstantSource clock) {
    return new JobMetrics(clock);
  }
}
