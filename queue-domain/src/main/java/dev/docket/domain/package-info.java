/**
 * Docket's domain: a {@link dev.docket.domain.Job}, the states it moves through, how it is retried
 * and in which order it runs.
 *
 * <p>Everything here is an immutable value or a pure function of its inputs. Time and randomness
 * come in as arguments, so that the same inputs always give the same job. The package depends on
 * the JDK only.
 */
package dev.docket.domain;
