/**
 * The ports Docket's use cases need from the outside world, and the values that cross them.
 *
 * <p>A store implements {@link dev.docket.usecase.port.JobStorage}; the {@code queue-testkit}
 * module's contract suite says what every implementation must do.
 */
package dev.docket.usecase.port;
