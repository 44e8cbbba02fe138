package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.StorageException;
import dev.docket.usecase.port.WakeUps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness asks the store, and says not ready when it fails or is too slow to answer. */
class ReadinessProbeTest {
  private final MemoryStore memory = MemoryStore.start();
  private final AtomicReference<Runnable> health = new AtomicReference<>(() -> {});
  private final CountDownLatch release = new CountDownLatch(1);
  private DocketRuntime runtime;
  private DocketServer server;

  private final DocketStore store =
      new DocketStore() {
        @Override
        public JobStorage storage() {
          return memory.storage();
        }

        @Override
        public WakeUps wakeUps() {
          return memory.wakeUps();
        }

        @Override
        public dev.docket.usecase.port.JobChanges changes() {
          return memory.changes();
        }

        @Override
        public QueueControl queueControl() {
          return memory.queueControl();
        }

        @Override
        public ScheduleStates scheduleStates() {
          return memory.scheduleStates();
        }

        @Override
        public LeaderLease leaderLease() {
          return memory.leaderLease();
        }

        @Override
        public dev.docket.usecase.port.NodeRegistry nodeRegistry() {
          return memory.nodeRegistry();
        }

        @Override
        public dev.docket.usecase.port.AuditLog auditLog() {
          return memory.auditLog();
        }

        @Override
        public dev.docket.usecase.port.JobHistory jobHistory() {
          return memory.jobHistory();
        }

        @Override
        public void checkHealth() {
          health.get().run();
        }
      };

  private HttpResponse<String> ready() throws Exception {
    if (server == null) {
      var injector =
          Guice.createInjector(
              new AbstractModule() {
                @Override
                protected void configure() {
                  bind(DocketStore.class).toInstance(store);
                }
              },
              new DocketModule(RuntimeOptions.defaults()),
              new HttpModule(HttpOptions.builder().port(0).build()));
      runtime = injector.getInstance(DocketRuntime.class);
      server = injector.getInstance(DocketServer.class);
      runtime.start();
      server.start();
    }
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.url() + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
      runtime.close();
    }
  }

  @Test
  void ready_whileTheStoreAnswers() throws Exception {
    var response = ready();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"up\"}");
  }

  @Test
  void notReady_withTheStoresReason_whenTheStoreFails() throws Exception {
    health.set(
        () -> {
          throw new StorageException("PostgreSQL could not answer a health check: refused");
        });

    var response = ready();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("\"status\":\"down\"").contains("refused");
  }

  @Test
  void notReady_whenTheStoreDoesNotAnswerInTime() throws Exception {
    health.set(
        () -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    var response = ready();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("did not answer within 2000 ms");
  }

  @Test
  void notReady_onceTheRuntimeStopped_thoughTheServerStillAnswers() throws Exception {
    assertThat(ready().statusCode()).isEqualTo(200);
    runtime.close();

    var response = ready();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("The runtime is not running.");
  }
}
