/**
 * The {@code docket} command: {@link dev.docket.cli.DocketCommand} and one class per subcommand. An
 * application, not a library: the only Docket module with a logging backend.
 */
package dev.docket.cli;
