/**
 * The ports Docket's use cases need from the outside world, and the values that cross them.
 *
 * <p>A store implements {@link dev.docket.usecase.port.JobStorage}, which is the sum of four
 * capability ports that the use cases depend on one by one: {@link
 * dev.docket.usecase.port.JobSubmissions} and {@link dev.docket.usecase.port.JobOperations} for the
 * client, {@link dev.docket.usecase.port.JobClaims} for the worker, {@link
 * dev.docket.usecase.port.JobMaintenance} for the maintenance. The {@code queue-testkit} module's
 * contract suite says what every implementation must do, one capability at a time.
 */
package dev.docket.usecase.port;
