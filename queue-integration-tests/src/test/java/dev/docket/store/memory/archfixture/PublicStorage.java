package dev.docket.store.memory.archfixture;

import dev.docket.usecase.port.JobStorage;

/**
 * A public JobStorage adapter, named for nothing: it should be a package-private InMemoryJobStorage
 * behind the MemoryStore factory.
 */
public abstract class PublicStorage implements JobStorage {}
