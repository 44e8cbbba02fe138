package dev.docket.runtime;

import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobSubscriptions;
import dev.docket.usecase.JobType;
import dev.docket.usecase.Maintenance;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.ResultHandler;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The lifecycle of a Docket node: {@link #start()} starts a worker pool per configured queue,
 * heartbeats and lease rescue; {@link #close()} stops them gracefully. A node claims only jobs of
 * the kinds it has handlers for ({@link #kinds()}), and records itself in the store's node
 * registry, so that operators see every node and what it runs ({@link #nodes()}). Build one with
 * {@link #builder(DocketStore)}, or get it from an injector that holds a store module and {@link
 * DocketModule}.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new MemoryStoreModule(), new DocketModule(options), handlers);
 * try (DocketRuntime docket = injector.getInstance(DocketRuntime.class)) {
 *   docket.start();
 *   docket.client().submit(WELCOME, new WelcomeEmail("ada@example.com", "Ada"));
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; starts once and stops once.
 */
public final class DocketRuntime implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DocketRuntime.class.getName());

  private final JobStorage storage;
  private final WakeUps wakeUps;
  private final RuntimeOptions options;
  private final RandomGenerator random;
  private final DocketStore store;
  private final List<AutoCloseable> resources;
  private final ThroughputHistory throughput;
  private final ClusterHistory history;
  private final WorkerObserver metricsObserver;
  private final JobClient client;
  private final JobSubscriptions subscriptions;
  private final JobProcessor processor;
  private final Maintenance maintenance;
  private final Map<String, WorkerPool> pools = new LinkedHashMap<>();

  /** The pools once started, for wake-ups from any thread; empty before and after. */
  private volatile Map<String, WorkerPool> running = Map.of();

  private final QueueControl queueControl;
  private final ScheduleStates scheduleStates;
  private final LeaderLease leaderLease;
  private final List<Schedule> schedules;
  private final Scheduler scheduler;
  private final Schedules scheduleControl;
  private final InstantSource clock;
  private final StatsCache stats;
  private final OutageLog heartbeatLog = new OutageLog(LOG, "Extending leases");
  private final OutageLog maintenanceLog = new OutageLog(LOG, "Maintenance");
  private final OutageLog schedulesLog = new OutageLog(LOG, "Firing schedules");
  private final OutageLog presenceLog = new OutageLog(LOG, "Recording this node's presence");
  private final NodeRegistry nodeRegistry;
  private final SortedSet<String> kinds;

  /** This node as the registry shows it; set at start. */
  private volatile Node node;

  /**
   * The busy handlers per queue this node last recorded, and whether that record failed: read and
   * written on the timer thread only.
   */
  private Map<String, Integer> recordedBusy = Map.of();

  private boolean presenceFailing;

  /**
   * How often a node looks whether its busy handlers changed since it last recorded them, and if so
   * records them at once rather than at its next presence: the Nodes page shows them at most this
   * late, and a node whose handlers stay as busy as they were writes nothing extra.
   */
  static final Duration BUSY_CHECK = Duration.ofSeconds(1);

  /**
   * The longest a node waits between two records of its presence: its heartbeat interval, or this
   * when the heartbeat is slower (long leases), so that every node shows within {@link
   * #NODE_SILENCE}.
   */
  static final Duration PRESENCE_INTERVAL = Duration.ofSeconds(20);

  /**
   * How long a node may stay silent and still count as running: three of the longest presence
   * intervals. The maintenance forgets nodes silent for longer, and tools that read the registry
   * themselves (the {@code docket queues} command) count as live the nodes seen within it.
   */
  public static final Duration NODE_SILENCE = PRESENCE_INTERVAL.multipliedBy(3);

  /** The lease that makes one node at a time run the maintenance. */
  static final String MAINTENANCE_LEASE = "docket:maintenance";

  private ScheduledExecutorService timers;
  private ScheduledExecutorService heartbeats;
  private WakeUps.Subscription subscription;
  private State state = State.NEW;

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private DocketRuntime(Builder b) {
    DocketStore store = b.store;
    this.store = store;
    this.metricsObserver = WorkerObserver.all(b.observers);
    this.queueControl = store.queueControl();
    this.scheduleStates = store.scheduleStates();
    this.leaderLease = store.leaderLease();
    this.clock = b.clock;
    this.nodeRegistry = store.nodeRegistry();
    this.schedules =
        b.schedules.stream().sorted(java.util.Comparator.comparing(Schedule::name)).toList();
    this.storage = store.storage();
    this.wakeUps = store.wakeUps();
    this.options = b.options;
    this.random = b.random;
    var closing = new java.util.ArrayList<AutoCloseable>(b.resources);
    if (b.closeStore && store instanceof AutoCloseable closeable) {
      closing.add(closeable);
    }
    this.resources = List.copyOf(closing);
    var registry = new HandlerRegistry();
    b.handlers.forEach(binding -> register(registry, binding));
    // Now, not at the first job of each kind: building a reader cold took longer than the job.
    b.handlers.forEach(binding -> b.codec.prepare(binding.type().payloadType()));
    this.kinds = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(registry.kinds()));
    if (options.virtualThreads()) {
      // The JDK makes its virtual-thread scheduler with the first virtual thread: 15 to 20 ms cold,
      // which the first job waited for when its handler thread was that first one.
      Thread.ofVirtual().name("docket-start-scheduler").start(() -> {});
    }
    this.throughput = new ThroughputHistory(clock);
    var allListeners = new java.util.ArrayList<JobListener>(b.listeners);
    allListeners.add(throughput);
    this.history = new ClusterHistory(store.jobHistory(), clock);
    allListeners.add(history.counter());
    JobListener listener = JobListener.all(List.copyOf(allListeners));
    // A job submitted through this node goes straight to an idle handler of this node, stored
    // already claimed for it, when no other job comes first; otherwise it wakes this node's
    // workers at once, in process: the store's NOTIFY reaches the other nodes, and here it would
    // arrive a millisecond later.
    this.subscriptions = new JobSubscriptions(store.changes(), storage, clock);
    this.client =
        new JobClient(
            storage,
            storage,
            b.codec,
            clock,
            random,
            JobListener.all(List.of(listener, this::wakeLocally)),
            this::reserveHandler,
            subscriptions);
    this.processor =
        new JobProcessor(
            storage,
            registry,
            b.codec,
            clock,
            random,
            new ProcessorOptions(options.owner(), options.leaseDuration(), options.timeouts()),
            listener);
    this.maintenance = new Maintenance(storage, clock, random, listener);
    this.scheduler = new Scheduler(this.schedules, scheduleStates, client);
    this.scheduleControl = Schedules.of(this.schedules, scheduleStates, client, clock);
    this.stats = new StatsCache(client);
  }

  /**
   * A builder of a runtime on {@code store}, for applications that wire Docket by hand; Guice
   * applications install {@link DocketModule} instead.
   *
   * <pre>{@code
   * DocketRuntime docket =
   *     DocketRuntime.builder(MemoryStore.start())
   *         .options(RuntimeOptions.builder().queue("default", 10).build())
   *         .handler(WELCOME, new WelcomeHandler())
   *         .build();
   * }</pre>
   */
  public static Builder builder(DocketStore store) {
    return new Builder(store);
  }

  /**
   * Builds a {@link DocketRuntime}. Defaults: {@link RuntimeOptions#defaults()}, the system clock,
   * {@link ThreadLocalRandom}, the JSON payload codec, no handlers, schedules or listeners, and a
   * store that the caller closes. Not thread-safe.
   */
  public static final class Builder {
    private final DocketStore store;
    private RuntimeOptions options = RuntimeOptions.defaults();
    private final List<HandlerBinding<?>> handlers = new java.util.ArrayList<>();
    private final List<Schedule> schedules = new java.util.ArrayList<>();
    private final List<JobListener> listeners = new java.util.ArrayList<>();
    private final List<WorkerObserver> observers = new java.util.ArrayList<>();
    private final List<AutoCloseable> resources = new java.util.ArrayList<>();
    private PayloadCodec codec;
    private InstantSource clock = InstantSource.system();
    // ThreadLocalRandom's one instance draws from the calling thread's own generator.
    private RandomGenerator random = ThreadLocalRandom.current();
    private boolean closeStore;

    private Builder(DocketStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The queues, concurrency, leases and timings. */
    public Builder options(RuntimeOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Runs {@code handler} for jobs of {@code type}; this node claims only kinds it has a handler
     * for.
     */
    public <P> Builder handler(JobType<P> type, JobHandler<P> handler) {
      return handler(HandlerBinding.of(type, handler));
    }

    /**
     * Runs {@code handler} for jobs of {@code type} and keeps what it returns as each job's result,
     * for {@link JobClient#awaitResult} and the API.
     */
    public <P> Builder resultHandler(JobType<P> type, ResultHandler<P, ?> handler) {
      return handler(HandlerBinding.withResult(type, handler));
    }

    /** Adds a handler with its job type. */
    public Builder handler(HandlerBinding<?> binding) {
      handlers.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Adds a recurring schedule. */
    public Builder schedule(Schedule schedule) {
      schedules.add(Objects.requireNonNull(schedule, "schedule"));
      return this;
    }

    /** Adds a listener of this node's job events (metrics, logging, tests). */
    public Builder listener(JobListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds an observer of the workers' round trips to the store. */
    public Builder observer(WorkerObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /** How payloads are encoded; JSON with Jackson unless set. */
    public Builder codec(PayloadCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** The clock of claims, outcomes and schedules; the system clock unless set. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of backoff jitter and poll jitter. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Closes the store when the runtime stops, if it is {@link AutoCloseable}: for a store made for
     * this runtime alone. Off by default, so that several runtimes can share one store.
     */
    public Builder closeStoreOnStop(boolean close) {
      this.closeStore = close;
      return this;
    }

    /** Closes {@code resource} when the runtime stops, after the store's work is done. */
    public Builder closeOnStop(AutoCloseable resource) {
      resources.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /**
     * The runtime, not started.
     *
     * @throws IllegalStateException if two handlers name the same kind
     */
    public DocketRuntime build() {
      if (codec == null) {
        codec = dev.docket.usecase.json.JacksonPayloadCodec.create();
      }
      return new DocketRuntime(this);
    }
  }

  private java.util.Optional<dev.docket.usecase.LocalHandoff.Slot> reserveHandler(
      String queue, String kind) {
    WorkerPool pool = running.get(queue);
    return pool == null || !kinds.contains(kind) ? java.util.Optional.empty() : pool.reserve();
  }

  private void wakeLocally(dev.docket.usecase.JobEvent event) {
    // A job submitted at attempt 1 was stored claimed for a handler here: nothing to claim.
    if (event.type() == dev.docket.usecase.JobEvent.Type.SUBMITTED && event.attempt() == 0) {
      WorkerPool pool = running.get(event.queue());
      if (pool != null) {
        pool.wake();
      }
    }
  }

  private static <P> void register(HandlerRegistry registry, HandlerBinding<P> binding) {
    registry.registerWithResult(binding.type(), binding.handler());
  }

  /** Submits and manages jobs; usable before {@link #start()} and after {@link #close()}. */
  public JobClient client() {
    return client;
  }

  /**
   * The subscriptions of this node: what {@link JobClient#subscribe} and the awaits use, for an
   * integration that needs more, such as its own buffer size or the number of subscribers.
   */
  public JobSubscriptions subscriptions() {
    return subscriptions;
  }

  /** Rescue and purge, for scheduling by hand. */
  public Maintenance maintenance() {
    return maintenance;
  }

  /** The store the runtime works on. */
  public JobStorage storage() {
    return storage;
  }

  /**
   * The kinds this node has handlers for, sorted: the only kinds it claims. Jobs of other kinds
   * stay queued for a node that runs them.
   */
  public SortedSet<String> kinds() {
    return kinds;
  }

  /**
   * Every node that recorded its presence in the store within {@link #NODE_SILENCE}, this one
   * included once started, by name: what each serves and which kinds it runs.
   *
   * @throws dev.docket.usecase.port.StorageException if the store does not answer
   */
  public List<Node> nodes() {
    return nodeRegistry.seenSince(clock.instant().minus(NODE_SILENCE));
  }

  /**
   * Starts a worker pool per queue, the heartbeat that extends running jobs' leases, and the rescue
   * of expired leases.
   *
   * @throws IllegalStateException if the runtime was started before
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("This runtime was started before; make a new one.");
    }
    try {
      options
          .queues()
          .forEach(
              (queue, concurrency) ->
                  pools.put(
                      queue,
                      new WorkerPool(
                          queue, concurrency, processor, options, clock, random, metricsObserver)));
      subscription =
          wakeUps.subscribe(
              new WakeUps.Listener() {
                @Override
                public void wake(String queue) {
                  WorkerPool pool = pools.get(queue);
                  if (pool != null) {
                    pool.wake();
                  }
                }

                @Override
                public void wakeAll() {
                  pools.values().forEach(WorkerPool::wake);
                }
              });
      // The pools first: the first job waited for the executors, the node's description (a host
      // name lookup) and the timers below. The heartbeat's first beat is a third of a lease away.
      pools.values().forEach(WorkerPool::start);
      running = Map.copyOf(pools);
      long beat = options.heartbeatInterval().toMillis();
      // The heartbeat has a thread of its own: a slow maintenance round or schedule tick must
      // never delay it, or running jobs would lose their leases and run twice.
      heartbeats =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("docket-heartbeat").factory());
      heartbeats.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
      timers =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("docket-timers").factory());
      // Presence goes on the timer thread: a slow store must never delay the heartbeat.
      node = describe();
      long presence = Math.min(beat, PRESENCE_INTERVAL.toMillis());
      timers.scheduleWithFixedDelay(this::recordPresence, 0, presence, TimeUnit.MILLISECONDS);
      timers.scheduleWithFixedDelay(
          this::recordBusyChange,
          BUSY_CHECK.toMillis(),
          BUSY_CHECK.toMillis(),
          TimeUnit.MILLISECONDS);
      // The first maintenance round waits a moment: at start its statements (lease, rescue,
      // purges, aging) ran cold beside the first claims and held the first job back.
      timers.scheduleWithFixedDelay(
          this::maintain,
          Math.min(beat, MAINTENANCE_START_DELAY.toMillis()),
          beat,
          TimeUnit.MILLISECONDS);
      if (!schedules.isEmpty()) {
        timers.scheduleWithFixedDelay(this::fireSchedules, 0, 1, TimeUnit.SECONDS);
      }
      long historyEvery = options.historyInterval().toMillis();
      timers.scheduleWithFixedDelay(
          history::flush, historyEvery, historyEvery, TimeUnit.MILLISECONDS);
      state = State.RUNNING;
    } catch (RuntimeException | Error e) {
      state = State.RUNNING; // so that stop() undoes what did start
      stop(Duration.ZERO);
      throw e;
    }
    logWhatThisNodeRuns(LOG);
  }

  /** Says at start which queues and kinds this node runs, and warns when it has no handler. */
  void logWhatThisNodeRuns(System.Logger log) {
    var queues = new TreeMap<>(options.queues());
    if (kinds.isEmpty()) {
      log.log(
          Level.WARNING,
          "Docket runtime {0} serves queues {1} but has no handlers: it claims no jobs, and every"
              + " job stays queued for a node that has a handler for its kind.",
          options.owner(),
          queues);
    } else {
      log.log(
          Level.INFO,
          "Docket runtime {0} serves queues {1} and runs kinds {2}; jobs of other kinds stay"
              + " queued for nodes that run them.",
          options.owner(),
          queues,
          kinds);
    }
    if (!queues.containsKey(dev.docket.domain.JobSpec.DEFAULT_QUEUE)) {
      // Jobs submitted without a queue would wait here, unclaimed, without a word.
      log.log(
          Level.INFO,
          "Docket runtime {0} does not serve queue ''{1}'', where jobs submitted without a queue"
              + " go: submit them with .queue(..), or serve ''{1}'' on some node.",
          options.owner(),
          dev.docket.domain.JobSpec.DEFAULT_QUEUE);
    }
  }

  /** This node as the registry shows it, seen at start. */
  private Node describe() {
    Instant now = clock.instant();
    return new Node(
        options.owner(),
        host(),
        now,
        now,
        options.queues(),
        kinds,
        Optional.ofNullable(DocketRuntime.class.getPackage().getImplementationVersion())
            .filter(v -> !v.isBlank() && v.length() <= Node.MAX_VERSION_LENGTH),
        Map.of());
  }

  private static String host() {
    String host = RuntimeOptions.machineName().strip().replaceAll("\\p{Cntrl}", "");
    if (host.isEmpty()) {
      return "unknown";
    }
    return host.length() > Node.MAX_HOST_LENGTH ? host.substring(0, Node.MAX_HOST_LENGTH) : host;
  }

  /** Records this node in the store's registry as seen now, with its busy handlers. */
  private void recordPresence() {
    recordPresence(busyHandlers());
  }

  private void recordPresence(Map<String, Integer> busy) {
    try {
      nodeRegistry.beat(node.seenAt(clock.instant(), busy));
      recordedBusy = busy;
      presenceFailing = false;
      presenceLog.succeeded();
    } catch (RuntimeException e) {
      presenceFailing = true;
      presenceLog.failed(e);
    }
  }

  /**
   * Records this node's presence now if its busy handlers changed since the last record. Not while
   * the store fails: the regular record tries again, and this one would only add failed writes.
   */
  private void recordBusyChange() {
    Map<String, Integer> busy = busyHandlers();
    if (!presenceFailing && !busy.equals(recordedBusy)) {
      recordPresence(busy);
    }
  }

  /** Per queue, the handlers running now, never more than the queue's concurrency. */
  private Map<String, Integer> busyHandlers() {
    var busy = new TreeMap<String, Integer>();
    pools.forEach(
        (queue, pool) -> busy.put(queue, Math.min(pool.busy(), options.queues().get(queue))));
    return busy;
  }

  private void heartbeat() {
    try {
      processor.heartbeat();
      heartbeatLog.succeeded();
    } catch (RuntimeException e) {
      heartbeatLog.failed(e);
    }
  }

  /**
   * On the node that holds the maintenance lease only: rescue expired leases, purge finished jobs
   * past their retention, age waiting jobs, forget nodes silent for longer than {@link
   * #NODE_SILENCE}, purge audit entries past {@link RuntimeOptions#auditRetention()} and the
   * history of attempts past its retention. The lease outlives three rounds, so a dead holder is
   * replaced within seconds.
   */
  /** How long after start the first maintenance round waits. */
  static final Duration MAINTENANCE_START_DELAY = Duration.ofSeconds(1);

  private void maintain() {
    try {
      var ttl = options.heartbeatInterval().multipliedBy(3);
      if (!leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
        maintenanceLog.succeeded(); // the store answered: another node leads
        return;
      }
      int rescued = maintenance.rescueExpiredLeases();
      if (rescued > 0) {
        LOG.log(Level.INFO, "Rescued {0} jobs whose worker stopped reporting.", rescued);
      }
      // A long round renews the lease between steps, and stops if another node took it over.
      for (var retention : options.retention().entrySet()) {
        if (!leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
          return;
        }
        maintenance.purge(java.util.EnumSet.of(retention.getKey()), retention.getValue());
      }
      if (options.agingThreshold().isPresent()
          && leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
        maintenance.agePriorities(options.agingThreshold().get());
      }
      // Last, so that a registry that fails holds up none of the jobs' maintenance.
      if (leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
        int forgotten = nodeRegistry.expire(clock.instant().minus(NODE_SILENCE));
        if (forgotten > 0) {
          LOG.log(Level.INFO, "Forgot {0} nodes that stopped recording their presence.", forgotten);
        }
      }
      if (leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
        store.auditLog().purge(clock.instant().minus(options.auditRetention()));
      }
      if (leaderLease.tryAcquire(MAINTENANCE_LEASE, options.owner(), clock.instant(), ttl)) {
        history.purge();
      }
      maintenanceLog.succeeded();
    } catch (RuntimeException e) {
      maintenanceLog.failed(e);
    }
  }

  private void fireSchedules() {
    try {
      scheduler.tick(clock.instant());
      schedulesLog.succeeded();
    } catch (RuntimeException e) {
      schedulesLog.failed(e);
    }
  }

  /** Pauses {@code queue} on every node: its jobs wait until it is resumed. */
  public void pause(String queue) {
    queueControl.pause(queue, clock.instant());
  }

  /** Resumes {@code queue} on every node. */
  public void resume(String queue) {
    queueControl.resume(queue);
    // This node's workers claim at once; other nodes find the queue at their next poll.
    WorkerPool pool;
    synchronized (this) {
      pool = pools.get(queue);
    }
    if (pool != null) {
      pool.wake();
    }
  }

  /** The queues paused on every node. */
  public Set<String> pausedQueues() {
    return queueControl.pausedQueues();
  }

  /**
   * A schedule as operators see it.
   *
   * @param schedule the definition
   * @param enabled whether it fires
   * @param lastSlot the latest slot fired
   * @param nextSlot the next slot it will fire, if enabled
   */
  public record ScheduleView(
      Schedule schedule,
      boolean enabled,
      java.util.Optional<java.time.Instant> lastSlot,
      java.util.Optional<java.time.Instant> nextSlot) {}

  /** Every schedule of this runtime, with its shared state and next run. */
  public List<ScheduleView> schedules() {
    return scheduleControl.list().stream()
        .map(
            entry ->
                new ScheduleView(
                    entry.schedule().orElseThrow(),
                    entry.enabled(),
                    entry.lastSlot(),
                    entry.nextSlot()))
        .toList();
  }

  /**
   * Enables or disables a schedule on every node.
   *
   * @throws IllegalArgumentException if no schedule has that name
   */
  public void setScheduleEnabled(String name, boolean enabled) {
    scheduleControl.setEnabled(name, enabled);
  }

  /**
   * Submits a schedule's job now, outside its slots: the slots fire as before. The job carries a
   * unique key made from the time, so the schedule's history can tell it from other jobs of its
   * kind (see {@link Schedule#ranByHand}).
   *
   * @return the submitted job
   * @throws IllegalArgumentException if no schedule has that name
   */
  public dev.docket.domain.Job runScheduleNow(String name) {
    return scheduleControl.runNow(name);
  }

  /** Whether the runtime was started and has not stopped. */
  public synchronized boolean isRunning() {
    return state == State.RUNNING;
  }

  /** The options it runs with. */
  public RuntimeOptions options() {
    return options;
  }

  /** The store this runtime works on, with every port it has. */
  public DocketStore store() {
    return store;
  }

  /**
   * Statistics of every queue in the store, read at most once per two seconds however many callers
   * ask (counting scans the job table on PostgreSQL).
   *
   * @throws dev.docket.usecase.port.StorageException if the store cannot be read
   */
  public List<dev.docket.usecase.port.QueueStats> stats() {
    return stats.get();
  }

  /**
   * Completed and failed attempts on this node over the last ten minutes, in five-second buckets,
   * oldest first.
   */
  public Throughput throughput() {
    return throughput.view();
  }

  /**
   * The cluster's history of attempts per queue and kind over the last hour, day or week, summed
   * over every node, as the dashboard's charts draw it.
   */
  public ClusterHistory history() {
    return history;
  }

  /**
   * A throughput history of this node.
   *
   * @param start the start of the first bucket
   * @param bucket the width of each bucket
   * @param completed jobs completed per bucket, oldest first
   * @param failed attempts failed per bucket, oldest first
   */
  public record Throughput(
      java.time.Instant start, Duration bucket, List<Long> completed, List<Long> failed) {
    /** Copies the lists. */
    public Throughput {
      completed = List.copyOf(completed);
      failed = List.copyOf(failed);
    }
  }

  /** How many handlers run now on each queue. */
  public Map<String, Integer> busy() {
    var busy = new LinkedHashMap<String, Integer>();
    pools.forEach((queue, pool) -> busy.put(queue, pool.busy()));
    return busy;
  }

  /** Stops gracefully within the configured grace period, see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(options.shutdownGrace());
  }

  /**
   * Stops claiming, lets running handlers finish within {@code grace}, then interrupts them: their
   * jobs go back to pending without using an attempt. Every outcome is reported before this
   * returns, then the store's resources close. Stopping twice does nothing.
   */
  public synchronized void stop(Duration grace) {
    if (state == State.STOPPED) {
      return;
    }
    boolean wasRunning = state == State.RUNNING;
    state = State.STOPPED;
    running = Map.of();
    // Stopping must finish even when the caller was interrupted: remember it, restore it last.
    boolean interrupted = Thread.interrupted();
    if (wasRunning) {
      if (subscription != null) {
        subscription.close();
      }
      for (WorkerPool pool : List.copyOf(pools.values())) {
        pool.stop(grace);
      }
      for (ScheduledExecutorService executor : java.util.Arrays.asList(timers, heartbeats)) {
        if (executor != null) {
          executor.shutdownNow();
          try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      // After the pools and timers: the last outcomes are counted, and no flush runs beside this.
      history.flush();
      try {
        leaderLease.release(MAINTENANCE_LEASE, options.owner());
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Giving up the maintenance lease failed: {0}",
            dev.docket.domain.LogText.escape(e.getMessage()));
      }
      // After the timers stopped, so no late record of presence brings the node back.
      try {
        nodeRegistry.remove(options.owner());
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Removing this node from the node registry failed ({0}); the maintenance forgets it"
                + " once it has been silent for {1} seconds.",
            e.getMessage(),
            NODE_SILENCE.toSeconds());
      }
      LOG.log(Level.INFO, "Docket runtime {0} stopped.", options.owner());
    }
    // After the pools: a job finishing during the grace still completes its awaits.
    subscriptions.close();
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.log(
            Level.WARNING,
            "Closing {0} failed: {1}",
            resource,
            dev.docket.domain.LogText.escape(e.getMessage()));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
