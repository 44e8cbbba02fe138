package dev.docket.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.JobMaintenance;
import dev.docket.usecase.port.JobOperations;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.JobSubmissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;

/**
 * Docket's architecture rules, in one place (STYLE.md, Architecture 1, 2, 4 and 8).
 *
 * <p>The Maven module graph already keeps the modules apart; these rules catch what Maven can't:
 * packages inside a module, third-party types leaking into the domain or an API, and code reading
 * the clock. Every module with classes has a layering rule, written as an allow-list, and {@link
 * #EVERY_DOCKET_CLASS_HAS_A_DECLARED_ALLOW_LIST} makes sure a new one gets its own. Every rule here
 * is checked against the production classes by {@link ArchitectureTest} and proven able to fail by
 * {@link ArchitectureRulesFireTest}; a new rule goes into {@link #all()} and gets a fixture there.
 */
final class DocketRules {

  static final String JDK = "java..";
  static final String DOMAIN = "dev.docket.domain..";
  static final String USECASE = "dev.docket.usecase..";
  static final String PORT = "dev.docket.usecase.port..";
  static final String JSON = "dev.docket.usecase.json..";
  static final String TESTKIT = "dev.docket.testkit..";
  static final String STORES = "dev.docket.store..";
  static final String MEMORY_STORE = "dev.docket.store.memory..";
  static final String POSTGRES_STORE = "dev.docket.store.postgres..";
  static final String RUNTIME = "dev.docket.runtime..";
  static final String METRICS = "dev.docket.metrics..";
  static final String HTTP = "dev.docket.http..";
  static final String CLI = "dev.docket.cli..";
  static final String EXAMPLE = "dev.docket.example..";
  static final String BENCHMARKS = "dev.docket.benchmarks..";

  static final String JACKSON = "com.fasterxml.jackson..";
  static final String JDBI = "org.jdbi..";
  static final String POSTGRES_DRIVER = "org.postgresql..";
  static final String HIKARI = "com.zaxxer.hikari..";
  static final String FLYWAY = "org.flywaydb..";
  static final String GUICE = "com.google.inject..";
  static final String JAKARTA_INJECT = "jakarta.inject..";
  static final String CRON_UTILS = "com.cronutils..";
  static final String MICROMETER_CORE = "io.micrometer.core..";
  static final String PROMETHEUS_REGISTRY = "io.micrometer.prometheusmetrics..";
  static final String JAVALIN = "io.javalin..";
  static final String JETTY = "org.eclipse.jetty..";
  static final String SERVLET = "jakarta.servlet..";
  static final String MUSTACHE = "com.github.mustachejava..";
  static final String PICOCLI = "picocli..";
  static final String JMH = "org.openjdk.jmh..";

  // JDBC is one API in two packages of the java.sql module: a javax.sql.RowSet is a ResultSet.
  static final String JDBC = "java.sql..";
  static final String JDBC_EXTENSION = "javax.sql..";
  // The JDK's MAC and cipher API, in a javax package; the server signs its session cookies with it.
  static final String JDK_CRYPTO = "javax.crypto..";

  /** A store's one Guice module is named {@code <Store>StoreModule}, like MemoryStoreModule. */
  static final String STORE_MODULE_SUFFIX = "StoreModule";

  /**
   * The packages with a declared allow-list, each in its own rule below: a new module (or a new
   * store under {@code dev.docket.store}) adds its package here and its own rule.
   */
  static final List<String> DECLARED_PACKAGES =
      List.of(
          DOMAIN,
          USECASE,
          TESTKIT,
          MEMORY_STORE,
          POSTGRES_STORE,
          RUNTIME,
          METRICS,
          HTTP,
          CLI,
          EXAMPLE,
          BENCHMARKS);

  /** The public API of the memory store; everything else in its package is hidden. */
  static final List<String> MEMORY_STORE_API =
      List.of(MemoryStore.class.getName(), MemoryStoreModule.class.getName());

  /** The public API of the Postgres store; everything else in its package is hidden. */
  static final List<String> POSTGRES_STORE_API =
      List.of(
          PostgresStore.class.getName(),
          PostgresOptions.class.getName(),
          PostgresOptions.Builder.class.getName(),
          PostgresStoreModule.class.getName());

  /**
   * The deliberate holes in {@link #NO_THIRD_PARTY_TYPE_ESCAPES_AN_API}, each one public method and
   * the one parameter type it may show. Enqueueing in the application's own transaction is the
   * point of these {@code enqueue} overloads, so they take the application's JDBI handle or JDBC
   * connection; and an application hands its own pool over as a JDBC {@code DataSource}. The same
   * type anywhere else in these methods (return type, throws clause, type argument) is still
   * reported. {@link ArchitectureTest} checks that each method exists, so none outlives its method.
   */
  static final List<AllowedExposure> ALLOWED_EXPOSURES =
      List.of(
          new AllowedExposure(
              PostgresStore.class, "enqueue", List.of(Handle.class, List.class), Handle.class),
          new AllowedExposure(
              PostgresStore.class,
              "enqueue",
              List.of(Connection.class, List.class),
              Connection.class),
          new AllowedExposure(
              PostgresOptions.Builder.class,
              "dataSource",
              List.of(DataSource.class),
              DataSource.class));

  /**
   * The system clock and the sources of randomness that are not handed in: reading the time ({@code
   * Instant.now()} and its siblings, {@code System.currentTimeMillis()}), picking the system clock
   * ({@code InstantSource.system()}, {@code Clock.system*}), and making a random source. Measuring
   * elapsed time with {@code System.nanoTime()} is not on the list: it tells no date.
   */
  static final DescribedPredicate<JavaAccess<?>> SYSTEM_CLOCK_OR_OWN_RANDOMNESS =
      anyOf(
          method(Instant.class, "now"),
          method(LocalDateTime.class, "now"),
          method(LocalDate.class, "now"),
          method(LocalTime.class, "now"),
          method(ZonedDateTime.class, "now"),
          method(OffsetDateTime.class, "now"),
          method(System.class, "currentTimeMillis"),
          method(InstantSource.class, "system"),
          method(Clock.class, "systemUTC"),
          method(Clock.class, "systemDefaultZone"),
          method(Clock.class, "system", ZoneId.class),
          method(Math.class, "random"),
          method(StrictMath.class, "random"),
          method(ThreadLocalRandom.class, "current"),
          anyConstructorOf(Random.class),
          method(RandomGenerator.class, "getDefault"),
          method(RandomGenerator.class, "of", String.class),
          method(SecureRandom.class, "getInstanceStrong"),
          anyMethodOf(SecureRandom.class, "getInstance"),
          anyConstructorOf(SecureRandom.class));

  /**
   * The deliberate holes in {@link #CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS}, each
   * one class and the one access it may make, named exactly:
   *
   * <ul>
   *   <li>The runtime's defaults, in the two places an application builds a runtime: {@code
   *       DocketRuntime.Builder} and {@code DocketModule} bind the system clock and {@code
   *       ThreadLocalRandom} unless the application passes its own. Everything else in the runtime
   *       receives them.
   *   <li>The Postgres wake-up listener jitters its reconnect backoff with {@code
   *       ThreadLocalRandom}: infrastructure timing inside an adapter, never a job's schedule,
   *       which stays a function of the injected clock and random source.
   * </ul>
   *
   * {@link ArchitectureTest} checks that each class makes its access, so none outlives its reason
   * (the exemption this list replaces named a class that never existed).
   */
  static final List<ClockExemption> CLOCK_EXEMPTIONS =
      List.of(
          new ClockExemption(
              DocketRuntime.Builder.class.getName(), method(InstantSource.class, "system")),
          new ClockExemption(
              DocketRuntime.Builder.class.getName(), method(ThreadLocalRandom.class, "current")),
          new ClockExemption(DocketModule.class.getName(), method(InstantSource.class, "system")),
          new ClockExemption(
              DocketModule.class.getName(), method(ThreadLocalRandom.class, "current")),
          new ClockExemption(
              "dev.docket.store.postgres.NotificationListener",
              method(ThreadLocalRandom.class, "current")));

  private DocketRules() {}

  // ---- Layering: the core (allow-lists) ----

  static final ArchRule DOMAIN_DEPENDS_ONLY_ON_THE_JDK =
      classes()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN)
          .as("Domain classes depend only on the JDK and the domain")
          .because(
              "the domain is plain Java: no framework, library or outer layer reaches into it");

  static final ArchRule PORT_DEPENDS_ONLY_ON_THE_DOMAIN =
      classes()
          .that()
          .resideInAPackage(PORT)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, PORT)
          .as("Port classes depend only on the JDK, the domain and the port package")
          .because(
              "a store implements the port without seeing the services or any library behind"
                  + " them");

  static final ArchRule USECASE_USES_JACKSON_ONLY_IN_THE_JSON_PACKAGE =
      classes()
          .that()
          .resideInAPackage(USECASE)
          .and()
          .resideOutsideOfPackage(JSON)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, USECASE)
          .as(
              "Use-case classes outside the json package depend only on the JDK, the domain and"
                  + " the use cases")
          .because(
              "the payload codec in dev.docket.usecase.json is the one place that knows Jackson;"
                  + " services see only the codec");

  static final ArchRule JSON_CODEC_DEPENDS_ONLY_ON_JACKSON_AND_THE_USE_CASES =
      classes()
          .that()
          .resideInAPackage(JSON)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, USECASE, JACKSON)
          .as("The json package depends only on the JDK, the domain, the use cases and Jackson")
          .because("the codec translates between payloads and JSON and does nothing else");

  static final ArchRule TESTKIT_DEPENDS_ONLY_ON_THE_CORE_AND_TEST_LIBRARIES =
      classes()
          .that()
          .resideInAPackage(TESTKIT)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JDK, DOMAIN, USECASE, TESTKIT, "org.junit..", "org.assertj..", "org.opentest4j..")
          .as(
              "Testkit classes depend only on the JDK, the domain, the use cases, JUnit, AssertJ"
                  + " and opentest4j")
          .because("every store runs the same contract suite, so it cannot know any store");

  // ---- Layering: the stores (allow-lists) ----

  static final ArchRule MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT =
      classes()
          .that()
          .resideInAPackage(MEMORY_STORE)
          .and()
          .haveSimpleNameNotEndingWith(STORE_MODULE_SUFFIX)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, PORT, MEMORY_STORE)
          .as(
              "Memory store classes other than its StoreModule depend only on the JDK, the domain,"
                  + " the port and their own package")
          .because(
              "a store is an adapter of the JobStorage port: no services, no other store, and no"
                  + " Guice outside its module");

  static final ArchRule POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY =
      classes()
          .that()
          .resideInAPackage(POSTGRES_STORE)
          .and()
          .haveSimpleNameNotEndingWith(STORE_MODULE_SUFFIX)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JDK,
              JDBC_EXTENSION,
              DOMAIN,
              PORT,
              POSTGRES_STORE,
              JDBI,
              POSTGRES_DRIVER,
              HIKARI,
              FLYWAY,
              JACKSON)
          .as(
              "Postgres store classes other than its StoreModule depend only on the JDK, the"
                  + " domain, the port, their own package, JDBI, the PostgreSQL driver, HikariCP,"
                  + " Flyway and Jackson")
          .because(
              "a store is an adapter of the JobStorage port: no services, no other store, no"
                  + " runtime and no Guice outside its module; Jackson only reads and writes the"
                  + " errors column");

  static final ArchRule STORE_MODULES_DEPEND_ONLY_ON_THEIR_STORE_AND_GUICE =
      classes()
          .that()
          .resideInAPackage(STORES)
          .and()
          .haveSimpleNameEndingWith(STORE_MODULE_SUFFIX)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, PORT, STORES, GUICE, JAKARTA_INJECT)
          .as(
              "A store's StoreModule, the one store class that may use Guice, depends only on the"
                  + " JDK, the domain, the port, the stores, Guice and jakarta.inject")
          .because(
              "Guice is an optional dependency of a store, for its one module, which binds"
                  + " DocketStore to the store's factory and nothing else; the slices rule keeps it"
                  + " to its own store");

  static final ArchRule STORES_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices()
          .matching("dev.docket.store.(*)..")
          .namingSlices("store '$1'")
          .should()
          .notDependOnEachOther()
          .as("Stores do not depend on each other")
          .because("each store is a separate adapter, chosen alone at wiring time");

  // ---- Layering: the hosts and applications (allow-lists) ----

  static final ArchRule RUNTIME_DEPENDS_ONLY_ON_THE_USE_CASES_GUICE_AND_CRON_UTILS =
      classes()
          .that()
          .resideInAPackage(RUNTIME)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, USECASE, RUNTIME, GUICE, JAKARTA_INJECT, CRON_UTILS)
          .as(
              "Runtime classes depend only on the JDK, the domain, the use cases (with the ports"
                  + " and the json codec), the runtime, Guice, jakarta.inject and cron-utils")
          .because(
              "the worker host runs the use cases on whichever store it is handed, through the"
                  + " port; Guice wires it and cron-utils reads schedules; metrics, HTTP and the CLI"
                  + " are modules of their own that use its public seams (STYLE 18)");

  static final ArchRule METRICS_DEPENDS_ONLY_ON_THE_RUNTIME_AND_MICROMETER =
      classes()
          .that()
          .resideInAPackage(METRICS)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JDK, DOMAIN, USECASE, RUNTIME, METRICS, MICROMETER_CORE, GUICE, JAKARTA_INJECT)
          .as(
              "Metrics classes depend only on the JDK, the domain, the use cases, the runtime,"
                  + " the metrics package, Micrometer's core, Guice and jakarta.inject")
          .because(
              "the metrics module binds the runtime's listener and observer seams to Micrometer's"
                  + " API; which registry records them (Prometheus or another) is the"
                  + " application's choice");

  static final ArchRule HTTP_DEPENDS_ONLY_ON_THE_RUNTIME_AND_ITS_WEB_STACK =
      classes()
          .that()
          .resideInAPackage(HTTP)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JDK,
              JDK_CRYPTO,
              DOMAIN,
              USECASE,
              RUNTIME,
              METRICS,
              HTTP,
              JAVALIN,
              JETTY,
              SERVLET,
              JACKSON,
              MUSTACHE,
              MICROMETER_CORE,
              PROMETHEUS_REGISTRY,
              GUICE,
              JAKARTA_INJECT)
          .as(
              "HTTP classes depend only on the JDK, the domain, the use cases, the runtime, the"
                  + " metrics, the http package, Javalin, Jetty, jakarta.servlet, Jackson, Mustache,"
                  + " Micrometer's core and Prometheus registry, Guice and jakarta.inject")
          .because(
              "the server shows and drives a runtime it is handed, whatever its store; its web"
                  + " stack stays inside this module");

  static final ArchRule CLI_DEPENDS_ONLY_ON_DOCKET_AND_ITS_COMMAND_LINE_STACK =
      classes()
          .that()
          .resideInAPackage(CLI)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              JDK,
              DOMAIN,
              USECASE,
              STORES,
              RUNTIME,
              METRICS,
              HTTP,
              CLI,
              PICOCLI,
              GUICE,
              JACKSON,
              MICROMETER_CORE,
              PROMETHEUS_REGISTRY)
          .as(
              "CLI classes depend only on the JDK, Docket's modules but the testkit, picocli,"
                  + " Guice, Jackson and Micrometer with its Prometheus registry")
          .because(
              "the CLI is an application that wires every module together, but still a list of"
                  + " chosen libraries: its logging backend is a runtime dependency its code never"
                  + " names, and the testkit is for tests");

  static final ArchRule EXAMPLE_DEPENDS_ONLY_ON_THE_RUNTIME_AND_THE_POSTGRES_STORE =
      classes()
          .that()
          .resideInAPackage(EXAMPLE)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, USECASE, RUNTIME, POSTGRES_STORE, EXAMPLE)
          .as(
              "Example classes depend only on the JDK, the domain, the use cases, the runtime, the"
                  + " Postgres store and the example package")
          .because(
              "the example is an application that embeds the runtime on PostgreSQL with two"
                  + " artifacts, and shows no more than that");

  static final ArchRule BENCHMARKS_DEPEND_ONLY_ON_WHAT_THEY_MEASURE_AND_JMH =
      classes()
          .that()
          .resideInAPackage(BENCHMARKS)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, USECASE, MEMORY_STORE, BENCHMARKS, JMH)
          .as(
              "Benchmark classes depend only on the JDK, the domain, the use cases, the memory"
                  + " store, the benchmarks package and JMH")
          .because("the benchmarks measure the core's hot paths on the in-memory store");

  static final ArchRule EVERY_DOCKET_CLASS_HAS_A_DECLARED_ALLOW_LIST =
      classes()
          .that()
          .resideInAPackage("dev.docket..")
          .should()
          .resideInAnyPackage(DECLARED_PACKAGES.toArray(String[]::new))
          .as("Every Docket class belongs to a module or store with a declared allow-list")
          .because(
              "a new module or store gets its own allow-list rule in DocketRules before its code"
                  + " lands");

  // ---- Layering: the module graph ----

  static final ArchRule CORE_DEPENDS_ON_NO_HOST =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN, USECASE, STORES, TESTKIT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(RUNTIME, METRICS, HTTP, CLI)
          .as(
              "Domain, use-case, store and testkit classes depend on no runtime, metrics, HTTP or"
                  + " CLI class")
          .because(
              "the hosts are built on the core and its stores, never the other way round: the"
                  + " Maven module graph (STYLE 1)");

  static final ArchRule RUNTIME_DEPENDS_ON_NO_STORE_AND_NO_MODULE_BUILT_ON_IT =
      noClasses()
          .that()
          .resideInAPackage(RUNTIME)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(STORES, METRICS, HTTP, CLI)
          .as("Runtime classes depend on no store, metrics, HTTP or CLI class")
          .because(
              "the runtime reaches a store through the DocketStore port, whichever the"
                  + " application picks; metrics, HTTP and the CLI are built on the runtime");

  static final ArchRule METRICS_DEPENDS_ON_NO_STORE_HTTP_OR_CLI =
      noClasses()
          .that()
          .resideInAPackage(METRICS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(STORES, HTTP, CLI)
          .as("Metrics classes depend on no store, HTTP or CLI class")
          .because(
              "metrics record what the runtime's seams report, whatever the store; serving them is"
                  + " HTTP's job, built on the metrics");

  static final ArchRule HTTP_DEPENDS_ON_NO_STORE_OR_CLI =
      noClasses()
          .that()
          .resideInAPackage(HTTP)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(STORES, CLI)
          .as("HTTP classes depend on no store or CLI class")
          .because(
              "the server is handed a runtime, whatever its store; the CLI starts the server, not"
                  + " the other way round");

  static final ArchRule NOTHING_BUT_THE_CLI_DEPENDS_ON_THE_CLI =
      noClasses()
          .that()
          .resideOutsideOfPackage(CLI)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CLI)
          .as("No class outside dev.docket.cli depends on the CLI")
          .because("the CLI is an application, the top of the module graph");

  // ---- Adapters are hidden (STYLE 4) ----

  static final ArchRule STORAGE_ADAPTERS_ARE_NAMED_FOR_THE_PORT =
      classes()
          .that()
          .resideInAPackage(STORES)
          .and()
          .implement(JobStorage.class)
          .should()
          .haveSimpleNameEndingWith("JobStorage")
          .as("Store classes implementing JobStorage are named <Technology>JobStorage")
          .because("adapters are named for their technology and port, like InMemoryJobStorage");

  static final ArchRule STORAGE_ADAPTERS_IMPLEMENT_THE_WHOLE_PORT =
      classes()
          .that()
          .resideInAPackage(STORES)
          .and(implementAPartOfJobStorage())
          .should()
          .beAssignableTo(JobStorage.class)
          .as("Store classes implementing a part of JobStorage implement all of JobStorage")
          .because(
              "the parts share one set of jobs: a store is one JobStorage, and each use case takes"
                  + " the part it needs from it");

  static final ArchRule STORAGE_ADAPTERS_ARE_NOT_PUBLIC =
      classes()
          .that()
          .resideInAPackage(STORES)
          .and(implementAPartOfJobStorage())
          .should()
          .notBePublic()
          .as("Store classes implementing JobStorage or a part of it are not public")
          .because("users reach a store through its factory or module, never its adapter class");

  static final ArchRule MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY_AND_MODULE =
      classes()
          .that()
          .resideInAPackage(MEMORY_STORE)
          .and(areNoneOf(MEMORY_STORE_API))
          .should()
          .notBePublic()
          .andShould()
          .notBeProtected()
          .as(
              "Every memory store class but the MemoryStore factory and MemoryStoreModule is hidden")
          .because(
              "the store's API is one public factory and its Guice module; the rest may change"
                  + " freely");

  static final ArchRule POSTGRES_STORE_EXPOSES_ONLY_ITS_API =
      classes()
          .that()
          .resideInAPackage(POSTGRES_STORE)
          .and(areNoneOf(POSTGRES_STORE_API))
          .should()
          .notBePublic()
          .andShould()
          .notBeProtected()
          .as(
              "Every Postgres store class but PostgresStore, PostgresOptions and its Builder, and"
                  + " PostgresStoreModule is hidden")
          .because(
              "the store's API is its start-up factory, its options and its Guice module; the"
                  + " adapter, row mappers and SQL may change freely");

  static final ArchRule NO_THIRD_PARTY_TYPE_ESCAPES_AN_API =
      classes()
          .that()
          .resideInAPackage("dev.docket..")
          .and(areVisibleOutsideTheirPackage())
          .should(
              exposeNoTypeFrom(
                  List.of(JACKSON, JDBI, JDBC, JDBC_EXTENSION, POSTGRES_DRIVER, HIKARI, FLYWAY),
                  ALLOWED_EXPOSURES))
          .as(
              "No public Docket type exposes Jackson, JDBI, JDBC, PostgreSQL driver, HikariCP or"
                  + " Flyway types, except the Handle and Connection taken by PostgresStore.enqueue"
                  + " and the DataSource taken by PostgresOptions.Builder.dataSource")
          .because(
              "third-party types and exceptions are translated at the boundary, so they can"
                  + " change without breaking users; enqueueing in the application's own"
                  + " transaction is the point of those enqueue methods, so they take the"
                  + " application's handle or connection, and an application lends its pool as a"
                  + " DataSource");

  // ---- Time and randomness are injected (STYLE 8) ----

  static final ArchRule CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN, USECASE, STORES, RUNTIME)
          .should()
          .accessTargetWhere(
              SYSTEM_CLOCK_OR_OWN_RANDOMNESS.and(
                  DescribedPredicate.not(exempted(CLOCK_EXEMPTIONS))))
          .as(
              "Domain, use-case, store and runtime classes never read or pick the system clock nor"
                  + " make their own randomness, except the runtime's defaults in"
                  + " DocketRuntime.Builder and DocketModule and the Postgres wake-up listener's"
                  + " reconnect jitter")
          .because(
              "time and randomness come in as InstantSource and RandomGenerator, so tests need no"
                  + " sleeping; the runtime's builder and module pick the system's only when the"
                  + " application passes none, and the listener's ThreadLocalRandom only spreads"
                  + " reconnect attempts to the database and never decides when a job runs");

  static final ArchRule DOMAIN_DOES_NOT_MEASURE_TIME =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .accessTargetWhere(method(System.class, "nanoTime"))
          .as("Domain classes never call System.nanoTime")
          .because("the domain is a pure function of its inputs; measuring belongs to callers");

  static List<ArchRule> all() {
    return List.of(
        DOMAIN_DEPENDS_ONLY_ON_THE_JDK,
        PORT_DEPENDS_ONLY_ON_THE_DOMAIN,
        USECASE_USES_JACKSON_ONLY_IN_THE_JSON_PACKAGE,
        JSON_CODEC_DEPENDS_ONLY_ON_JACKSON_AND_THE_USE_CASES,
        TESTKIT_DEPENDS_ONLY_ON_THE_CORE_AND_TEST_LIBRARIES,
        MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT,
        POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY,
        STORE_MODULES_DEPEND_ONLY_ON_THEIR_STORE_AND_GUICE,
        STORES_DO_NOT_DEPEND_ON_EACH_OTHER,
        RUNTIME_DEPENDS_ONLY_ON_THE_USE_CASES_GUICE_AND_CRON_UTILS,
        METRICS_DEPENDS_ONLY_ON_THE_RUNTIME_AND_MICROMETER,
        HTTP_DEPENDS_ONLY_ON_THE_RUNTIME_AND_ITS_WEB_STACK,
        CLI_DEPENDS_ONLY_ON_DOCKET_AND_ITS_COMMAND_LINE_STACK,
        EXAMPLE_DEPENDS_ONLY_ON_THE_RUNTIME_AND_THE_POSTGRES_STORE,
        BENCHMARKS_DEPEND_ONLY_ON_WHAT_THEY_MEASURE_AND_JMH,
        EVERY_DOCKET_CLASS_HAS_A_DECLARED_ALLOW_LIST,
        CORE_DEPENDS_ON_NO_HOST,
        RUNTIME_DEPENDS_ON_NO_STORE_AND_NO_MODULE_BUILT_ON_IT,
        METRICS_DEPENDS_ON_NO_STORE_HTTP_OR_CLI,
        HTTP_DEPENDS_ON_NO_STORE_OR_CLI,
        NOTHING_BUT_THE_CLI_DEPENDS_ON_THE_CLI,
        STORAGE_ADAPTERS_ARE_NAMED_FOR_THE_PORT,
        STORAGE_ADAPTERS_IMPLEMENT_THE_WHOLE_PORT,
        STORAGE_ADAPTERS_ARE_NOT_PUBLIC,
        MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY_AND_MODULE,
        POSTGRES_STORE_EXPOSES_ONLY_ITS_API,
        NO_THIRD_PARTY_TYPE_ESCAPES_AN_API,
        CORE_AND_RUNTIME_READ_NO_CLOCK_AND_MAKE_NO_RANDOMNESS,
        DOMAIN_DOES_NOT_MEASURE_TIME);
  }

  // ---- Building blocks ----

  /**
   * A call to, or a method reference of, {@code owner.name} with exactly these parameter types
   * ({@code Instant.now()} but not {@code Instant.now(clock)}).
   */
  private static DescribedPredicate<JavaAccess<?>> method(
      Class<?> owner, String name, Class<?>... parameterTypes) {
    List<String> parameterNames = Arrays.stream(parameterTypes).map(Class::getName).toList();
    return DescribedPredicate.describe(
        "%s.%s(%s)"
            .formatted(
                owner.getSimpleName(),
                name,
                String.join(
                    ", ", Arrays.stream(parameterTypes).map(Class::getSimpleName).toList())),
        access ->
            isCodeUnit(access.getTarget(), owner, name)
                && ((CodeUnitAccessTarget) access.getTarget())
                    .getRawParameterTypes().stream()
                        .map(JavaClass::getName)
                        .toList()
                        .equals(parameterNames));
  }

  /** A call to, or a reference of, any overload of {@code owner.name}. */
  private static DescribedPredicate<JavaAccess<?>> anyMethodOf(Class<?> owner, String name) {
    return DescribedPredicate.describe(
        "%s.%s(..)".formatted(owner.getSimpleName(), name),
        access -> isCodeUnit(access.getTarget(), owner, name));
  }

  /** {@code new Owner(..)} or {@code Owner::new}, any overload, of exactly this class. */
  private static DescribedPredicate<JavaAccess<?>> anyConstructorOf(Class<?> owner) {
    return DescribedPredicate.describe(
        "new %s(..)".formatted(owner.getSimpleName()),
        access -> isCodeUnit(access.getTarget(), owner, JavaConstructor.CONSTRUCTOR_NAME));
  }

  private static boolean isCodeUnit(AccessTarget target, Class<?> owner, String name) {
    return target instanceof CodeUnitAccessTarget
        && target.getOwner().isEquivalentTo(owner)
        && target.getName().equals(name);
  }

  /** An access that one of {@code exemptions} allows. */
  private static DescribedPredicate<JavaAccess<?>> exempted(List<ClockExemption> exemptions) {
    return DescribedPredicate.describe(
        "one of " + exemptions,
        access -> exemptions.stream().anyMatch(exemption -> exemption.allows(access)));
  }

  @SafeVarargs
  private static DescribedPredicate<JavaAccess<?>> anyOf(
      DescribedPredicate<JavaAccess<?>>... targets) {
    return DescribedPredicate.describe(
        "one of "
            + String.join(
                ", ", Arrays.stream(targets).map(DescribedPredicate::getDescription).toList()),
        access -> Arrays.stream(targets).anyMatch(target -> target.test(access)));
  }

  /** The capability ports {@link JobStorage} is made of, or JobStorage itself. */
  private static DescribedPredicate<JavaClass> implementAPartOfJobStorage() {
    return JavaClass.Predicates.implement(JobSubmissions.class)
        .or(JavaClass.Predicates.implement(JobClaims.class))
        .or(JavaClass.Predicates.implement(JobOperations.class))
        .or(JavaClass.Predicates.implement(JobMaintenance.class))
        .as("implement a part of JobStorage");
  }

  private static DescribedPredicate<JavaClass> areNoneOf(List<String> names) {
    return DescribedPredicate.describe(
        "are none of " + names, javaClass -> !names.contains(javaClass.getName()));
  }

  /** Public, and if nested, inside classes that are visible too. */
  private static DescribedPredicate<JavaClass> areVisibleOutsideTheirPackage() {
    return DescribedPredicate.describe(
        "are visible outside their package", DocketRules::isVisibleOutsideItsPackage);
  }

  private static boolean isVisibleOutsideItsPackage(JavaClass javaClass) {
    Set<JavaModifier> modifiers = javaClass.getModifiers();
    boolean visible =
        modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    return visible
        && javaClass.getEnclosingClass().map(DocketRules::isVisibleOutsideItsPackage).orElse(true);
  }

  /**
   * Checks a type's API: its supertypes and the signatures of its public and protected members
   * (field types, parameter and return types with their type arguments, thrown exceptions).
   */
  private static ArchCondition<JavaClass> exposeNoTypeFrom(
      List<String> packageIdentifiers, List<AllowedExposure> allowed) {
    DescribedPredicate<JavaClass> forbidden =
        JavaClass.Predicates.resideInAnyPackage(packageIdentifiers.toArray(String[]::new));
    return new ArchCondition<>(
        "expose no type from "
            + String.join(", ", packageIdentifiers)
            + " in their API, except "
            + allowed) {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        Stream.concat(javaClass.getSuperclass().stream(), javaClass.getInterfaces().stream())
            .flatMap(type -> type.getAllInvolvedRawTypes().stream())
            .filter(forbidden)
            .forEach(
                type ->
                    events.add(
                        SimpleConditionEvent.violated(
                            javaClass,
                            "%s extends or implements <%s>"
                                .formatted(javaClass.getDescription(), type.getName()))));
        for (JavaMember member : javaClass.getMembers()) {
          Set<JavaModifier> modifiers = member.getModifiers();
          if (!modifiers.contains(JavaModifier.PUBLIC)
              && !modifiers.contains(JavaModifier.PROTECTED)) {
            continue;
          }
          for (JavaClass type : typesInSignatureOf(member, allowed)) {
            if (forbidden.test(type)) {
              events.add(
                  SimpleConditionEvent.violated(
                      member,
                      "%s exposes <%s> in %s"
                          .formatted(
                              member.getDescription(),
                              type.getName(),
                              member.getSourceCodeLocation())));
            }
          }
        }
      }
    };
  }

  /** The types a member shows, leaving out only the parameters an allowed exposure names. */
  private static Set<JavaClass> typesInSignatureOf(
      JavaMember member, List<AllowedExposure> allowed) {
    Set<JavaClass> types = new LinkedHashSet<>();
    if (member instanceof JavaField field) {
      types.addAll(field.getType().getAllInvolvedRawTypes());
    } else if (member instanceof JavaCodeUnit codeUnit) {
      types.addAll(codeUnit.getReturnType().getAllInvolvedRawTypes());
      for (JavaType parameter : codeUnit.getParameterTypes()) {
        if (allowed.stream().noneMatch(exposure -> exposure.allows(codeUnit, parameter))) {
          types.addAll(parameter.getAllInvolvedRawTypes());
        }
      }
      types.addAll(codeUnit.getThrowsClause().getTypes());
    }
    return types;
  }

  /**
   * A public method, named by owner, name and raw parameter types, that may take a parameter of
   * exactly {@code parameterType}, though that type's package may not appear in an API.
   */
  record AllowedExposure(
      Class<?> owner, String name, List<Class<?>> parameterTypes, Class<?> parameterType) {

    boolean allows(JavaCodeUnit codeUnit, JavaType parameter) {
      return codeUnit.getOwner().isEquivalentTo(owner)
          && codeUnit.getName().equals(name)
          && codeUnit.getRawParameterTypes().stream()
              .map(JavaClass::getName)
              .toList()
              .equals(parameterTypes.stream().map(Class::getName).toList())
          && parameter instanceof JavaClass raw
          && raw.isEquivalentTo(parameterType);
    }

    @Override
    public String toString() {
      return "%s %s.%s(%s)"
          .formatted(
              parameterType.getSimpleName(),
              owner.getSimpleName(),
              name,
              String.join(", ", parameterTypes.stream().map(Class::getSimpleName).toList()));
    }
  }

  /**
   * One class, named exactly, that may make one access {@link #SYSTEM_CLOCK_OR_OWN_RANDOMNESS}
   * otherwise forbids. A class of the same simple name elsewhere, or another such access from this
   * class, is still reported.
   */
  record ClockExemption(String origin, DescribedPredicate<JavaAccess<?>> access) {

    boolean allows(JavaAccess<?> candidate) {
      return candidate.getOriginOwner().getName().equals(origin) && access.test(candidate);
    }

    @Override
    public String toString() {
      return "%s in %s".formatted(access.getDescription(), origin);
    }
  }
}
