package dev.docket.usecase.port;

import java.util.List;

/**
 * The feed of job changes a store accepted: every new job, every change of state or attempt and
 * every progress report, made by this process or, for a shared store, by any node. It is what
 * subscriptions and awaiting a job's result are built on.
 *
 * <p>The feed is only for changes the store committed: a refused or rolled-back change is never
 * sent. It is best effort in one way only: a feed that loses changes (a dropped database
 * connection) says so with {@link Sink#missed()}, and its sinks read again what they need. The
 * order of changes to one job is the order the store made them in; a sink tells an old change of a
 * job from a newer one by {@link JobChange#version()}. Deletions are not sent. Thread-safe.
 */
public interface JobChanges {

  /** Receives changes. Called on the feed's own thread: return quickly, and don't block. */
  interface Sink {
    /** Changes the store accepted, oldest first. */
    void changed(List<JobChange> changes);

    /**
     * Changes may have been lost (the connection was down, or the feed has just begun sending to
     * this process and changes already under way may not reach it): read again what you need.
     */
    void missed();
  }

  /**
   * A registration; closing it stops the changes. A registration that does not need every change
   * says which jobs it does need, so that a store that pays per change sent (PostgreSQL) sends only
   * those. A store may always send more than was asked: a sink filters what it gets.
   */
  interface Subscription extends AutoCloseable {
    @Override
    void close();

    /**
     * Whether this registration needs every change ({@code true}, as it starts unless {@link
     * #subscribe(Sink, boolean)} said otherwise), or only those of the jobs it {@link #watch}es.
     * Widening takes effect before this returns; narrowing may take a moment.
     */
    default void everyChange(boolean every) {}

    /**
     * Asks for the changes of job {@code id} from now on, in effect before this returns: a change
     * committed after it is sent. Changes whose transactions were already under way may not be; the
     * feed's {@link Sink#missed()} after registering, and an await's own rechecks, cover them.
     */
    default void watch(dev.docket.domain.JobId id) {}

    /** No longer needs the changes of job {@code id}; may take a moment. */
    default void unwatch(dev.docket.domain.JobId id) {}
  }

  /** Registers {@code sink} for every change until the returned subscription is closed. */
  Subscription subscribe(Sink sink);

  /**
   * Registers {@code sink}, for every change or, with {@code everyChange} false, for the changes of
   * the jobs it {@linkplain Subscription#watch watches} (a store may send more).
   */
  default Subscription subscribe(Sink sink, boolean everyChange) {
    Subscription subscription = subscribe(sink);
    subscription.everyChange(everyChange);
    return subscription;
  }
}
