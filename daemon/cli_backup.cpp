#include <cstdio>
#include <memory>
#include <string>

#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/maintenance.h"

namespace tributary::daemon::cli {

// tributary backup FILE [--config C | --db PATH]
//
// A consistent copy of the store while the daemon runs (SQLite's online
// backup API), checked with PRAGMA integrity_check before it replaces FILE.
// Restore: stop the daemon, copy FILE to state_dir/tributary.db (removing
// any tributary.db-wal and -shm beside it), start the daemon.
void add_backup_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string file;
    std::string config = default_config_path();
    std::string db;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("backup", "Copy the store to FILE while the daemon runs");
  cmd->add_option("FILE", opts->file, "Backup file to write")->required();
  cmd->add_option("--config,-c", opts->config, "Config file (names the state directory)")
      ->capture_default_str();
  cmd->add_option("--db", opts->db, "The store itself, instead of the config's");
  cmd->callback([opts, &exit_code] {
    std::string db = opts->db;
    if (db.empty()) {
      auto config = load_config(opts->config);
      if (!config) {
        for (const auto& d : config.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
        exit_code = 1;
        return;
      }
      db = store_path(*config);
    }
    auto stats = backup_store(db, opts->file);
    if (!stats) {
      std::fprintf(stderr, "tributary: %s\n", stats.error().message.c_str());
      exit_code = 1;
      return;
    }
    std::fprintf(stderr, "%s: %lld feeds, %lld items, %lld bytes; integrity ok\n", opts->file.c_str(),
                 static_cast<long long>(stats->feeds), static_cast<long long>(stats->items),
                 static_cast<long long>(stats->bytes));
  });
}

}  // namespace tributary::daemon::cli
