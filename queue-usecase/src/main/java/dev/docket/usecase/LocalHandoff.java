package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.usecase.port.ClaimRequest;
import java.util.Optional;

/**
 * This node's idle handlers, to which a job submitted here can go straight away: {@link JobClient}
 * stores such a job already claimed for the handler ({@link
 * dev.docket.usecase.port.JobSubmissions#insertClaimed}), which saves the claim's round trip
 * between the submit and the start. The runtime provides one; without it every job is stored
 * unclaimed and waits for a claim.
 *
 * <p>Implementations are thread-safe.
 */
public interface LocalHandoff {
  /** No handler is ever idle here: jobs wait for a claim. */
  LocalHandoff NONE = (queue, kind) -> Optional.empty();

  /**
   * Reserves an idle handler for a job of {@code queue} and {@code kind}.
   *
   * @return the reserved handler, or empty when none is idle for such a job
   */
  Optional<Slot> reserve(String queue, String kind);

  /** A reserved handler. Exactly one of {@link #take} and {@link #release} is called, once. */
  interface Slot {
    /** The claim to store the job under. */
    ClaimRequest claim();

    /**
     * The job was stored claimed under {@link #claim()}: from now on the node holds it (its lease
     * is extended like a claimed job's). Running the returned action starts its handler; the caller
     * runs it once it has told listeners of the submission, so that they hear of it before the job
     * starts.
     */
    Runnable take(Job claimed);

    /** The job was stored unclaimed, or storing it failed: the handler is free again. */
    void release();
  }
}
