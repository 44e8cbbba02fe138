package dev.docket.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract suite's Javadoc and the README show a store author the subclass to write: it must be
 * the one that runs here, {@link InMemoryClaimContractTest}, so that the example keeps compiling.
 */
class ContractExampleTest {
  private static final Path EXAMPLE =
      Path.of("src/test/java/dev/docket/store/memory/InMemoryClaimContractTest.java");
  private static final Path FIXTURE =
      Path.of("../queue-testkit/src/main/java/dev/docket/testkit/JobStorageFixture.java");
  private static final Path README = Path.of("../README.md");

  @Test
  void contractJavadoc_showsExactlyTheSubclassThisModuleRuns() throws IOException {
    String source = Files.readString(EXAMPLE);
    String declaration = source.substring(source.indexOf("\nclass ") + 1);

    assertThat(javadocExample(Files.readString(FIXTURE))).isEqualTo(declaration);
  }

  @Test
  void readme_showsExactlyTheSubclassThisModuleRuns() throws IOException {
    String source = Files.readString(EXAMPLE);
    String declaration = source.substring(source.indexOf("\nclass ") + 1);

    assertThat(Files.readString(README)).contains("```java\n" + declaration + "```\n");
  }

  /** The code between {@code <pre>{@code} and its end, without the comment's leading stars. */
  private static String javadocExample(String source) {
    List<String> lines = source.lines().toList();
    int start = indexOf(lines, "<pre>{@code", 0) + 1;
    int end = indexOf(lines, "}</pre>", start);
    var example = new StringBuilder();
    for (String line : lines.subList(start, end)) {
      example.append(line.strip().equals("*") ? "" : line.replaceFirst("^ \\* ", "")).append('\n');
    }
    return example.toString();
  }

  private static int indexOf(List<String> lines, String text, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("No line containing " + text + " in the fixture's Javadoc.");
  }
}
