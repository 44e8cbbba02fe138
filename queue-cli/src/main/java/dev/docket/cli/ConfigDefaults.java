package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.Names;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Default values from the environment and the {@code --config} file.
 *
 * <p>Picocli asks a default provider only about options the command line did not set, and asks it
 * after parsing, so a {@code --config} anywhere on the line is loaded by then. A provider's answer
 * wins over an annotation's {@code defaultValue}, which is why the annotations hold only built-in
 * defaults and the environment is read here, before the file. Picocli expands {@code ${...}} in
 * what a provider returns, so every {@code $} is doubled to keep a password intact. Not
 * thread-safe: one instance serves one parse.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
  /** The options that can come from the environment, and their variables. */
  static final Map<String, String> ENVIRONMENT =
      Map.of(
          "database-url", "DOCKET_DATABASE_URL",
          "database-user", "DOCKET_DATABASE_USER",
          "database-password", "DOCKET_DATABASE_PASSWORD",
          "schema", "DOCKET_SCHEMA",
          "api-token", "DOCKET_API_TOKEN",
          "api-read-token", "DOCKET_API_READ_TOKEN");

  private final Function<String, String> env;
  private Path file;
  private Properties properties = new Properties();
  private String unreadable;

  ConfigDefaults(Function<String, String> env) {
    this.env = env;
  }

  void load(Path file) {
    this.file = file;
    this.properties = new Properties();
    this.unreadable = null;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      unreadable = "it does not exist";
    } catch (AccessDeniedException e) {
      unreadable = "permission denied";
    } catch (CharacterCodingException e) {
      unreadable = "it is not UTF-8 text";
    } catch (IOException | IllegalArgumentException e) {
      unreadable = oneLine(e.getMessage());
    }
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !configurable(option)) {
      return null;
    }
    String name = key(option);
    String variable = ENVIRONMENT.get(name);
    String value = variable == null ? null : env.apply(variable);
    if (value == null || value.isEmpty()) {
      value = properties.getProperty(qualified(option.command(), name));
    }
    if (value == null) {
      value = properties.getProperty(name);
    }
    return value == null ? null : value.replace("$", "$$");
  }

  /** What is wrong with the config file, if anything: unreadable, or a key no option has. */
  Optional<String> problem(CommandSpec root) {
    if (file == null) {
      return Optional.empty();
    }
    if (unreadable != null) {
      return Optional.of(
          "Config file %s cannot be read: %s.".formatted(Names.quote(file.toString()), unreadable));
    }
    Set<String> known = new TreeSet<>();
    collectKeys(root, known);
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      if (!known.contains(key)) {
        return Optional.of(
            ("Config file %s has the key %s, which names no option: use an option's long name"
                    + " without dashes, such as database-url, or prefix it with a command,"
                    + " such as jobs.list.limit.")
                .formatted(Names.quote(file.toString()), Names.quote(key)));
      }
    }
    return Optional.empty();
  }

  private static void collectKeys(CommandSpec command, Set<String> known) {
    for (OptionSpec option : command.options()) {
      if (configurable(option)) {
        known.add(key(option));
        known.add(qualified(command, key(option)));
      }
    }
    command.subcommands().values().forEach(sub -> collectKeys(sub.getCommandSpec(), known));
  }

  private static boolean configurable(OptionSpec option) {
    return !option.usageHelp() && !option.versionHelp() && !key(option).equals("config");
  }

  private static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** {@code jobs.list.limit} for {@code --limit} of {@code docket jobs list}. */
  private static String qualified(CommandSpec command, String key) {
    String path = command.qualifiedName(".");
    int root = path.indexOf('.');
    return root < 0 ? key : path.substring(root + 1) + "." + key;
  }
}
