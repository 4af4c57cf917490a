#include <cstdio>
#include <memory>
#include <string>

#include "daemon/app.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/log.h"

namespace tributary::daemon::cli {

void add_run_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config = default_config_path();
    bool once = false;
    bool verbose = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("run", "Run the daemon (or poll once with --once)");
  cmd->add_option("--config,-c", opts->config, "Config file")->capture_default_str();
  cmd->add_flag("--once", opts->once, "Poll every feed once, store, render the outputs and exit");
  cmd->add_flag("--verbose,-v", opts->verbose, "Log debug messages");
  cmd->callback([opts, &exit_code] {
    log::set_verbose(opts->verbose);
    auto config = load_config(opts->config);
    if (!config) {
      for (const auto& d : config.error()) log::error("{}", d.to_string());
      exit_code = 1;
      return;
    }
    App daemon(std::move(*config), RunOptions{opts->once});
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
    std::printf("%s: ok (%zu feeds, %zu outputs)\n", path->c_str(), config->feeds.size(),
                config->outputs.size());
  });
}

}  // namespace tributary::daemon::cli
