package dev.docket.usecase.archfixture;

import dev.docket.runtime.archfixture.RuntimeWorker;

/** A service that reaches into the runtime, which nothing may depend on. */
public final class ServiceUsingTheRuntime {

  public void start() {
    new RuntimeWorker().start();
  }
}
