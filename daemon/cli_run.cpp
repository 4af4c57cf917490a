#include <csignal>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <string>

#include "daemon/app.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/log.h"
#include "daemon/maintenance.h"

namespace tributary::daemon::cli {

void add_run_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config = default_config_path();
    bool once = false;
    bool verbose = false;
    bool skip_check = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("run", "Run the daemon (or poll once with --once)");
  cmd->add_option("--config,-c", opts->config, "Config file")->capture_default_str();
  cmd->add_flag("--once", opts->once, "Poll every feed once, store, render the outputs and exit");
  cmd->add_flag("--verbose,-v", opts->verbose, "Log debug messages");
  cmd->add_flag("--skip-integrity-check", opts->skip_check,
                "Start without PRAGMA quick_check of the store");
  cmd->callback([opts, &exit_code] {
    log::set_verbose(opts->verbose);
    // A SIGHUP before the reload handler is in place (while the store opens
    // and is checked) must not end the daemon: SIGHUP's default action.
    std::signal(SIGHUP, SIG_IGN);
    auto text = read_file(opts->config);
    auto config = text ? parse_config_text(*text, opts->config) : load_config(opts->config);
    if (!config) {
      for (const auto& d : config.error()) log::error("{}", d.to_string());
      exit_code = 1;
      return;
    }
    // A damaged store is reported before anything writes to it. A --once
    // run checks only a store that was not closed cleanly (SQLite removes
    // its -wal file on a clean close): polling from cron every few minutes
    // must not read the whole store each time.
    std::string db = store_path(*config);
    std::error_code ec;
    bool unclean = std::filesystem::exists(db + "-wal", ec) || std::filesystem::exists(db + "-journal", ec);
    if (!opts->skip_check && (!opts->once || unclean)) {
      if (auto ok = check_store_file(db, /*quick=*/true); !ok) {
        log::error("{}", ok.error().message);
        exit_code = 1;
        return;
      }
      log::debug("store: {} passed PRAGMA quick_check", db);
    }
    RunOptions run(opts->once);
    if (!opts->once) {
      run.config_path = opts->config;
      run.config_text = std::move(*text);
    }
    App daemon(std::move(*config), std::move(run));
    exit_code = daemon.run();
  });
}

void add_check_config_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("check-config", "Validate a config file");
  cmd->add_option("FILE", *path, "Config file")->required();
  cmd->callback([path, &exit_code] {
    auto config = load_config(*path);
    if (!config) {
      for (const auto& d : config.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      exit_code = 1;
      return;
    }
    std::size_t enabled = 0;
    for (const auto& f : config->feeds) enabled += f.enabled ? 1 : 0;
    std::printf("%s: ok (%zu feeds, %zu enabled; %zu outputs)\n", path->c_str(),
                config->feeds.size(), enabled, config->outputs.size());
  });
}

}  // namespace tributary::daemon::cli
