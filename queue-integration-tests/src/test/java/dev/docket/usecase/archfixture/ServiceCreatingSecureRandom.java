package dev.docket.usecase.archfixture;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** A service, not the Defaults class, that picks the default random source itself. */
public final class ServiceCreatingSecureRandom {

  public RandomGenerator random() {
    return new SecureRandom();
  }
}
