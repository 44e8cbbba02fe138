package dev.docket.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "mail queue",
        "-leading-dash",
        "a';DROP TABLE jobs;--",
        "caf\u00e9",
        "tab\there",
        "new\nline",
        "\u0000",
        "a/b"
      })
  void queueNames_outsideTheSafeAlphabet_areRefused_naming_theValue(String name) {
    assertThatThrownBy(() -> Names.requireQueue(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Queue name '")
        .hasMessageContaining("is invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "mail", "billing.v2", "tenant-42", "a:b", "Q_1"})
  void queueNames_inTheSafeAlphabet_areAccepted(String name) {
    assertThat(Names.requireQueue(name)).isEqualTo(name);
  }

  @Test
  void lengthLimits_acceptTheLimit_andRefuseOneMore() {
    assertThat(Names.requireQueue("q".repeat(Names.MAX_QUEUE_LENGTH))).hasSize(64);
    assertThatThrownBy(() -> Names.requireQueue("q".repeat(Names.MAX_QUEUE_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Names.requireKind("k".repeat(Names.MAX_KIND_LENGTH))).hasSize(128);
    assertThatThrownBy(() -> Names.requireKind("k".repeat(Names.MAX_KIND_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void messages_quoteControlCharacters_andCutLongValues() {
    assertThatThrownBy(() -> Names.requireKind("bad\u0007kind"))
        .hasMessageContaining("'bad\\u0007kind'");
    assertThatThrownBy(() -> Names.requireKind("x".repeat(500) + " ")).hasMessageContaining("...'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "invoice-\u202Efdp.exe",
        "\u202Aa",
        "\u202Ba",
        "\u202Ca",
        "\u202Da",
        "\u2066a",
        "\u2067a",
        "\u2068a",
        "\u2069a",
        "a\u200Fb",
        "a\u061Cb",
        "a\u2028b",
        "a\u0085b"
      })
  void uniqueKeys_refuseBidirectionalAndOtherControlCharacters_thatWouldSpoofTheirDisplay(
      String key) {
    assertThatThrownBy(() -> Names.requireUniqueKey(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unique key")
        .hasMessageNotContaining("\u202E");
  }

  @Test
  void uniqueKeys_allowAnyText_butNoControlCharactersOrBrokenSurrogates() {
    assertThat(Names.requireUniqueKey("order 42 / caf\u00e9 \uD83D\uDE00")).isNotEmpty();
    assertThatThrownBy(() -> Names.requireUniqueKey("a\nb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
    assertThatThrownBy(() -> Names.requireUniqueKey("a\uD83D"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Names.requireUniqueKey("k".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void payload_overOneMebibyteOfUtf8_isRefused_evenWhenItsLengthInCharsIsUnder() {
    String threeByteChars = "\u20ac".repeat(JobSpec.MAX_PAYLOAD_BYTES / 3 + 1);
    assertThatThrownBy(() -> spec(threeByteChars, 3, List.of(), Fixtures.T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over the limit of 1048576 bytes");
    String exactly = "a".repeat(JobSpec.MAX_PAYLOAD_BYTES);
    assertThat(spec(exactly, 3, List.of(), Fixtures.T0).payload()).hasSize(1048576);
  }

  @Test
  void maxAttempts_outsideOneToAThousand_isRefused() {
    assertThatThrownBy(() -> spec("{}", 0, List.of(), Fixtures.T0))
        .hasMessageContaining("Max attempts 0");
    assertThatThrownBy(() -> spec("{}", 1_001, List.of(), Fixtures.T0))
        .hasMessageContaining("Max attempts 1001");
  }

  @Test
  void runAt_outsideWhatStoresHold_isRefused() {
    assertThatThrownBy(() -> spec("{}", 3, List.of(), Instant.parse("1969-12-31T23:59:59Z")))
        .hasMessageContaining("Run-at 1969-12-31T23:59:59Z is out of range");
    assertThatThrownBy(() -> spec("{}", 3, List.of(), Instant.parse("+10000-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tags_areSortedAndDeduplicated_andLimitedInNumberAndAlphabet() {
    assertThat(spec("{}", 3, List.of("b", "a", "b"), Fixtures.T0).tags()).containsExactly("a", "b");
    assertThatThrownBy(() -> spec("{}", 3, List.of("tenant 42"), Fixtures.T0))
        .hasMessageContaining("Tag 'tenant 42'");
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i <= JobSpec.MAX_TAGS; i++) {
      many.add("t" + i);
    }
    assertThatThrownBy(() -> spec("{}", 3, many, Fixtures.T0)).hasMessageContaining("21 tags");
    assertThatThrownBy(() -> spec("{}", 3, Collections.singletonList(null), Fixtures.T0))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void priorities_runFromZeroToAHundred_withNamedLevels() {
    assertThat(List.of(Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT))
        .extracting(Priority::value)
        .containsExactly(0, 50, 75, 100);
    assertThatThrownBy(() -> Priority.of(101)).hasMessageContaining("Priority 101");
    assertThatThrownBy(() -> Priority.of(-1)).hasMessageContaining("Priority -1");
  }

  @Test
  void jobIds_parseOnlyUuids_andCompareAsUnsignedNumbers() {
    assertThatThrownBy(() -> JobId.parse("1' OR '1'='1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a UUID");
    JobId small = JobId.of(new UUID(0x0190_0000_0000_7000L, 0x8000_0000_0000_0001L));
    JobId large = JobId.of(new UUID(0x0190_0000_0000_7000L, 0xC000_0000_0000_0001L));
    assertThat(small).isLessThan(large);
    assertThat(JobId.parse(small.toString())).isEqualTo(small);
  }

  @Test
  void attemptErrors_trimLongMessagesAndStacks_andSayHowMuchWasCut() {
    var error = new AttemptError(1, Fixtures.T0, "X", "m".repeat(5_000), "s".repeat(20_000));

    assertThat(error.message()).hasSize(AttemptError.MAX_MESSAGE_LENGTH).endsWith("trimmed)");
    assertThat(error.stackTrace()).hasSize(AttemptError.MAX_STACK_TRACE_LENGTH);
    assertThat(AttemptError.of(2, Fixtures.T0, new IllegalStateException("boom")))
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("java.lang.IllegalStateException");
              assertThat(e.message()).isEqualTo("boom");
              assertThat(e.stackTrace()).contains("ValidationTest");
            });
  }

  @Test
  void attemptErrors_replaceWhatNoStoreCanHold_insteadOfFailingTheReport() {
    var error = new AttemptError(1, Fixtures.T0, "X\u0000", "nul \u0000 half \uD800 end", null);

    assertThat(error.type()).isEqualTo("X\uFFFD");
    assertThat(error.message()).isEqualTo("nul \uFFFD half \uFFFD end");
    assertThat(new AttemptError(1, Fixtures.T0, "X", "ok \uD83D\uDE00", "").message())
        .isEqualTo("ok \uD83D\uDE00");
  }

  @Test
  void attemptErrors_ofExceptionsWhoseOwnCodeFails_areStillRecorded() {
    var unprintable =
        new RuntimeException() {
          @Override
          public String getMessage() {
            throw new IllegalStateException("no message");
          }
        };

    var error = AttemptError.of(1, Fixtures.T0, unprintable);

    assertThat(error.message()).contains("could not be read").contains("IllegalStateException");
    assertThat(error.stackTrace()).isNotEmpty();
  }

  @Test
  void priorityParse_takesALevelsNameInAnyCase_orAWholeNumber() {
    assertThat(Priority.parse("HIGH")).isEqualTo(Priority.HIGH);
    assertThat(Priority.parse("urgent")).isEqualTo(Priority.URGENT);
    assertThat(Priority.parse("Low")).isEqualTo(Priority.LOW);
    assertThat(Priority.parse("80")).isEqualTo(Priority.of(80));
    assertThat(Priority.parse("0")).isEqualTo(Priority.LOW);
    assertThat(Priority.ofName("normal")).contains(Priority.NORMAL);
    assertThat(Priority.ofName("75")).isEmpty();
  }

  @Test
  void priorityParse_refusesOtherText_andNumbersOutOfRange_namingTheValue() {
    assertThatThrownBy(() -> Priority.parse("highest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Priority 'highest' is not a whole number from 0 to 100, or LOW, NORMAL, HIGH or"
                + " URGENT.");
    assertThatThrownBy(() -> Priority.parse("7.5")).hasMessageContaining("'7.5'");
    assertThatThrownBy(() -> Priority.parse("99999999999")).hasMessageContaining("'99999999999'");
    assertThatThrownBy(() -> Priority.parse("101"))
        .hasMessage("Priority 101 is out of range: use 0 to 100.");
  }

  @Test
  void leaseOwners_withControlCharacters_areRefused() {
    assertThatThrownBy(() -> new Lease("worker\n1", 1, Fixtures.T0, Fixtures.T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control characters");
  }

  private static JobSpec spec(String payload, int maxAttempts, List<String> tags, Instant runAt) {
    return new JobSpec(
        "default",
        "k",
        payload,
        Priority.NORMAL,
        maxAttempts,
        RetryPolicy.exponential(),
        runAt,
        Optional.empty(),
        tags);
  }
}
