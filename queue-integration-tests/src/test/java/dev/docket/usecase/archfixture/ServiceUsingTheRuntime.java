package dev.docket.usecase.archfixture;

import dev.docket.runtime.archfixture.RuntimeWorker;

/** A service that reaches into the runtime, which is built on the use cases, not under them. */
public final class ServiceUsingTheRuntime {

  public void start() {
    new RuntimeWorker().start();
  }
}
