package dev.docket.cli;

import dev.docket.domain.Names;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * A mistyped command line gets one line on stderr and exit status 2, never the whole usage: the
 * command, what is wrong and, for a name or argument picocli could not place, where the help is.
 *
 * <pre>
 * docket jobs list: --state: 'bogus' is not a state; use one of pending, running, ...
 * docket jobs list: unknown option '--sate' (did you mean --state?); see docket jobs list --help
 * </pre>
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(line(e));
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The one line that says what is wrong with the command line. */
  static String line(ParameterException e) {
    var spec = e.getCommandLine().getCommandSpec();
    String name = spec.qualifiedName(" ");
    String help = "; see " + name + " --help";
    if (e.getCause() instanceof CommandLine.TypeConversionException conversion
        && e.getArgSpec() != null) {
      return "%s: %s: %s".formatted(name, label(e.getArgSpec()), sentence(conversion.getMessage()));
    }
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      String first = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().get(0);
      String what;
      if (unmatched.isUnknownOption()) {
        what = "unknown option";
      } else if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
        what = "unknown command";
      } else {
        what = "unexpected argument";
      }
      List<String> suggestions =
          switch (what) {
            case "unknown option" -> similar(first, optionNames(spec));
            case "unknown command" -> similar(first, List.copyOf(spec.subcommands().keySet()));
            default -> List.of();
          };
      String guess =
          suggestions.isEmpty()
              ? ""
              : " (did you mean %s?)"
                  .formatted(
                      String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))));
      // Quoted as every message quotes a value: a control character typed by mistake shows.
      return "%s: %s %s%s%s".formatted(name, what, Names.quote(first), guess, help);
    }
    if (e instanceof CommandLine.MissingParameterException missing) {
      String what =
          missing.getMissing().stream()
              .map(arg -> arg.isOption() ? label(arg) + " needs a value" : "missing " + label(arg))
              .collect(Collectors.joining(", "));
      return name + ": " + what + help;
    }
    if (e.getClass() == ParameterException.class && e.getCause() == null) {
      // Docket's own: a whole sentence that says what to do, often naming the command itself.
      String message = DocketCommand.oneLine(e.getMessage());
      return message.startsWith(name + " ") ? message : name + ": " + message;
    }
    return name + ": " + sentence(lowerFirst(e.getMessage())) + help;
  }

  private static List<String> optionNames(CommandLine.Model.CommandSpec spec) {
    return spec.options().stream()
        .flatMap(option -> java.util.Arrays.stream(option.names()))
        .filter(option -> option.startsWith("--"))
        .toList();
  }

  /** The names within two edits of {@code typed}, closest first: what it is a typo of. */
  static List<String> similar(String typed, List<String> names) {
    String name = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
    return names.stream()
        .map(candidate -> java.util.Map.entry(candidate, distance(name, candidate)))
        .filter(entry -> entry.getValue() <= 2)
        .sorted(java.util.Map.Entry.comparingByValue())
        .map(java.util.Map.Entry::getKey)
        .toList();
  }

  /** The Levenshtein distance: how many inserted, deleted or replaced characters apart. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** {@code --state}, or a positional parameter's label such as {@code <id>}. */
  private static String label(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }

  /** The message on one line, without a closing full stop: the line may go on after it. */
  private static String sentence(String message) {
    String line = DocketCommand.oneLine(message);
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }

  private static String lowerFirst(String message) {
    return message == null || message.isEmpty()
        ? ""
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
