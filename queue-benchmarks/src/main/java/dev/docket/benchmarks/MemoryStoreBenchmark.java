package dev.docket.benchmarks;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A job's whole life in the in-memory store, 100 jobs per operation: insert them, claim them in one
 * call, report them completed in one call. Scores are jobs per second. The processor variant adds
 * what a worker does around the store: decoding the payload, running a no-op handler, building the
 * outcome.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MemoryStoreBenchmark {
  static final int BATCH = 100;
  static final JobType<Ping> PING = JobType.of("bench.ping", Ping.class);

  /** A small payload. */
  public record Ping(int n) {}

  @Param({"0", "100000"})
  public int waiting;

  private JobStorage storage;
  private JobClient client;
  private JobProcessor processor;
  private final InstantSource clock = InstantSource.system();

  /** A fresh store each iteration: completed jobs pile up otherwise, and the heap with them. */
  @Setup(Level.Iteration)
  public void setUp() {
    storage = MemoryStore.create();
    var codec = JacksonPayloadCodec.create();
    client = new JobClient(storage, codec, clock, ThreadLocalRandom.current());
    var handlers = new HandlerRegistry().register(PING, (ping, context) -> {});
    processor =
        new JobProcessor(
            storage, handlers, codec, clock, ThreadLocalRandom.current(), ProcessorOptions.of("w"));
    // Jobs scheduled far ahead sit in the same queue and must cost a claim nothing.
    var later = new ArrayList<JobRequest>();
    for (int i = 0; i < waiting; i++) {
      later.add(JobRequest.of(PING, new Ping(i)).delay(Duration.ofDays(1)).build());
      if (later.size() == 1_000) {
        client.submitAll(later);
        later.clear();
      }
    }
    client.submitAll(later);
  }

  private List<JobRequest> batch() {
    var requests = new ArrayList<JobRequest>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      requests.add(JobRequest.of(PING, new Ping(i)).build());
    }
    return requests;
  }

  /** Insert, claim and complete 100 jobs through the storage port alone. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(1)
  public int storeLife() {
    return life();
  }

  /** The same from two threads at once, as two workers on two cores. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(2)
  public int storeLifeTwoThreads() {
    return life();
  }

  private int life() {
    client.submitAll(batch());
    Instant now = clock.instant();
    List<Job> claimed =
        storage.claim(new ClaimRequest("default", BATCH, "w", Duration.ofMinutes(1), now));
    var outcomes = new ArrayList<Outcome>(claimed.size());
    for (Job job : claimed) {
      outcomes.add(new Outcome.Completed(job.id(), job.lease().orElseThrow().fence(), now));
    }
    return storage.report(outcomes).size() + claimed.size();
  }

  /** Insert 100 jobs, then the processor claims, runs a no-op handler and reports them. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(1)
  public int processorDrain() {
    client.submitAll(batch());
    return processor.processBatch("default", BATCH).size();
  }
}
