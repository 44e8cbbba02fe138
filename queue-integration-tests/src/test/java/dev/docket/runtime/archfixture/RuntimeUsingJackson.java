package dev.docket.runtime.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A runtime class that uses Jackson itself instead of the use cases' payload codec. */
public final class RuntimeUsingJackson {

  private final ObjectMapper mapper = new ObjectMapper();

  public String describe(Object payload) throws Exception {
    return mapper.writeValueAsString(payload);
  }
}
