package dev.docket.usecase.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.PayloadException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PayloadCodec} on Jackson. Records and {@code java.time} values work out of the box.
 *
 * <p>Decoding ignores properties the payload type does not have, so that jobs enqueued by an older
 * or newer version of an application still run after a field is removed or added. Text with a NUL
 * character or an unpaired surrogate is refused, since PostgreSQL's {@code jsonb} cannot hold it
 * and every store must accept the same payloads. Thread-safe.
 */
public final class JacksonPayloadCodec implements PayloadCodec {
  private final ObjectMapper mapper;

  private JacksonPayloadCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A codec with Docket's defaults. */
  public static JacksonPayloadCodec create() {
    return new JacksonPayloadCodec(
        JsonMapper.builder()
            .addModule(new ParameterNamesModule())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build());
  }

  @Override
  public String encode(Object payload) {
    Objects.requireNonNull(payload, "payload");
    String json;
    try {
      json = mapper.writeValueAsString(payload);
    } catch (JacksonException e) {
      throw new PayloadException(
          "A %s cannot be written as JSON: %s"
              .formatted(payload.getClass().getName(), e.getOriginalMessage()),
          e);
    }
    requireStorable(json);
    if (json.indexOf("\\u") >= 0) {
      requireStorable(parse(json));
    }
    return json;
  }

  /** Builds the reader and writer of {@code type} now, which Jackson then keeps. */
  @Override
  public void prepare(Class<?> type) {
    Objects.requireNonNull(type, "type");
    try {
      // Both fetch their root (de)serializer eagerly, and the mapper caches it for readValue.
      mapper.readerFor(type);
      mapper.writerFor(type);
    } catch (RuntimeException e) {
      // A type Jackson cannot handle fails with a PayloadException when it is used.
    }
  }

  @Override
  public <P> P decode(String json, Class<P> type) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
    try {
      return mapper.readValue(json, type);
    } catch (JacksonException e) {
      throw new PayloadException(
          "The payload cannot be read as a %s: %s".formatted(type.getName(), describe(e)), e);
    }
  }

  /**
   * What went wrong, without quoting the payload: Jackson's messages quote the offending text, and
   * this message goes into the job's error, the dashboard and the dead-letter log line, where
   * whoever enqueued the job would choose what it says. Field names are quoted escaped.
   */
  private static String describe(JacksonException e) {
    String where = "";
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
        && !mapping.getPath().isEmpty()) {
      var path = new StringBuilder();
      for (var ref : mapping.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      where = "field " + dev.docket.domain.Names.quote(path.toString()) + " ";
    }
    var location = e.getLocation();
    String at =
        location == null || location.getLineNr() < 1
            ? ""
            : " (line %d, column %d)".formatted(location.getLineNr(), location.getColumnNr());
    if (e instanceof com.fasterxml.jackson.core.JsonParseException
        || e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
      return "it is not valid JSON" + at + ".";
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch) {
      Class<?> target = mismatch.getTargetType();
      return where
          + "has a value of the wrong type or form"
          + (target == null ? "" : " for a " + target.getSimpleName())
          + at
          + ".";
    }
    return where + "cannot be mapped onto the type" + at + ".";
  }

  @Override
  public String validate(String json) {
    Objects.requireNonNull(json, "json");
    requireStorable(json);
    JsonNode tree = parse(json);
    if (json.indexOf("\\u") >= 0) {
      requireStorable(tree);
    }
    return json;
  }

  private JsonNode parse(String json) {
    try {
      JsonNode tree = mapper.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new PayloadException("The payload is empty: it must be one JSON value.");
      }
      return tree;
    } catch (JacksonException e) {
      throw new PayloadException("The payload is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void requireStorable(JsonNode node) {
    if (node.isTextual()) {
      requireStorable(node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        requireStorable(field.getKey());
        requireStorable(field.getValue());
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        requireStorable(element);
      }
    }
  }

  private static void requireStorable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        throw new PayloadException(
            "The payload contains a NUL character (\\u0000), which stores cannot hold.");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new PayloadException(
            "The payload contains an unpaired surrogate at index " + i + ".");
      }
      if (Character.isLowSurrogate(c)) {
        throw new PayloadException(
            "The payload contains an unpaired surrogate at index " + i + ".");
      }
    }
  }
}
