/**
 * Docket's use cases, and the API handlers and applications are written against.
 *
 * <p>{@link dev.docket.usecase.JobClient} submits and manages jobs, {@link
 * dev.docket.usecase.JobProcessor} claims and runs them with the handlers of a {@link
 * dev.docket.usecase.HandlerRegistry}, and {@link dev.docket.usecase.Maintenance} rescues and
 * purges. All of them work against the {@link dev.docket.usecase.port.JobStorage} port and take
 * their clock and random source from the caller.
 */
package dev.docket.usecase;
