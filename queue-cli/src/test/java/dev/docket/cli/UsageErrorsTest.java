package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A mistyped command line gets one line on stderr naming the command and what is wrong, exit status
 * 2 and nothing on stdout: never the whole usage. None of these reaches a database.
 */
class UsageErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String line) {
    // No environment: a DOCKET_DATABASE_URL on the machine must not change what is refused.
    CommandLine command = DocketCommand.commandLine(name -> null);
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(line.split(" "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          jobs list --state bogus | docket jobs list: --state: 'bogus' is not a state; use one of pending, running, completed, failed, cancelled (or dead, due, scheduled)
          jobs retry --state bogus | docket jobs retry: --state: 'bogus' is not a state; use one of pending, running, completed, failed, cancelled (or dead, due, scheduled)
          jobs retry 01900000-0000-7000-8000-000000000001 --state failed | docket jobs retry: Name the jobs by ids or by a filter, not both.
          jobs cancel --kind bad@kind | docket jobs cancel: Kind 'bad@kind' is invalid: use 1 to 128 of letters, digits, '_', '-', '.', ':', starting with a letter or digit.
          jobs list --state | docket jobs list: --state needs a value; see docket jobs list --help
          jobs list --state failed --state dead | docket jobs list: option '--state' (<state>) should be specified only once; see docket jobs list --help
          jobs list --sate failed | docket jobs list: unknown option '--sate' (did you mean --state?); see docket jobs list --help
          jobs list --bogus | docket jobs list: unknown option '--bogus'; see docket jobs list --help
          jobs list --limit ten | docket jobs list: --limit: 'ten' is not a whole number
          jobs list --limit 0 | docket jobs list: Page size 0 is out of range: use 1 to 1000.
          jobs list --after 42 | docket jobs list: --after: Job id '42' is not a UUID (expected 36 characters like 0190a1b2-...)
          jobs lst | docket jobs: unknown command 'lst' (did you mean list?); see docket jobs --help
          jobz | docket: unknown command 'jobz' (did you mean jobs?); see docket --help
          jobs show | docket jobs show: missing <id>; see docket jobs show --help
          jobs show 42 | docket jobs show: <id>: Job id '42' is not a UUID (expected 36 characters like 0190a1b2-...)
          jobs rerun | docket jobs rerun: missing <id>; see docket jobs rerun --help
          jobs rerun 42 | docket jobs rerun: <id>: Job id '42' is not a UUID (expected 36 characters like 0190a1b2-...)
          jobs show 01900000-0000-7000-8000-000000000001 extra | docket jobs show: unexpected argument 'extra'; see docket jobs show --help
          jobs retry | docket jobs retry: Name the jobs to retry: ids, or a filter (--state, --queue, --kind, --tag, --error, --payload, --id).
          jobs delete | docket jobs delete: Name the jobs to delete: ids, or a filter (--state, --queue, --kind, --tag, --error, --payload, --id).
          jobs delete 01900000-0000-7000-8000-000000000001 nope | docket jobs delete: <id>: Job id 'nope' is not a UUID (expected 36 characters like 0190a1b2-...)
          enqueue report {} --priority highest | docket enqueue: --priority: 'highest' is not a priority; use a whole number from 0 to 100, or low, normal, high or urgent
          enqueue report {} --priority 101 | docket enqueue: --priority: '101' is not a priority; use a whole number from 0 to 100, or low, normal, high or urgent
          enqueue report {} --priority -1 | docket enqueue: --priority: '-1' is not a priority; use a whole number from 0 to 100, or low, normal, high or urgent
          enqueue report {} --delay 5m | docket enqueue: --delay: '5m' is not an ISO-8601 duration such as PT30S, PT5M or P1D
          enqueue report {} --run-at tomorrow | docket enqueue: --run-at: 'tomorrow' is not an ISO-8601 instant such as 2030-01-31T09:00:00Z
          enqueue report | docket enqueue: missing <json>; see docket enqueue --help
          queues pause | docket queues pause: missing <queue>; see docket queues pause --help
          queues pause mail extra | docket queues pause: unexpected argument 'extra'; see docket queues pause --help
          queues stop mail | docket queues: unknown command 'stop'; see docket queues --help
          queues list --jsn | docket queues list: unknown option '--jsn' (did you mean --json?); see docket queues list --help
          schedules run | docket schedules run: missing <name>; see docket schedules run --help
          schedules enabel nightly | docket schedules: unknown command 'enabel' (did you mean enable?); see docket schedules --help
          queues lis | docket queues: unknown command 'lis' (did you mean list?); see docket queues --help
          stats --json=maybe | docket stats: --json: 'maybe' is not a boolean
          serve --queue mail=zero | docket serve: --queue: 'zero' is not a whole number
          jobs list | docket jobs list needs --database-url, DOCKET_DATABASE_URL or database-url in --config: jobs live in PostgreSQL.
          queues list | docket queues list needs --database-url, DOCKET_DATABASE_URL or database-url in --config: jobs live in PostgreSQL.
          schedules list | docket schedules list needs --database-url, DOCKET_DATABASE_URL or database-url in --config: jobs live in PostgreSQL.
          """)
  void aBadCommandLine_getsOneLine_andStatusTwo(String line, String expected) {
    int status = run(line);

    assertThat(status).as("exit status").isEqualTo(2);
    assertThat(err.toString()).isEqualTo(expected + System.lineSeparator());
    assertThat(out.toString()).as("stdout").isEmpty();
  }
}
