package dev.docket.usecase.json.archfixture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A public codec whose API hands out Jackson types and exceptions instead of translating them. */
public final class CodecExposingObjectMapper {

  private final ObjectMapper mapper = new ObjectMapper();

  public ObjectMapper mapper() {
    return mapper;
  }

  public String encode(Object payload) throws JsonProcessingException {
    return mapper.writeValueAsString(payload);
  }
}
