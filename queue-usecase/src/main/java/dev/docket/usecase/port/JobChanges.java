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

  /** A registration; closing it stops the changes. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Registers {@code sink} until the returned subscription is closed. */
  Subscription subscribe(Sink sink);
}
