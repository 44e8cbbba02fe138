/**
 * Docket's use cases, and the API handlers and applications are written against.
 *
 * <p>{@link dev.docket.usecase.JobClient} submits and manages jobs, {@link
 * dev.docket.usecase.JobProcessor} claims and runs them with the handlers of a {@link
 * dev.docket.usecase.HandlerRegistry}, and {@link dev.docket.usecase.Maintenance} rescues and
 * purges. Each depends on the parts of the {@link dev.docket.usecase.port.JobStorage} port it
 * calls: the client on {@link dev.docket.usecase.port.JobSubmissions} and {@link
 * dev.docket.usecase.port.JobOperations}, the processor on {@link
 * dev.docket.usecase.port.JobClaims}, the maintenance on {@link
 * dev.docket.usecase.port.JobMaintenance}; a whole {@code JobStorage} serves them all. They take
 * their clock and random source from the caller.
 */
package dev.docket.usecase;
