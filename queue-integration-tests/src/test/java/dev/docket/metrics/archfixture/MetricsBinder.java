package dev.docket.metrics.archfixture;

/** A stand-in metrics class, the target of forbidden dependencies. */
public final class MetricsBinder {

  public void bind() {}
}
