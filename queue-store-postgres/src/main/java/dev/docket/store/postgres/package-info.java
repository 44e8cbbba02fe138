/**
 * The PostgreSQL store: {@link dev.docket.store.postgres.PostgresStore} starts it from {@link
 * dev.docket.store.postgres.PostgresOptions} and hands out its {@link
 * dev.docket.usecase.port.JobStorage} and {@link dev.docket.usecase.port.WakeUps}.
 *
 * <p>docs/postgres.md describes the schema, the claim and completion statements, fencing and
 * wake-ups.
 */
package dev.docket.store.postgres;
