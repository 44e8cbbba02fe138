package dev.docket.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slices;
import dev.docket.architecture.DocketRules.AllowedExposure;
import dev.docket.architecture.DocketRules.ClockExemption;
import dev.docket.benchmarks.DomainBenchmark;
import dev.docket.cli.DocketCommand;
import dev.docket.example.WelcomeEmails;
import dev.docket.http.DocketServer;
import dev.docket.metrics.DocketMetrics;
import dev.docket.runtime.DocketRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

// Checks every rule of DocketRules against the production classes of all modules on the test
// classpath. Test classes, and with them the rule-breaking fixtures of ArchitectureRulesFireTest,
// are left out of the import.
class ArchitectureTest {

  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.docket");

  static List<ArchRule> rules() {
    return DocketRules.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void productionClasses_followTheRule(ArchRule rule) {
    rule.check(PRODUCTION);
  }

  @Test
  void productionImport_holdsEveryModuleAndNoTestClasses() {
    // One class of each module, by class literal, so that a module missing from this module's pom
    // fails to compile rather than leave its rules with nothing to check.
    assertThat(PRODUCTION.contain("dev.docket.domain.Job")).isTrue();
    for (Class<?> module :
        List.of(
            DocketRuntime.class,
            DocketMetrics.class,
            DocketServer.class,
            DocketCommand.class,
            WelcomeEmails.class,
            DomainBenchmark.class)) {
      assertThat(PRODUCTION.contain(module)).as("%s is imported", module).isTrue();
    }
    assertThat(PRODUCTION.stream().map(JavaClass::getPackageName))
        .contains(
            "dev.docket.domain",
            "dev.docket.usecase",
            "dev.docket.usecase.port",
            "dev.docket.usecase.json",
            "dev.docket.testkit",
            "dev.docket.store.memory",
            "dev.docket.store.postgres",
            "dev.docket.runtime",
            "dev.docket.metrics",
            "dev.docket.http",
            "dev.docket.cli",
            "dev.docket.example",
            "dev.docket.benchmarks");
    assertThat(PRODUCTION.stream().map(JavaClass::getName))
        .noneMatch(name -> name.contains(".archfixture."))
        .noneMatch(name -> name.startsWith("dev.docket.architecture."));
  }

  @Test
  void storeSlices_seeEveryDeclaredStore() {
    // The slices of STORES_DO_NOT_DEPEND_ON_EACH_OTHER: with one store the rule could never fire.
    Slices stores = Slices.matching("dev.docket.store.(*)..").transform(PRODUCTION);

    assertThat(stores).extracting(slice -> slice.getNamePart(1)).contains("memory", "postgres");
  }

  @Test
  void allowedExposures_nameMethodsThatExist() {
    // An exception whose method is gone would quietly let a method of that signature come back.
    for (AllowedExposure exposure : DocketRules.ALLOWED_EXPOSURES) {
      assertThat(
              PRODUCTION
                  .get(exposure.owner())
                  .tryGetMethod(
                      exposure.name(), exposure.parameterTypes().toArray(Class<?>[]::new)))
          .as("%s names a method of the production class", exposure)
          .isPresent();
    }
  }

  @Test
  void clockExemptions_nameAccessesThatExist() {
    // An exemption whose class or access is gone would quietly let that access come back, as the
    // one for a Defaults class that never existed did.
    for (ClockExemption exemption : DocketRules.CLOCK_EXEMPTIONS) {
      assertThat(PRODUCTION.contain(exemption.origin()))
          .as("%s names a production class", exemption)
          .isTrue();
      assertThat(PRODUCTION.get(exemption.origin()).getAccessesFromSelf())
          .as("%s names an access its class makes", exemption)
          .anyMatch(exemption::allows);
    }
  }
}
