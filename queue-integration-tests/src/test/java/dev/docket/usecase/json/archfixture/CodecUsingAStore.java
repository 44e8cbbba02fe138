package dev.docket.usecase.json.archfixture;

import dev.docket.store.postgres.archfixture.PostgresJobStorage;

/** A json codec that depends on a store: the codec knows only Jackson and the use cases. */
public final class CodecUsingAStore {

  public Object store() {
    return PostgresJobStorage.class;
  }
}
