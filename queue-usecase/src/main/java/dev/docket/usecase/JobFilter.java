package dev.docket.usecase;

import dev.docket.domain.JobId;
import dev.docket.usecase.port.JobChange;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Which job changes a subscriber hears of: those of jobs in one of {@code queues}, of one of {@code
 * kinds}, with one of {@code jobIds} and carrying one of {@code tags}. An empty set does not
 * narrow: {@link #all()} matches every change.
 *
 * <pre>{@code
 * JobFilter.all().queues("emails").tags("tenant:42")
 * }</pre>
 *
 * @param queues the queues, or empty for any
 * @param kinds the kinds, or empty for any
 * @param jobIds the jobs, or empty for any
 * @param tags the tags of which a job must carry at least one, or empty for any
 * @param stats whether the subscriber also gets the queues' statistics, at a bounded rate
 */
public record JobFilter(
    Set<String> queues, Set<String> kinds, Set<JobId> jobIds, Set<String> tags, boolean stats) {

  /** Copies the sets. */
  public JobFilter {
    queues = Set.copyOf(queues);
    kinds = Set.copyOf(kinds);
    jobIds = Set.copyOf(jobIds);
    tags = Set.copyOf(tags);
  }

  /** Every change, no statistics. */
  public static JobFilter all() {
    return new JobFilter(Set.of(), Set.of(), Set.of(), Set.of(), false);
  }

  /** The changes of one job. */
  public static JobFilter job(JobId id) {
    return all().jobIds(Objects.requireNonNull(id, "id"));
  }

  /**
   * This filter with its queues set to {@code names}: the queues a previous call gave are replaced,
   * not narrowed further. Duplicates are ignored; no name may be null.
   */
  public JobFilter queues(String... names) {
    return new JobFilter(setOf(names), kinds, jobIds, tags, stats);
  }

  /**
   * This filter with its kinds set to {@code names}, replacing those a previous call gave.
   * Duplicates are ignored; no name may be null.
   */
  public JobFilter kinds(String... names) {
    return new JobFilter(queues, setOf(names), jobIds, tags, stats);
  }

  /**
   * This filter with its jobs set to {@code ids}, replacing those a previous call gave. Duplicates
   * are ignored; no id may be null.
   */
  public JobFilter jobIds(JobId... ids) {
    return new JobFilter(queues, kinds, setOf(ids), tags, stats);
  }

  /**
   * This filter with its tags set to {@code names} (a job must carry at least one), replacing those
   * a previous call gave. Duplicates are ignored; no name may be null.
   */
  public JobFilter tags(String... names) {
    return new JobFilter(queues, kinds, jobIds, setOf(names), stats);
  }

  /** The distinct elements; Set.of would throw on a duplicate, which a caller may well pass. */
  @SafeVarargs
  private static <T> Set<T> setOf(T... elements) {
    return Set.copyOf(Arrays.asList(elements));
  }

  /** This filter, with the queues' statistics pushed too. */
  public JobFilter withStats() {
    return new JobFilter(queues, kinds, jobIds, tags, true);
  }

  /** Whether {@code change} passes. */
  public boolean matches(JobChange change) {
    return (queues.isEmpty() || queues.contains(change.queue()))
        && (kinds.isEmpty() || kinds.contains(change.kind()))
        && (jobIds.isEmpty() || jobIds.contains(change.jobId()))
        && (tags.isEmpty() || change.tags().stream().anyMatch(tags::contains));
  }
}
