#include <cstdio>
#include <exception>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  namespace cli = tributary::daemon::cli;
  CLI::App app{"tributary: a feed aggregator daemon"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tributary 0.1.0");
  int exit_code = 0;
  cli::add_run_command(app, exit_code);
  cli::add_check_config_command(app, exit_code);
  cli::add_parse_command(app, exit_code);
  cli::add_dedup_command(app, exit_code);
  cli::add_extract_command(app, exit_code);
  cli::add_refetch_command(app, exit_code);
  cli::add_status_command(app, exit_code);
  cli::add_import_opml_command(app, exit_code);
  cli::add_export_opml_command(app, exit_code);
  cli::add_backup_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tributary: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
