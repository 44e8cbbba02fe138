/**
 * The in-memory store: {@link dev.docket.store.memory.MemoryStore#create()} gives a thread-safe
 * {@link dev.docket.usecase.port.JobStorage} that keeps jobs in this JVM's heap.
 *
 * <p>It is the store of the embedded default and the fake for users' own tests. It has the same
 * semantics as the PostgreSQL store (the contract suite checks both) but keeps nothing across a
 * restart.
 */
package dev.docket.store.memory;
