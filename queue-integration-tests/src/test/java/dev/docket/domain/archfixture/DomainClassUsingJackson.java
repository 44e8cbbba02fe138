package dev.docket.domain.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Breaks the domain allow-list on purpose: the domain must not know Jackson. */
public final class DomainClassUsingJackson {

  private final ObjectMapper mapper = new ObjectMapper();

  public String describe(Object value) throws Exception {
    return mapper.writeValueAsString(value);
  }
}
