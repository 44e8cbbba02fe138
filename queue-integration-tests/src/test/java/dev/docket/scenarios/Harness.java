package dev.docket.scenarios;

import dev.docket.store.memory.MemoryStore;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.Maintenance;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.PayloadCodec;
import java.time.Duration;
import java.util.SplittableRandom;

/** The use cases wired on the memory store, a settable clock and a seeded random source. */
final class Harness {
  static final Duration LEASE = Duration.ofSeconds(30);

  final MutableClock clock = MutableClock.standard();
  final JobStorage storage = MemoryStore.create();
  final PayloadCodec codec = JacksonPayloadCodec.create();
  final HandlerRegistry handlers = new HandlerRegistry();
  final SplittableRandom random;
  final JobClient client;
  final JobProcessor worker;
  final Maintenance maintenance;

  Harness(long seed) {
    this.random = new SplittableRandom(seed);
    this.client = new JobClient(storage, codec, clock, random);
    this.worker = processor("worker-1");
    this.maintenance = new Maintenance(storage, clock, random);
  }

  Harness() {
    this(42);
  }

  JobProcessor processor(String owner) {
    return new JobProcessor(
        storage, handlers, codec, clock, random, new ProcessorOptions(owner, LEASE));
  }
}
