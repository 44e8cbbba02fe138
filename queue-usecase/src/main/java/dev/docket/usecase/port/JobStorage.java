package dev.docket.usecase.port;

/**
 * Where jobs live: the port every store implements, whole, over one set of jobs.
 *
 * <p>A store persists {@link dev.docket.domain.Job} snapshots and makes the domain's transitions
 * atomic and safe under concurrency; it decides nothing itself. Time comes in with each request, so
 * a store reads no clock. Implementations are thread-safe. Failures of the underlying technology
 * surface as {@link StorageException}.
 *
 * <p>The port is the sum of four capabilities, each a port of its own so that a use case depends
 * only on what it calls:
 *
 * <ul>
 *   <li>{@link JobSubmissions}: storing new jobs ({@code insert}), for {@link
 *       dev.docket.usecase.JobClient}'s submits;
 *   <li>{@link JobClaims}: the worker path ({@code claim}, {@code report}, {@code extendLeases}),
 *       for {@link dev.docket.usecase.JobProcessor};
 *   <li>{@link JobOperations}: what operators do ({@code find}, {@code list}, {@code update},
 *       {@code delete}, {@code stats}, {@code running}), for the rest of {@link
 *       dev.docket.usecase.JobClient} and the dashboard;
 *   <li>{@link JobMaintenance}: housekeeping ({@code rescueExpired}, {@code agePriorities}, {@code
 *       purge}), for {@link dev.docket.usecase.Maintenance}.
 * </ul>
 *
 * <p>A store implements this interface, never one part alone: the parts share one set of jobs, and
 * a runtime is wired from one {@code JobStorage}. The contract suite in {@code queue-testkit} pins
 * down every rule written on the parts, in one abstract class per capability.
 */
public interface JobStorage extends JobSubmissions, JobClaims, JobOperations, JobMaintenance {}
