package dev.docket.store.postgres;

import dev.docket.domain.Names;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleState;
import dev.docket.usecase.port.ScheduleStates;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * The state every node shares besides the jobs: paused queues (which the claim statement reads),
 * schedule states and leader leases. Each operation is one statement.
 */
final class PostgresControl implements QueueControl, ScheduleStates, LeaderLease {
  private final Jdbi jdbi;
  private final Sql sql;

  PostgresControl(Jdbi jdbi, Sql sql) {
    this.jdbi = jdbi;
    this.sql = sql;
  }

  void ping() {
    Failures.translate(
        "answer a health check",
        () ->
            Transactions.autocommit(
                jdbi, h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()));
  }

  @Override
  public void pause(String queue, Instant at) {
    Names.requireQueue(queue);
    Failures.translate(
        "pause queue " + queue,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.pause)
                        .bind("queue", queue)
                        .bind("at", JobRows.offset(at))
                        .execute()));
  }

  @Override
  public void resume(String queue) {
    Names.requireQueue(queue);
    Failures.translate(
        "resume queue " + queue,
        () ->
            Transactions.autocommit(
                jdbi,
                h -> {
                  h.createUpdate(sql.resume).bind("queue", queue).execute();
                  new JobInserter(sql).notify(h.getConnection(), Set.of(queue));
                  return null;
                }));
  }

  @Override
  public Set<String> pausedQueues() {
    return Failures.translate(
        "read paused queues",
        () ->
            Transactions.autocommit(
                jdbi, h -> new TreeSet<>(h.createQuery(sql.paused).mapTo(String.class).list())));
  }

  @Override
  public ScheduleState register(String name) {
    Names.requireKind(name);
    return Failures.translate(
        "register schedule " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h -> {
                  h.createUpdate(sql.registerSchedule).bind("name", name).execute();
                  return h.createQuery(sql.findSchedule)
                      .bind("name", name)
                      .map((rs, ctx) -> schedule(rs))
                      .one();
                }));
  }

  @Override
  public void define(String name, String definition) {
    Names.requireKind(name);
    Objects.requireNonNull(definition, "definition");
    Failures.translate(
        "define schedule " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.defineSchedule)
                        .bind("name", name)
                        .bind("definition", definition)
                        .execute()));
  }

  @Override
  public Optional<ScheduleState> find(String name) {
    Objects.requireNonNull(name, "name");
    return Failures.translate(
        "read schedule " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(sql.findSchedule)
                        .bind("name", name)
                        .map((rs, ctx) -> schedule(rs))
                        .findOne()));
  }

  @Override
  public List<ScheduleState> list() {
    return Failures.translate(
        "list schedules",
        () ->
            Transactions.autocommit(
                jdbi, h -> h.createQuery(sql.listSchedules).map((rs, ctx) -> schedule(rs)).list()));
  }

  @Override
  public boolean setEnabled(String name, boolean enabled) {
    return Failures.translate(
        "enable schedule " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.enableSchedule)
                            .bind("name", name)
                            .bind("enabled", enabled)
                            .execute()
                        > 0));
  }

  @Override
  public void markFired(String name, Instant slot) {
    Names.requireKind(name);
    Failures.translate(
        "record a fired slot of schedule " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.markFired)
                        .bind("name", name)
                        .bind("slot", JobRows.offset(slot))
                        .execute()));
  }

  @Override
  public boolean tryAcquire(String name, String owner, Instant now, Duration ttl) {
    return Failures.translate(
        "take lease " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(sql.acquireLease)
                        .bind("name", name)
                        .bind("owner", owner)
                        .bind("expires", JobRows.offset(now.plus(ttl)))
                        .bind("now", JobRows.offset(now))
                        .mapTo(String.class)
                        .findOne()
                        .isPresent()));
  }

  @Override
  public void release(String name, String owner) {
    Failures.translate(
        "give up lease " + name,
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.releaseLease)
                        .bind("name", name)
                        .bind("owner", owner)
                        .execute()));
  }

  private static ScheduleState schedule(ResultSet rs) throws SQLException {
    return new ScheduleState(
        rs.getString("name"),
        rs.getBoolean("enabled"),
        Optional.ofNullable(rs.getObject("last_slot", OffsetDateTime.class))
            .map(OffsetDateTime::toInstant),
        Optional.ofNullable(rs.getString("definition")));
  }
}
