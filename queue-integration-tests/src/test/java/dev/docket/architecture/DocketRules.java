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
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
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
 * the clock. Layering rules are allow-lists. Every rule here is checked against the production
 * classes by {@link ArchitectureTest} and proven able to fail by {@link ArchitectureRulesFireTest};
 * a new rule goes into {@link #all()} and gets a fixture there.
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
  static final String JACKSON = "com.fasterxml.jackson..";
  static final String JDBI = "org.jdbi..";
  static final String POSTGRES_DRIVER = "org.postgresql..";
  static final String HIKARI = "com.zaxxer.hikari..";
  static final String FLYWAY = "org.flywaydb..";

  // JDBC is one API in two packages of the java.sql module: a javax.sql.RowSet is a ResultSet.
  static final String JDBC = "java.sql..";
  static final String JDBC_EXTENSION = "javax.sql..";

  /** The one class that may pick the system clock and a seeded-by-the-OS random source. */
  static final String DEFAULT_WIRING = "dev.docket.usecase.Defaults";

  /**
   * Stores with a declared allow-list, each in its own rule below. A new store under {@code
   * dev.docket.store} adds its package here and its own rule (JDK, domain, port, itself and its
   * technology, as {@link #POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY} does).
   */
  static final List<String> DECLARED_STORES = List.of(MEMORY_STORE, POSTGRES_STORE);

  /** The public API of the Postgres store; everything else in its package is hidden. */
  static final List<String> POSTGRES_STORE_API =
      List.of(
          PostgresStore.class.getName(),
          PostgresOptions.class.getName(),
          PostgresOptions.Builder.class.getName());

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
   * The one class that may make its own randomness, and only through {@code
   * ThreadLocalRandom.current()}: the Postgres wake-up listener jitters its reconnect backoff. That
   * is infrastructure timing inside an adapter, never a job's schedule, which stays a function of
   * the injected clock and random source.
   */
  static final String RECONNECT_JITTER = "dev.docket.store.postgres.NotificationListener";

  private DocketRules() {}

  // ---- Layering (allow-lists) ----

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

  static final ArchRule MEMORY_STORE_DEPENDS_ONLY_ON_THE_PORT =
      classes()
          .that()
          .resideInAPackage(MEMORY_STORE)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(JDK, DOMAIN, PORT, MEMORY_STORE)
          .as(
              "The memory store depends only on the JDK, the domain, the port and its own"
                  + " package")
          .because("a store is an adapter of the JobStorage port: no services, no other store");

  static final ArchRule POSTGRES_STORE_DEPENDS_ONLY_ON_THE_PORT_AND_ITS_TECHNOLOGY =
      classes()
          .that()
          .resideInAPackage(POSTGRES_STORE)
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
              "The Postgres store depends only on the JDK, the domain, the port, its own package,"
                  + " JDBI, the PostgreSQL driver, HikariCP, Flyway and Jackson")
          .because(
              "a store is an adapter of the JobStorage port: no services, no other store, no"
                  + " runtime; Jackson only reads and writes the errors column");

  static final ArchRule EVERY_STORE_HAS_A_DECLARED_ALLOW_LIST =
      classes()
          .that()
          .resideInAPackage(STORES)
          .should()
          .resideInAnyPackage(DECLARED_STORES.toArray(String[]::new))
          .as("Every class under dev.docket.store belongs to a store with a declared allow-list")
          .because(
              "a new store gets its own allow-list rule in DocketRules (JDK, domain, port, itself,"
                  + " its technology) before its code lands");

  static final ArchRule STORES_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices()
          .matching("dev.docket.store.(*)..")
          .namingSlices("store '$1'")
          .should()
          .notDependOnEachOther()
          .as("Stores do not depend on each other")
          .because("each store is a separate adapter, chosen alone at wiring time");

  static final ArchRule NOTHING_DEPENDS_ON_THE_RUNTIME =
      noClasses()
          .that()
          .resideOutsideOfPackage(RUNTIME)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(RUNTIME)
          .as("No class outside dev.docket.runtime depends on the runtime")
          .because("the runtime wires everything together, so nothing may depend on it");

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

  static final ArchRule MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY =
      classes()
          .that()
          .resideInAPackage(MEMORY_STORE)
          .and()
          .doNotHaveFullyQualifiedName("dev.docket.store.memory.MemoryStore")
          .should()
          .notBePublic()
          .andShould()
          .notBeProtected()
          .as("Every memory store class but the MemoryStore factory is hidden")
          .because("the store's API is one public factory; the rest may change freely");

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
              "Every Postgres store class but PostgresStore, PostgresOptions and its Builder is"
                  + " hidden")
          .because(
              "the store's API is its start-up factory and its options; the adapter, row mappers"
                  + " and SQL may change freely");

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

  static final ArchRule CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN, USECASE, STORES)
          .should()
          .accessTargetWhere(
              anyOf(
                      method(Instant.class, "now"),
                      method(LocalDateTime.class, "now"),
                      method(LocalDate.class, "now"),
                      method(LocalTime.class, "now"),
                      method(ZonedDateTime.class, "now"),
                      method(OffsetDateTime.class, "now"),
                      method(System.class, "currentTimeMillis"),
                      method(Clock.class, "systemDefaultZone"),
                      method(Clock.class, "system", ZoneId.class),
                      method(Math.class, "random"),
                      method(StrictMath.class, "random"),
                      method(ThreadLocalRandom.class, "current"),
                      anyConstructorOf(Random.class))
                  .and(DescribedPredicate.not(reconnectJitter())))
          .as(
              "Domain, use-case and store classes never read the system clock nor create their"
                  + " own randomness, except the Postgres wake-up listener's reconnect jitter")
          .because(
              "time and randomness come in as InstantSource and RandomGenerator, so tests need no"
                  + " sleeping; the listener's ThreadLocalRandom only spreads reconnect attempts"
                  + " to the database and never decides when a job runs");

  static final ArchRule ONLY_DEFAULTS_PICKS_THE_SYSTEM_CLOCK_AND_RANDOM_SOURCE =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN, USECASE, STORES)
          .and()
          .doNotHaveFullyQualifiedName(DEFAULT_WIRING)
          .should()
          .accessTargetWhere(
              anyOf(
                  method(Clock.class, "systemUTC"),
                  method(InstantSource.class, "system"),
                  method(RandomGenerator.class, "getDefault"),
                  method(RandomGenerator.class, "of", String.class),
                  method(SecureRandom.class, "getInstanceStrong"),
                  anyMethodOf(SecureRandom.class, "getInstance"),
                  anyConstructorOf(SecureRandom.class)))
          .as("Only " + DEFAULT_WIRING + " picks the system clock and the default random source")
          .because("the defaults are wired in one place; everything else receives them");

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
        EVERY_STORE_HAS_A_DECLARED_ALLOW_LIST,
        STORES_DO_NOT_DEPEND_ON_EACH_OTHER,
        NOTHING_DEPENDS_ON_THE_RUNTIME,
        STORAGE_ADAPTERS_ARE_NAMED_FOR_THE_PORT,
        STORAGE_ADAPTERS_IMPLEMENT_THE_WHOLE_PORT,
        STORAGE_ADAPTERS_ARE_NOT_PUBLIC,
        MEMORY_STORE_EXPOSES_ONLY_ITS_FACTORY,
        POSTGRES_STORE_EXPOSES_ONLY_ITS_API,
        NO_THIRD_PARTY_TYPE_ESCAPES_AN_API,
        CORE_READS_NO_CLOCK_AND_CREATES_NO_RANDOMNESS,
        ONLY_DEFAULTS_PICKS_THE_SYSTEM_CLOCK_AND_RANDOM_SOURCE,
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

  /**
   * {@code ThreadLocalRandom.current()} called from {@link #RECONNECT_JITTER}, and nothing else.
   */
  private static DescribedPredicate<JavaAccess<?>> reconnectJitter() {
    DescribedPredicate<JavaAccess<?>> current = method(ThreadLocalRandom.class, "current");
    return DescribedPredicate.describe(
        "%s in %s".formatted(current.getDescription(), RECONNECT_JITTER),
        access ->
            access.getOriginOwner().getName().equals(RECONNECT_JITTER) && current.test(access));
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
}
