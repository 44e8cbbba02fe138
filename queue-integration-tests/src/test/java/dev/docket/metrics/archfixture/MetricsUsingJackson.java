package dev.docket.metrics.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A metrics class that writes its own JSON instead of recording meters in Micrometer. */
public final class MetricsUsingJackson {

  private final ObjectMapper mapper = new ObjectMapper();

  public String snapshot(Object meters) throws Exception {
    return mapper.writeValueAsString(meters);
  }
}
