package dev.docket.usecase.archfixture;

/** A stand-in use-case service that other fixtures depend on where they must not. */
public final class FixtureService {

  public void run() {}
}
