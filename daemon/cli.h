#pragma once

#include <CLI/CLI.hpp>

// Each `tributary` subcommand lives in its own daemon/cli_NAME.cpp and is
// registered by main.cpp. A command's callback stores its exit status in
// `exit_code`: 0 ok, 1 bad input or failed check (message on stderr), 2 usage.
namespace tributary::daemon::cli {

void add_run_command(CLI::App& app, int& exit_code);
void add_check_config_command(CLI::App& app, int& exit_code);
void add_parse_command(CLI::App& app, int& exit_code);
void add_extract_command(CLI::App& app, int& exit_code);
void add_refetch_command(CLI::App& app, int& exit_code);
void add_dedup_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_import_opml_command(CLI::App& app, int& exit_code);
void add_export_opml_command(CLI::App& app, int& exit_code);
void add_backup_command(CLI::App& app, int& exit_code);

}  // namespace tributary::daemon::cli
