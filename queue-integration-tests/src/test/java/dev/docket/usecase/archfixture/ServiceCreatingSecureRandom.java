package dev.docket.usecase.archfixture;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** A service that picks the default random source itself instead of receiving one. */
public final class ServiceCreatingSecureRandom {

  public RandomGenerator random() {
    return new SecureRandom();
  }
}
