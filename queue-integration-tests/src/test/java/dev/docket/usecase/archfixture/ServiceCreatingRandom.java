package dev.docket.usecase.archfixture;

import java.util.Random;

/** A service that makes its own random source instead of receiving one. */
public final class ServiceCreatingRandom {

  public int jitter() {
    return new Random().nextInt(100);
  }
}
