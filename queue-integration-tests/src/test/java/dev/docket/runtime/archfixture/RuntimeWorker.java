package dev.docket.runtime.archfixture;

/** A stand-in runtime class, the target of a forbidden dependency. */
public final class RuntimeWorker {

  public void start() {}
}
