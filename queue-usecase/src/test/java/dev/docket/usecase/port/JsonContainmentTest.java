package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Containment as PostgreSQL's {@code jsonb @>} decides it; each case was checked there. */
class JsonContainmentTest {

  @ParameterizedTest(name = "{0} @> {1} is {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": 1, \"b\": 2}          | {\"a\": 1}                | true",
        "{\"a\": {\"b\": 1, \"c\": 2}} | {\"a\": {\"b\": 1}}       | true",
        "{\"a\": {\"b\": 1}}         | {\"a\": {}}              | true",
        "{\"a\": 1}                | {}                       | true",
        "{\"a\": 1}                | []                       | false",
        "[]                        | {}                       | false",
        "{\"a\": 1, \"a\": 2}        | {\"a\": 2}                | true",
        "{\"a\": 1, \"a\": 2}        | {\"a\": 1}                | false",
        "[1, 2, 3]                 | [3, 1, 1]                | true",
        "[1, [2]]                  | [2]                      | false",
        "[[1, 2], [3]]             | [[1, 3]]                 | false",
        "[[1, 2], [3]]             | [[2], [3]]               | true",
        "[{\"a\": 1, \"b\": 2}]      | [{\"b\": 2}]              | true",
        "{\"a\": [\"x\"]}            | {\"a\": \"x\"}             | false",
        "{\"a\": \"x\"}              | {\"a\": [\"x\"]}           | false",
        "\"x\"                       | [\"x\"]                    | false",
        "{\"n\": 1.0}              | {\"n\": 1}                | true",
        "{\"n\": -0}               | {\"n\": 0}                | true",
        "{\"n\": 100}              | {\"n\": 1e2}              | true",
        "{\"n\": 1}                | {\"n\": \"1\"}              | false",
        "{\"n\": null}             | {\"n\": null}             | true",
        "{\"n\": false}            | {\"n\": null}             | false",
        "{\"s\": \"caf\\u00e9\"}       | {\"s\": \"café\"}           | true",
        "{\"s\": \"a\\/b\"}          | {\"s\": \"a/b\"}            | true",
      })
  void containment_isDecided_asJsonbDoes(String document, String filter, boolean contained) {
    assertThat(
            JsonContainment.contains(
                JsonContainment.parsePayload(document), JsonContainment.parseFilter(filter)))
        .isEqualTo(contained);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{\"a\": ", "not json", "[1,]"})
  void aPayloadThatIsNotJson_containsNothing(String payload) {
    assertThat(JsonContainment.parsePayload(payload)).isNull();
  }
}
