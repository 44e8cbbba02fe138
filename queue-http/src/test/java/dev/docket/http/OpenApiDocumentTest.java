package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.runtime.RuntimeOptions;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server serves describes the server: the same routes with the same
 * methods, the path parameters each takes, the fields of what it reads and writes, and which routes
 * need the token.
 */
class OpenApiDocumentTest {
  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  static HttpFixture docket;
  static JsonNode document;

  @BeforeAll
  static void start() {
    docket = HttpFixture.create(RuntimeOptions.defaults(), HttpFixture.httpOptions().build());
    docket.server.start();
    var response = docket.send(docket.anonymous("/openapi.json").GET());
    assertThat(response.status()).isEqualTo(200);
    document = response.json();
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  /** Every "METHOD /path" the document describes. */
  private static TreeSet<String> documentedOperations() {
    var operations = new TreeSet<String>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (METHODS.contains(method)) {
                            operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));
    return operations;
  }

  private static JsonNode operation(String route) {
    String[] parts = route.split(" ");
    return document.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
  }

  @Test
  void theServer_registersTheRoutesItIsKnownFor() {
    assertThat(docket.server.routeList())
        .hasSizeGreaterThanOrEqualTo(21)
        .contains("GET /api/jobs/{id}", "POST /api/jobs/bulk", "GET /metrics", "GET /openapi.json")
        .doesNotHaveDuplicates();
  }

  @Test
  void everyRegisteredRoute_isDocumented_withItsMethod() {
    assertThat(documentedOperations()).containsAll(docket.server.routeList());
  }

  @Test
  void everyDocumentedOperation_isARegisteredRoute() {
    assertThat(docket.server.routeList()).containsAll(documentedOperations());
  }

  @Test
  void everyPathParameter_isDeclaredByItsOperation_asARequiredPathParameter() {
    Pattern placeholder = Pattern.compile("\\{([^}]+)}");
    var softly = new SoftAssertions();
    for (String route : documentedOperations()) {
      var inTemplate = new TreeSet<String>();
      Matcher matcher = placeholder.matcher(route);
      while (matcher.find()) {
        inTemplate.add(matcher.group(1));
      }
      var declared = new TreeSet<String>();
      for (JsonNode parameter : parameters(route)) {
        if (parameter.path("in").asText().equals("path")) {
          declared.add(parameter.path("name").asText());
          softly
              .assertThat(parameter.path("required").asBoolean())
              .as("%s %s", route, parameter)
              .isTrue();
        }
      }
      softly.assertThat(declared).as(route).isEqualTo(inTemplate);
    }
    softly.assertAll();
  }

  /** The parameters of the path item and of the operation, with references resolved. */
  private static List<JsonNode> parameters(String route) {
    String path = route.split(" ")[1];
    var all = new ArrayList<JsonNode>();
    for (JsonNode list :
        List.of(
            document.path("paths").path(path).path("parameters"),
            operation(route).path("parameters"))) {
      list.forEach(p -> all.add(p.has("$ref") ? resolve(p.path("$ref").asText()) : p));
    }
    return all;
  }

  @Test
  void everyReference_resolves() {
    var refs = new ArrayList<String>();
    collectRefs(document, refs);

    assertThat(refs).isNotEmpty();
    assertThat(refs).allSatisfy(ref -> assertThat(resolve(ref).isMissingNode()).as(ref).isFalse());
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("$ref")) {
                  refs.add(field.getValue().asText());
                } else {
                  collectRefs(field.getValue(), refs);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }

  private static JsonNode resolve(String ref) {
    assertThat(ref).startsWith("#/");
    return document.at(ref.substring(1));
  }

  @Test
  void everyOperation_documentsExactlyOneSuccessStatus_andApiOnesDocument401() {
    var softly = new SoftAssertions();
    for (String route : documentedOperations()) {
      var statuses = new ArrayList<String>();
      operation(route).path("responses").fieldNames().forEachRemaining(statuses::add);
      softly.assertThat(statuses.stream().filter(s -> s.startsWith("2"))).as(route).hasSize(1);
      if (route.split(" ")[1].startsWith("/api/")) {
        softly.assertThat(statuses).as(route).contains("401");
      }
    }
    softly.assertAll();
  }

  @Test
  void theDocumentsSecurity_matchesWhichRoutesTheServerOpensWithoutTheToken() {
    assertThat(document.path("security").toString()).contains("bearer");
    var softly = new SoftAssertions();
    for (String route : documentedOperations()) {
      JsonNode security = operation(route).path("security");
      boolean open = security.isArray() && security.isEmpty();
      String[] parts = route.split(" ");
      String path =
          parts[1].replace("{id}", UUID.randomUUID().toString()).replace("{name}", "default");
      var response =
          docket.send(docket.anonymous(path).method(parts[0], HttpRequest.BodyPublishers.noBody()));
      if (open) {
        softly
            .assertThat(response.status())
            .as("%s is documented as open", route)
            .isNotEqualTo(401);
      } else {
        softly
            .assertThat(response.status())
            .as("%s is documented as needing the token", route)
            .isEqualTo(401);
      }
    }
    softly.assertAll();
  }

  /**
   * Cancel, retry and delete answer 400 invalid_id for an id that is no UUID, as GET does, and the
   * document says so for each.
   */
  @Test
  void everyOperationOnAJobId_documentsThe400ForAnInvalidId() {
    var softly = new SoftAssertions();
    for (String route : documentedOperations()) {
      if (!route.contains("{id}")) {
        continue;
      }
      String[] parts = route.split(" ");
      var response =
          docket.send(
              docket
                  .request(parts[1].replace("{id}", "not-an-id"))
                  .method(parts[0], HttpRequest.BodyPublishers.noBody()));
      softly.assertThat(response.status()).as("%s answers", route).isEqualTo(400);
      softly
          .assertThat(fieldNames(operation(route).path("responses")))
          .as("%s documents", route)
          .contains("400");
    }
    softly.assertAll();
  }

  @Test
  void theJobListsParameters_areTheOnesTheServerAccepts() {
    String cursor = ApiRoutes.cursor(JobId.of(UUID.randomUUID()));
    Map<String, String> values =
        Map.ofEntries(
            Map.entry("state", "pending"),
            Map.entry("queue", "default"),
            Map.entry("kind", "k"),
            Map.entry("tag", "t"),
            Map.entry("error", "java.io.IOException"),
            Map.entry("createdFrom", "2020-01-01T00:00:00Z"),
            Map.entry("createdBefore", "2030-01-01T00:00:00Z"),
            Map.entry("payload", "{\"customer\": {\"id\": 42}}"),
            Map.entry("id", "\u2026a1b2c3d4e5f6"),
            Map.entry("cursor", cursor),
            Map.entry("limit", "5"));
    var documented = new TreeSet<String>();
    for (JsonNode parameter : parameters("GET /api/jobs")) {
      if (parameter.path("in").asText().equals("query")) {
        documented.add(parameter.path("name").asText());
      }
    }

    assertThat(documented).isEqualTo(new TreeSet<>(values.keySet()));
    for (String name : documented) {
      var response =
          docket.get(
              "/api/jobs?"
                  + name
                  + "="
                  + URLEncoder.encode(values.get(name), StandardCharsets.UTF_8));
      assertThat(response.status()).as("%s: %s", name, response).isEqualTo(200);
    }
    assertThat(docket.get("/api/jobs?undocumented=1").status()).isEqualTo(400);
  }

  @Test
  void theDocumentedJobStates_areTheDomainsStates() {
    JsonNode state =
        parameters("GET /api/jobs").stream()
            .filter(p -> p.path("name").asText().equals("state"))
            .findFirst()
            .orElseThrow();

    var words =
        new java.util.ArrayList<>(Arrays.stream(JobState.values()).map(ApiJson::state).toList());
    words.addAll(List.of("due", "scheduled", "dead"));
    assertThat(texts(state.path("schema").path("enum"))).containsExactlyInAnyOrderElementsOf(words);
    assertThat(texts(document.at("/components/schemas/Job/properties/state/enum")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(JobState.values()).map(ApiJson::state).toList());
  }

  @Test
  void theSchemas_nameExactlyTheFieldsOfWhatTheServerReadsAndWrites() {
    Map<String, Class<? extends Record>> schemas =
        Map.ofEntries(
            Map.entry("Job", ApiJson.JobView.class),
            Map.entry("JobPage", ApiJson.JobPageView.class),
            Map.entry("Count", ApiJson.CountView.class),
            Map.entry("BulkAction", ApiJson.BulkActionRequest.class),
            Map.entry("BulkResult", ApiJson.BulkResultView.class),
            Map.entry("Skipped", ApiJson.SkippedView.class),
            Map.entry("ErrorGroup", ApiJson.ErrorGroupView.class),
            Map.entry("AttemptError", ApiJson.ErrorEntry.class),
            Map.entry("Attempt", ApiJson.AttemptView.class),
            Map.entry("Queue", ApiJson.QueueView.class),
            Map.entry("Schedule", ApiJson.ScheduleView.class),
            Map.entry("Node", ApiJson.NodeView.class),
            Map.entry("RunningJob", ApiJson.RunningJobView.class),
            Map.entry("Error", ApiJson.ErrorView.class),
            Map.entry("EnqueueRequest", ApiJson.EnqueueRequest.class),
            Map.entry("Retry", ApiJson.RetryRequest.class),
            Map.entry("BulkRequest", ApiJson.BulkRequest.class),
            Map.entry("Throughput", dev.docket.runtime.DocketRuntime.Throughput.class),
            Map.entry("History", ApiJson.HistoryView.class),
            Map.entry("HistoryPoint", ApiJson.HistoryPointView.class),
            Map.entry("Progress", ApiJson.ProgressView.class),
            Map.entry("JobEvent", ApiJson.JobEventView.class),
            Map.entry("StatsEvent", ApiJson.StatsEventView.class),
            Map.entry("QueueStats", ApiJson.QueueStatsView.class),
            Map.entry("StreamNotice", ApiJson.StreamNoticeView.class));

    var softly = new SoftAssertions();
    schemas.forEach(
        (name, type) -> {
          JsonNode schema = document.at("/components/schemas/" + name);
          softly.assertThat(schema.isMissingNode()).as(name).isFalse();
          softly
              .assertThat(fieldNames(schema.path("properties")))
              .as("properties of %s", name)
              .containsExactlyInAnyOrderElementsOf(
                  Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList());
        });
    softly.assertAll();
  }

  @Test
  void requestSchemas_forbidFieldsTheServerRefuses() {
    for (String name : List.of("EnqueueRequest", "Retry", "BulkRequest")) {
      assertThat(document.at("/components/schemas/" + name + "/additionalProperties").isBoolean())
          .as(name)
          .isTrue();
      assertThat(document.at("/components/schemas/" + name + "/additionalProperties").asBoolean())
          .as(name)
          .isFalse();
    }
  }

  private static List<String> fieldNames(JsonNode object) {
    var names = new ArrayList<String>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
