package dev.docket.store.memory.archfixture;

import dev.docket.usecase.port.JobClaims;

/**
 * A public store class implementing only the worker path of JobStorage: a store implements the
 * whole port, in a package-private adapter.
 */
public abstract class PartialStorage implements JobClaims {}
