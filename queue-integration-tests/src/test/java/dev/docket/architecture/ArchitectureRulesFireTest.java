package dev.docket.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.docket.benchmarks.archfixture.BenchmarkUsingTheRuntime;
import dev.docket.cli.archfixture.CommandUsingJdbi;
import dev.docket.cli.archfixture.CommandUsingTheTestkit;
import dev.docket.domain.archfixture.DomainClassCallingNanoTime;
import dev.docket.domain.archfixture.DomainClassReferencingInstantNow;
import dev.docket.domain.archfixture.DomainClassUsingJackson;
import dev.docket.domain.archfixture.DomainClassUsingTheMemoryStore;
import dev.docket.example.archfixture.ExampleUsingTheMemoryStore;
import dev.docket.grpc.archfixture.GrpcServer;
import dev.docket.http.archfixture.EndpointUsingAStore;
import dev.docket.http.archfixture.EndpointUsingJdbi;
import dev.docket.http.archfixture.EndpointUsingTheCli;
import dev.docket.metrics.archfixture.MetricsUsingJackson;
import dev.docket.metrics.archfixture.MetricsUsingTheHttpServer;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.archfixture.PollWaitOnTheWallClock;
import dev.docket.runtime.archfixture.RuntimeUsingJackson;
import dev.docket.runtime.archfixture.RuntimeUsingMetrics;
import dev.docket.runtime.archfixture.RuntimeUsingTheMemoryStore;
import dev.docket.runtime.archfixture.WorkerPoolReleasingAtInstantNow;
import dev.docket.store.memory.archfixture.MemoryStoreModule;
import dev.docket.store.memory.archfixture.MemoryStoreUsingAService;
import dev.docket.store.memory.archfixture.MemoryStoreUsingAnotherStore;
import dev.docket.store.memory.archfixture.MemoryStoreUsingGuice;
import dev.docket.store.memory.archfixture.MemoryStoreUsingMetrics;
import dev.docket.store.memory.archfixture.PartialStorage;
import dev.docket.store.memory.archfixture.PublicStorage;
import dev.docket.store.postgres.archfixture.NotificationListener;
import dev.docket.store.postgres.archfixture.PostgresApiExposingJdbi;
import dev.docket.store.postgres.archfixture.PostgresJobStorage;
import dev.docket.store.postgres.archfixture.PostgresStoreModule;
import dev.docket.store.postgres.archfixture.PostgresStoreUsingAService;
import dev.docket.store.postgres.archfixture.PostgresStoreUsingGuice;
import dev.docket.store.postgres.archfixture.PostgresStoreUsingTheMemoryStore;
import dev.docket.store.postgres.archfixture.PostgresStoreUsingTheRuntime;
import dev.docket.store.postgres.archfixture.PublicRowMapper;
import dev.docket.store.redis.archfixture.RedisJobStorage;
import dev.docket.testkit.archfixture.ContractUsingAStore;
import dev.docket.usecase.archfixture.FixtureService;
import dev.docket.usecase.archfixture.ServiceCallingInstantNow;
import dev.docket.usecase.archfixture.ServiceCallingThreadLocalRandom;
import dev.docket.usecase.archfixture.ServiceCreatingRandom;
import dev.docket.usecase.archfixture.ServiceCreatingSecureRandom;
import dev.docket.usecase.archfixture.ServiceUsingAnInjectedClock;
import dev.docket.usecase.archfixture.ServiceUsingJackson;
import dev.docket.usecase.archfixture.ServiceUsingTheRuntime;
import dev.docket.usecase.archfixture.ServiceUsingTheSystemClock;
import dev.docket.usecase.json.archfixture.CodecExposingObjectMapper;
import dev.docket.usecase.json.archfixture.CodecUsingAStore;
import dev.docket.usecase.port.archfixture.PortUsingAService;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

// A rule that cannot fail proves nothing (STYLE.md, Architecture 2). The fixtures in the
// *.archfixture packages of this module's test sources break one rule each on purpose, in the
// packages the rules select; each case below evaluates a rule against only its fixture and
// expects a violation that names the fixture. ArchitectureTest leaves test classes out of its
// import, so the fixtures never reach the production check.
class ArchitectureRulesFireTest {

  record FireCase(String behaviour, ArchRule rule, Class<?> offender, List<Class<?>> alsoImported) {

    EvaluationResult evaluate() {
      Class<?>[] classes =
          Stream.concat(Stream.of(offender), alsoImported.stream()).toArray(Class<?>[]::new);
      return rule.evaluate(new ClassFileImporter().importClasses(classes));
    }

    @Override
    public String toString() {
      return behaviour;
    }
  }

  private static FireCase fires(
      String behaviour, ArchRule rule, Class<?> offender, Class<?>... alsoImported) {
    return new FireCase(behaviour, rule, offender, List.of(alsoImported));
  }

  static List<FireCase> cases() {
    return List.of(
        // The core
        fires(
            "domainRule_reportsADomainClassThatUsesJackson",
            DocketRules.DOMAIN_DEPENDS_ONLY_ON_THE_JDK,
            DomainClassUsingJackson.class),
        fires(
            "domainRule_reportsADomainClassThatUsesAStore",
            DocketRules.DOMAIN_DEPENDS_ONLY_ON_THE_JDK,
            DomainClassUsingTheMemoryStore.class),
        fires(
            "portRule_reportsAPortTypeThatUsesAService",
            DocketRules.PORT_DEPENDS_ONLY_ON_THE_DOMAIN,
            PortUsingAService.class),
        fires(
            "usecaseRule_reportsAServiceThatUsesJacksonOutsideTheJsonPackage",
            DocketRules.USECASE_USES_JACKSON_ONLY_IN_THE_JSON_PACKAGE,
            ServiceUsingJackson.class),
        fires(
            "jsonRule_reportsACodecThatUsesAStore",
            DocketRules.JSON_CODEC_DEPENDS_ONLY_ON_JACKSON_AND_THE_USE_CASES,
            CodecUsingAStore.class),
        fires(
            "testkitRule_reportsAContractClassThatUsesAStore",
            DocketRules.TESTKIT_DEPENDS_ONLY_ON_THE_CORE_AND_TEST_LIBRARIES,
            ContractUsingAStore.class),
        // The stores
        fires(
            "memoryStoreRule_reportsAMemoryStoreClassThatUsesAnotherStore",
            DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
            MemoryStoreUsingAnotherStore.class),
        fires(
            "memoryStoreRule_reportsAMemoryStoreClassThatUsesAService",
            DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
            MemoryStoreUsingAService.class),
        fires(
            "memoryStoreRule_reportsAMemoryStoreClassOutsideItsModuleThatUsesGuice",
            DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
            MemoryStoreUsingGuice.class),
        fires(
            "postgresStoreRule_reportsAPostgresStoreClassThatUsesAService",
            DocketRules.POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY,
            PostgresStoreUsingAService.class),
        fires(
            "postgresStoreRule_reportsAPostgresStoreClassThatUsesAnotherStore",
            DocketRules.POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY,
            PostgresStoreUsingTheMemoryStore.class),
        fires(
            "postgresStoreRule_reportsAPostgresStoreClassThatUsesTheRuntime",
            DocketRules.POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY,
            PostgresStoreUsingTheRuntime.class),
        fires(
            "postgresStoreRule_reportsAPostgresStoreClassOutsideItsModuleThatUsesGuice",
            DocketRules.POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY,
            PostgresStoreUsingGuice.class),
        fires(
            "storeModuleRule_reportsAStoreModuleThatStartsTheRuntime",
            DocketRules.STORE_MODULES_DEPEND_ONLY_ON_THEIR_STORE_AND_GUICE,
            PostgresStoreModule.class),
        fires(
            "storeSlicesRule_reportsAStoreThatUsesAnotherStore",
            DocketRules.STORES_DO_NOT_DEPEND_ON_EACH_OTHER,
            MemoryStoreUsingAnotherStore.class,
            PostgresJobStorage.class),
        // The hosts and applications
        fires(
            "runtimeRule_reportsARuntimeClassThatUsesJackson",
            DocketRules.RUNTIME_DEPENDS_ONLY_ON_THE_USE_CASES_GUICE_AND_CRON_UTILS,
            RuntimeUsingJackson.class),
        fires(
            "runtimeRule_reportsARuntimeClassThatUsesAStore",
            DocketRules.RUNTIME_DEPENDS_ONLY_ON_THE_USE_CASES_GUICE_AND_CRON_UTILS,
            RuntimeUsingTheMemoryStore.class),
        fires(
            "runtimeRule_reportsARuntimeClassThatUsesMetrics",
            DocketRules.RUNTIME_DEPENDS_ONLY_ON_THE_USE_CASES_GUICE_AND_CRON_UTILS,
            RuntimeUsingMetrics.class),
        fires(
            "metricsRule_reportsAMetricsClassThatUsesJackson",
            DocketRules.METRICS_DEPENDS_ONLY_ON_THE_RUNTIME_AND_MICROMETER,
            MetricsUsingJackson.class),
        fires(
            "metricsRule_reportsAMetricsClassThatUsesTheHttpServer",
            DocketRules.METRICS_DEPENDS_ONLY_ON_THE_RUNTIME_AND_MICROMETER,
            MetricsUsingTheHttpServer.class),
        fires(
            "httpRule_reportsAnHttpClassThatUsesJdbi",
            DocketRules.HTTP_DEPENDS_ONLY_ON_THE_RUNTIME_AND_ITS_WEB_STACK,
            EndpointUsingJdbi.class),
        fires(
            "httpRule_reportsAnHttpClassThatUsesAStore",
            DocketRules.HTTP_DEPENDS_ONLY_ON_THE_RUNTIME_AND_ITS_WEB_STACK,
            EndpointUsingAStore.class),
        fires(
            "httpRule_reportsAnHttpClassThatUsesTheCli",
            DocketRules.HTTP_DEPENDS_ONLY_ON_THE_RUNTIME_AND_ITS_WEB_STACK,
            EndpointUsingTheCli.class),
        fires(
            "cliRule_reportsACommandThatUsesJdbi",
            DocketRules.CLI_DEPENDS_ONLY_ON_DOCKET_AND_ITS_COMMAND_LINE_STACK,
            CommandUsingJdbi.class),
        fires(
            "cliRule_reportsACommandThatUsesTheTestkit",
            DocketRules.CLI_DEPENDS_ONLY_ON_DOCKET_AND_ITS_COMMAND_LINE_STACK,
            CommandUsingTheTestkit.class),
        fires(
            "exampleRule_reportsAnExampleClassThatUsesTheMemoryStore",
            DocketRules.EXAMPLE_DEPENDS_ONLY_ON_THE_RUNTIME_AND_THE_POSTGRES_STORE,
            ExampleUsingTheMemoryStore.class),
        fires(
            "benchmarksRule_reportsABenchmarkThatUsesTheRuntime",
            DocketRules.BENCHMARKS_DEPEND_ONLY_ON_WHAT_THEY_MEASURE_AND_JMH,
            BenchmarkUsingTheRuntime.class),
        fires(
            "declaredPackagesRule_reportsAStoreWithoutAnAllowList",
            DocketRules.EVERY_DOCKET_CLASS_HAS_A_DECLARED_ALLOW_LIST,
            RedisJobStorage.class),
        fires(
            "declaredPackagesRule_reportsAModuleWithoutAnAllowList",
            DocketRules.EVERY_DOCKET_CLASS_HAS_A_DECLARED_ALLOW_LIST,
            GrpcServer.class),
        // The module graph
        fires(
            "coreRule_reportsAServiceThatUsesTheRuntime",
            DocketRules.CORE_DEPENDS_ON_NO_HOST,
            ServiceUsingTheRuntime.class),
        fires(
            "coreRule_reportsAStoreClassThatUsesMetrics",
            DocketRules.CORE_DEPENDS_ON_NO_HOST,
            MemoryStoreUsingMetrics.class),
        fires(
            "runtimeGraphRule_reportsARuntimeClassThatUsesAStore",
            DocketRules.RUNTIME_DEPENDS_ON_NO_STORE_AND_NO_MODULE_BUILT_ON_IT,
            RuntimeUsingTheMemoryStore.class),
        fires(
            "runtimeGraphRule_reportsARuntimeClassThatUsesMetrics",
            DocketRules.RUNTIME_DEPENDS_ON_NO_STORE_AND_NO_MODULE_BUILT_ON_IT,
            RuntimeUsingMetrics.class),
        fires(
            "metricsGraphRule_reportsAMetricsClassThatUsesTheHttpServer",
            DocketRules.METRICS_DEPENDS_ON_NO_STORE_HTTP_OR_CLI,
            MetricsUsingTheHttpServer.class),
        fires(
            "httpGraphRule_reportsAnHttpClassThatUsesAStore",
            DocketRules.HTTP_DEPENDS_ON_NO_STORE_OR_CLI,
            EndpointUsingAStore.class),
        fires(
            "httpGraphRule_reportsAnHttpClassThatUsesTheCli",
            DocketRules.HTTP_DEPENDS_ON_NO_STORE_OR_CLI,
            EndpointUsingTheCli.class),
        fires(
            "cliGraphRule_reportsAnHttpClassThatUsesTheCli",
            DocketRules.NOTHING_BUT_THE_CLI_DEPENDS_ON_THE_CLI,
            EndpointUsingTheCli.class),
        // Adapters are hidden
        fires(
            "adapterNameRule_reportsAJobStorageNotNamedForThePort",
            DocketRules.STORAGE_ADAPTERS_ARE_NAMED_FOR_THE_PORT,
            PublicStorage.class),
        fires(
            "wholePortRule_reportsAStoreClassImplementingOnlyPartOfJobStorage",
            DocketRules.STORAGE_ADAPTERS_IMPLEMENT_THE_WHOLE_PORT,
            PartialStorage.class),
        fires(
            "hiddenAdapterRule_reportsAPublicJobStorage",
            DocketRules.STORAGE_ADAPTERS_ARE_NOT_PUBLIC,
            PublicStorage.class),
        fires(
            "hiddenAdapterRule_reportsAPublicClassImplementingPartOfJobStorage",
            DocketRules.STORAGE_ADAPTERS_ARE_NOT_PUBLIC,
            PartialStorage.class),
        fires(
            "memoryStoreApiRule_reportsAPublicClassBesidesTheFactoryAndModule",
            DocketRules.MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY_AND_MODULE,
            PublicStorage.class),
        fires(
            "postgresStoreApiRule_reportsAPublicClassBesidesStoreOptionsAndModule",
            DocketRules.POSTGRES_STORE_EXPOSES_ONLY_ITS_API,
            PublicRowMapper.class),
        fires(
            "apiRule_reportsAPublicCodecThatExposesJackson",
            DocketRules.NO_THIRD_PARTY_TYPE_ESCAPES_AN_API,
            CodecExposingObjectMapper.class),
        fires(
            "apiRule_reportsAPublicPostgresStoreTypeThatExposesJdbiAndJdbc",
            DocketRules.NO_THIRD_PARTY_TYPE_ESCAPES_AN_API,
            PostgresApiExposingJdbi.class),
        // Time and randomness are injected
        fires(
            "clockRule_reportsAServiceThatCallsInstantNow",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            ServiceCallingInstantNow.class),
        fires(
            "clockRule_reportsADomainClassThatReferencesInstantNow",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            DomainClassReferencingInstantNow.class),
        fires(
            "clockRule_reportsAServiceThatCreatesARandom",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            ServiceCreatingRandom.class),
        fires(
            "clockRule_reportsAServiceThatCallsThreadLocalRandom",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            ServiceCallingThreadLocalRandom.class),
        fires(
            "clockRule_reportsAServiceThatCreatesASecureRandom",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            ServiceCreatingSecureRandom.class),
        fires(
            "clockRule_reportsAServiceThatPicksTheSystemClock",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            ServiceUsingTheSystemClock.class),
        fires(
            "clockRule_reportsAStoreClassOtherThanTheWakeUpListenerThatCallsThreadLocalRandom",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            NotificationListener.class),
        fires(
            "clockRule_reportsARuntimeClassThatCallsInstantNow",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            WorkerPoolReleasingAtInstantNow.class),
        fires(
            "clockRule_reportsARuntimeClassThatCallsCurrentTimeMillis",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            PollWaitOnTheWallClock.class),
        fires(
            "clockRule_reportsARuntimeClassOtherThanTheNamedDefaultsThatPicksTheSystemClock",
            DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
            dev.docket.runtime.archfixture.DocketModule.class),
        fires(
            "nanoTimeRule_reportsADomainClassThatCallsNanoTime",
            DocketRules.DOMAIN_DOES_NOT_MEASURE_TIME,
            DomainClassCallingNanoTime.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rule_reportsTheFixtureThatBreaksIt(FireCase fireCase) {
    EvaluationResult result = fireCase.evaluate();

    assertThat(result.hasViolation())
        .as("%s: a violation of '%s'", fireCase, fireCase.rule().getDescription())
        .isTrue();
    assertThat(result.getFailureReport().getDetails())
        .as("%s: the report names %s", fireCase, fireCase.offender().getName())
        .anySatisfy(detail -> assertThat(detail).contains(fireCase.offender().getName()));
  }

  @Test
  void everyRule_isBrokenByAtLeastOneFixture() {
    assertThat(cases().stream().map(FireCase::rule).distinct())
        .containsExactlyInAnyOrderElementsOf(DocketRules.all());
  }

  @Test
  void usecaseRule_allowsJacksonInTheJsonPackage() {
    EvaluationResult result =
        DocketRules.USECASE_USES_JACKSON_ONLY_IN_THE_JSON_PACKAGE.evaluate(
            new ClassFileImporter()
                .importClasses(CodecExposingObjectMapper.class, FixtureService.class));

    assertThat(result.hasViolation()).isFalse();
  }

  @Test
  void apiRule_reportsEveryJdbiAndJdbcTypeOutsideTheAllowedMethods() {
    EvaluationResult result =
        DocketRules.NO_THIRD_PARTY_TYPE_ESCAPES_AN_API.evaluate(
            new ClassFileImporter().importClasses(PostgresApiExposingJdbi.class));

    String fixture = PostgresApiExposingJdbi.class.getName();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(
            detail ->
                assertThat(detail).contains(fixture + ".jdbi()> exposes <org.jdbi.v3.core.Jdbi>"))
        .anySatisfy(
            detail ->
                assertThat(detail)
                    .contains(fixture + ".rows(java.lang.String)> exposes <java.sql.ResultSet>"))
        .anySatisfy(
            detail ->
                assertThat(detail)
                    .contains(
                        fixture
                            + ".enqueue(org.jdbi.v3.core.Handle, java.util.List)> exposes"
                            + " <org.jdbi.v3.core.Handle>"))
        .anySatisfy(
            detail ->
                assertThat(detail)
                    .contains(
                        fixture
                            + ".dataSource(javax.sql.DataSource)> exposes <javax.sql.DataSource>"));
  }

  @Test
  void clockRule_allowsAnInjectedClock() {
    EvaluationResult result =
        DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS.evaluate(
            new ClassFileImporter().importClasses(ServiceUsingAnInjectedClock.class));

    assertThat(result.hasViolation()).isFalse();
  }

  @Test
  void clockRule_allowsTheRuntimesDefaultsInTheBuilderAndModule() {
    EvaluationResult result =
        DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS.evaluate(
            new ClassFileImporter().importClasses(DocketRuntime.Builder.class, DocketModule.class));

    assertThat(result.hasViolation()).isFalse();
  }

  @Test
  void clockRule_reportsEveryForbiddenAccessOfTheLookAlikeModule() {
    // The exemption names DocketModule exactly: a class of the same simple name elsewhere in the
    // runtime gets no pass for either default.
    EvaluationResult result =
        DocketRules.CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS.evaluate(
            new ClassFileImporter()
                .importClasses(dev.docket.runtime.archfixture.DocketModule.class));

    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(detail -> assertThat(detail).contains("InstantSource.system()"))
        .anySatisfy(detail -> assertThat(detail).contains("ThreadLocalRandom.current()"));
  }

  @Test
  void storeRules_allowGuiceInAStoresModule() {
    var classes =
        new ClassFileImporter().importClasses(MemoryStoreModule.class, PartialStorage.class);

    assertThat(DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT.evaluate(classes).hasViolation())
        .isFalse();
    assertThat(
            DocketRules.STORE_MODULES_DEPEND_ONLY_ON_THEIR_STORE_AND_GUICE
                .evaluate(classes)
                .hasViolation())
        .isFalse();
  }
}
