package dev.docket.usecase.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.port.PayloadException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JacksonPayloadCodecTest {
  record Invoice(String customer, long cents, Instant due, List<String> lines) {}

  private final JacksonPayloadCodec codec = JacksonPayloadCodec.create();

  @Test
  void records_andTimes_roundTrip() {
    var invoice = new Invoice("ada", 1_999, Instant.parse("2030-01-01T10:00:00Z"), List.of("a"));

    String json = codec.encode(invoice);

    assertThat(json).contains("\"due\":\"2030-01-01T10:00:00Z\"");
    assertThat(codec.decode(json, Invoice.class)).isEqualTo(invoice);
  }

  @Test
  void decode_ignoresPropertiesThePayloadTypeDoesNotHave() {
    String fromANewerVersion =
        "{\"customer\":\"ada\",\"cents\":5,\"due\":null,\"lines\":[],\"currency\":\"EUR\"}";

    assertThat(codec.decode(fromANewerVersion, Invoice.class).customer()).isEqualTo("ada");
  }

  @Test
  void decode_ofAMistypedField_namesTheTargetType() {
    assertThatThrownBy(() -> codec.decode("{\"cents\":\"lots\"}", Invoice.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining(Invoice.class.getName());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"cents\":\"lots\\n12:00:00 WARN forged line\"}",
        "{\"cents\":12, \"due\":\"tomorrow\\r\\nforged line\"}",
        "{\"customer\":{\"forged line\":1}}",
        "{\"cents\": forged line}",
        "{\"lines\":[\"a\", {\"x\": \"forged line\"}]}"
      })
  void decodeErrors_nameTheFieldAndTheType_butNeverQuoteThePayload(String json) {
    assertThatThrownBy(() -> codec.decode(json, Invoice.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("The payload cannot be read as a " + Invoice.class.getName())
        .hasMessageNotContaining("forged")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "{", "{\"a\":}", "[1,2", "{} {}", "nul", "'single'", "{\"a\":1,}"})
  void validate_refusesAnythingButOneCompleteJsonValue(String text) {
    assertThatThrownBy(() -> codec.validate(text)).isInstanceOf(PayloadException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "[]", "42", "\"text\"", "null", "{\"a\":[1,{\"b\":\"\\u00e9\"}]}"})
  void validate_acceptsAnyJsonValue_andReturnsItUnchanged(String json) {
    assertThat(codec.validate(json)).isSameAs(json);
  }

  @Test
  void textThatStoresCannotHold_isRefused_inRawJsonAndInEncodedObjects() {
    assertThatThrownBy(() -> codec.validate("{\"a\":\"x\\u0000y\"}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> codec.validate("{\"a\":\"\\ud800\"}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> codec.validate("{\"\\ud800\":1}"))
        .isInstanceOf(PayloadException.class);
    assertThatThrownBy(() -> codec.encode(new Invoice("a\u0000b", 1, null, List.of())))
        .isInstanceOf(PayloadException.class);
    assertThat(codec.validate("{\"emoji\":\"\\ud83d\\ude00\"}")).isNotEmpty();
    assertThatThrownBy(() -> codec.validate("{\"a\":\"x\uD800y\"}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> codec.encode(new Invoice("x\uDC00", 1, null, List.of())))
        .isInstanceOf(PayloadException.class);
  }

  @Test
  void encode_ofSomethingThatIsNotSerializable_isAPayloadException() {
    assertThatThrownBy(() -> codec.encode(new Object()))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("java.lang.Object");
  }
}
