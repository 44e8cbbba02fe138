package dev.docket.usecase.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A service that uses Jackson outside the json package. */
public final class ServiceUsingJackson {

  private final ObjectMapper mapper = new ObjectMapper();

  public String encode(Object payload) throws Exception {
    return mapper.writeValueAsString(payload);
  }
}
