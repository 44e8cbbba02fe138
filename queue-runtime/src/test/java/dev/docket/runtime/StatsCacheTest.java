package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatsCacheTest {
  /**
   * A memory store whose statistics can be taken down, as a database outage takes them, and which
   * counts how often they are asked for.
   */
  static final class Outage {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger statsReads = new AtomicInteger();
    final AtomicLong nanoTime = new AtomicLong();
    final JobClient client;
    final StatsCache cache;

    Outage() {
      JobStorage memory = MemoryStore.create();
      JobStorage storage =
          (JobStorage)
              Proxy.newProxyInstance(
                  JobStorage.class.getClassLoader(),
                  new Class<?>[] {JobStorage.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("stats")) {
                      statsReads.incrementAndGet();
                      if (down.get()) {
                        throw new StorageException(
                            "PostgreSQL could not read statistics: Connection is not available",
                            null,
                            true);
                      }
                    }
                    try {
                      return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
      client =
          new JobClient(
              storage,
              JacksonPayloadCodec.create(),
              InstantSource.system(),
              ThreadLocalRandom.current());
      cache = new StatsCache(client, nanoTime::get);
    }

    void submit(String queue) {
      client.submit(JobRequest.ofJson("k", "{}").queue(queue).build());
    }

    void age() {
      nanoTime.addAndGet(StatsCache.MAX_AGE.toNanos());
    }
  }

  private final Outage store = new Outage();

  @Test
  void statistics_areReadOncePerMaxAge() {
    store.submit("mail");

    assertThat(store.cache.get())
        .singleElement()
        .satisfies(s -> assertThat(s.queue()).isEqualTo("mail"));
    store.cache.get();
    store.age();
    store.cache.get();

    assertThat(store.statsReads).hasValue(2);
  }

  @Test
  void aFailedRead_isKeptForMaxAge_soReadersAfterItDoNotEachWaitForTheStore() {
    store.submit("mail");
    store.down.set(true);

    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(store.cache::get)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("Connection is not available")
          .satisfies(e -> assertThat(((StorageException) e).isUnreachable()).isTrue());
    }
    assertThat(store.statsReads).as("reads of the store during one max age").hasValue(1);

    store.down.set(false);
    store.age();

    assertThat(store.cache.get()).hasSize(1);
    assertThat(store.statsReads).hasValue(2);
  }
}
