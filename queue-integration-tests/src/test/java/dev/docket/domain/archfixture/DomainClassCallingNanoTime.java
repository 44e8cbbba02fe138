package dev.docket.domain.archfixture;

/** Measures time inside the domain, which only callers may do. */
public final class DomainClassCallingNanoTime {

  public long elapsedSince(long start) {
    return System.nanoTime() - start;
  }
}
