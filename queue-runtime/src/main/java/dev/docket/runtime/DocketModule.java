package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import jakarta.inject.Qualifier;
import jakarta.inject.Singleton;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Binds the runtime: its options, the system clock, a random source, the JSON payload codec, the
 * sets of handlers, schedules, listeners and worker observers, and the store's ports. Pair it with
 * one store module ({@code MemoryStoreModule} from {@code queue-store-memory} or {@code
 * PostgresStoreModule} from {@code queue-store-postgres}), which binds {@link DocketStore};
 * contribute handlers with {@link #handlers(Binder)}. Binds only: nothing starts until {@link
 * DocketRuntime#start()}. The runtime closes the store when it stops.
 */
public final class DocketModule extends AbstractModule {
  private final RuntimeOptions options;

  /** The runtime with {@code options}. */
  public DocketModule(RuntimeOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Resources another module hands over for the runtime to close when it stops. */
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

  /** Where observers of the workers' round trips to the store go (metrics, benchmarks). */
  public static Multibinder<WorkerObserver> observers(Binder binder) {
    return Multibinder.newSetBinder(binder, WorkerObserver.class);
  }

  /** Where resources go that the runtime closes when it stops, after its own work is done. */
  public static Multibinder<AutoCloseable> resources(Binder binder) {
    return Multibinder.newSetBinder(binder, AutoCloseable.class, Resources.class);
  }

  @Override
  protected void configure() {
    handlers(binder());
    schedules(binder());
    listeners(binder()).addBinding().toInstance(new LoggingJobListener());
    observers(binder());
    resources(binder());
    bind(RuntimeOptions.class).toInstance(options);
    bind(InstantSource.class).toInstance(InstantSource.system());
    // ThreadLocalRandom's one instance draws from the calling thread's own generator.
    bind(RandomGenerator.class).toInstance(ThreadLocalRandom.current());
    bind(PayloadCodec.class).toInstance(JacksonPayloadCodec.create());
  }

  @Provides
  @Singleton
  DocketRuntime runtime(
      DocketStore store,
      Set<HandlerBinding<?>> handlers,
      Set<Schedule> schedules,
      Set<JobListener> listeners,
      Set<WorkerObserver> observers,
      @Resources Set<AutoCloseable> resources,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random) {
    var builder =
        DocketRuntime.builder(store)
            .options(options)
            .codec(codec)
            .clock(clock)
            .random(random)
            .closeStoreOnStop(true);
    handlers.forEach(builder::handler);
    schedules.forEach(builder::schedule);
    listeners.forEach(builder::listener);
    observers.forEach(builder::observer);
    resources.forEach(builder::closeOnStop);
    return builder.build();
  }

  @Provides
  JobStorage storage(DocketStore store) {
    return store.storage();
  }

  @Provides
  WakeUps wakeUps(DocketStore store) {
    return store.wakeUps();
  }

  @Provides
  QueueControl queueControl(DocketStore store) {
    return store.queueControl();
  }

  @Provides
  ScheduleStates scheduleStates(DocketStore store) {
    return store.scheduleStates();
  }

  @Provides
  LeaderLease leaderLease(DocketStore store) {
    return store.leaderLease();
  }

  @Provides
  NodeRegistry nodeRegistry(DocketStore store) {
    return store.nodeRegistry();
  }
}
