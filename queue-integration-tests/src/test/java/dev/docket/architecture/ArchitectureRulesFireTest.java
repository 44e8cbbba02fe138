package dev.docket.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.docket.domain.archfixture.DomainClassCallingNanoTime;
import dev.docket.domain.archfixture.DomainClassReferencingInstantNow;
import dev.docket.domain.archfixture.DomainClassUsingJackson;
import dev.docket.domain.archfixture.DomainClassUsingTheMemoryStore;
import dev.docket.store.memory.archfixture.MemoryStoreUsingAService;
import dev.docket.store.memory.archfixture.MemoryStoreUsingAnotherStore;
import dev.docket.store.memory.archfixture.PartialStorage;
import dev.docket.store.memory.archfixture.PublicStorage;
import dev.docket.store.postgres.archfixture.NotificationListener;
import dev.docket.store.postgres.archfixture.PostgresApiExposingJdbi;
import dev.docket.store.postgres.archfixture.PostgresJobStorage;
import dev.docket.store.postgres.archfixture.PostgresStoreUsingAService;
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
        fires(
            "memoryStoreRule_reportsAMemoryStoreClassThatUsesAnotherStore",
            DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
            MemoryStoreUsingAnotherStore.class),
        fires(
            "memoryStoreRule_reportsAMemoryStoreClassThatUsesAService",
            DocketRules.MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
            MemoryStoreUsingAService.class),
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
            "declaredStoresRule_reportsAStoreWithoutAnAllowList",
            DocketRules.EVERY_STORE_HAS_A_DECLARED_ALLOW_LIST,
            RedisJobStorage.class),
        fires(
            "storeSlicesRule_reportsAStoreThatUsesAnotherStore",
            DocketRules.STORES_DO_NOT_DEPEND_ON_EACH_OTHER,
            MemoryStoreUsingAnotherStore.class,
            PostgresJobStorage.class),
        fires(
            "runtimeRule_reportsAServiceThatUsesTheRuntime",
            DocketRules.NOTHING_DEPENDS_ON_THE_RUNTIME,
            ServiceUsingTheRuntime.class),
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
            "memoryStoreApiRule_reportsAPublicClassBesidesTheFactory",
            DocketRules.MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY,
            PublicStorage.class),
        fires(
            "postgresStoreApiRule_reportsAPublicClassBesidesStoreAndOptions",
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
        fires(
            "clockRule_reportsAServiceThatCallsInstantNow",
            DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
            ServiceCallingInstantNow.class),
        fires(
            "clockRule_reportsADomainClassThatReferencesInstantNow",
            DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
            DomainClassReferencingInstantNow.class),
        fires(
            "clockRule_reportsAServiceThatCreatesARandom",
            DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
            ServiceCreatingRandom.class),
        fires(
            "clockRule_reportsAServiceThatCallsThreadLocalRandom",
            DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
            ServiceCallingThreadLocalRandom.class),
        fires(
            "clockRule_reportsAStoreClassOtherThanTheWakeUpListenerThatCallsThreadLocalRandom",
            DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
            NotificationListener.class),
        fires(
            "defaultsRule_reportsAServiceThatCreatesASecureRandom",
            DocketRules.ONLY_DEFAULTS_PICKS_THE_SYSTEM_CLOCK_AND_RANDOM_SOURCE,
            ServiceCreatingSecureRandom.class),
        fires(
            "defaultsRule_reportsAServiceThatPicksTheSystemClock",
            DocketRules.ONLY_DEFAULTS_PICKS_THE_SYSTEM_CLOCK_AND_RANDOM_SOURCE,
            ServiceUsingTheSystemClock.class),
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
        DocketRules.CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS.evaluate(
            new ClassFileImporter().importClasses(ServiceUsingAnInjectedClock.class));

    assertThat(result.hasViolation()).isFalse();
  }
}
