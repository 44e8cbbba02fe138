package dev.docket.benchmarks.archfixture;

import dev.docket.runtime.archfixture.RuntimeWorker;

/** A benchmark of the runtime, which the benchmarks' allow-list does not name. */
public final class BenchmarkUsingTheRuntime {

  public void measure() {
    new RuntimeWorker().start();
  }
}
