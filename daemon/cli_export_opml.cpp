#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "config/opml.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/sqlite.h"

namespace tributary::daemon::cli {

// tributary export-opml [--config C] [--output FILE]
//
// Writes the config's feeds as OPML 2.0. Titles the config leaves out and the
// sites' addresses come from the store when it can be read.
void add_export_opml_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config = default_config_path();
    std::string output = "-";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("export-opml", "Write the config's feeds as OPML");
  cmd->add_option("--config,-c", opts->config, "Config file")->capture_default_str();
  cmd->add_option("--output,-o", opts->output, "Output file (- for stdout)")->capture_default_str();
  cmd->callback([opts, &exit_code] {
    auto config = load_config(opts->config);
    if (!config) {
      for (const auto& d : config.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      exit_code = 1;
      return;
    }
    auto feeds = config::opml_feeds(*config);
    std::error_code ec;
    if (std::string db = store_path(*config); std::filesystem::exists(db, ec)) {
      // Read-only beside a running daemon (WAL lets readers in).
      if (auto store = sqlite::Database::open(db, /*read_only=*/true)) {
        if (auto s = store->prepare("SELECT url, title, link FROM feeds")) {
          std::map<std::string, std::pair<std::string, std::string>> by_url;
          while (true) {
            auto row = s->step();
            if (!row || !*row) break;
            by_url[s->column_text(0)] = {s->column_text(1), s->column_text(2)};
          }
          for (auto& f : feeds) {
            auto it = by_url.find(f.url);
            if (it == by_url.end()) continue;
            if (f.title.empty()) f.title = it->second.first;
            f.html_url = it->second.second;
          }
        }
      }
      // An unreadable store only costs titles; the config is what matters.
    }
    std::string xml = config::write_opml(feeds, "tributary feeds");
    if (opts->output == "-") {
      std::fwrite(xml.data(), 1, xml.size(), stdout);
      return;
    }
    if (auto w = write_file_atomically(opts->output, xml); !w) {
      std::fprintf(stderr, "tributary: %s\n", w.error().message.c_str());
      exit_code = 1;
    }
  });
}

}  // namespace tributary::daemon::cli
