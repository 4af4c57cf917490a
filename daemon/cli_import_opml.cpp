#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "config/opml.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"

namespace tributary::daemon::cli {

// tributary import-opml FILE [--config C] [--dry-run]
//
// Appends the OPML file's feeds that the config does not have yet as
// [[feed]] tables at the end of the config, leaving the rest of the text
// (comments, order, formatting) as it was. A running daemon picks the change
// up by itself (file watch) or on `systemctl reload tributary`.
void add_import_opml_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string opml;
    std::string config = default_config_path();
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("import-opml", "Add the feeds of an OPML file to the config");
  cmd->add_option("FILE", opts->opml, "OPML file (- for stdin)")->required();
  cmd->add_option("--config,-c", opts->config, "Config file to add to (created when missing)")
      ->capture_default_str();
  cmd->add_flag("--dry-run,-n", opts->dry_run, "Print the new config instead of writing it");
  cmd->callback([opts, &exit_code] {
    auto opml_text = read_file(opts->opml);
    if (!opml_text) {
      std::fprintf(stderr, "tributary: %s\n", opml_text.error().message.c_str());
      exit_code = 1;
      return;
    }
    auto feeds = config::parse_opml(*opml_text);
    if (!feeds) {
      std::fprintf(stderr, "%s: %s\n", opts->opml.c_str(), feeds.error().message.c_str());
      exit_code = 1;
      return;
    }
    std::error_code ec;
    std::string toml_text;
    if (std::filesystem::exists(opts->config, ec)) {
      auto text = read_file(opts->config);
      if (!text) {
        std::fprintf(stderr, "tributary: %s\n", text.error().message.c_str());
        exit_code = 1;
        return;
      }
      toml_text = std::move(*text);
    }
    // Only a valid file is extended: the user fixes what is wrong first.
    auto existing = parse_config_text(toml_text, opts->config);
    if (!existing) {
      for (const auto& d : existing.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "tributary: fix %s before importing into it\n", opts->config.c_str());
      exit_code = 1;
      return;
    }
    std::string source = opts->opml == "-" ? "stdin" : std::filesystem::path(opts->opml).filename().string();
    auto merged = config::append_feeds(toml_text, *existing, *feeds, "Imported from " + source);
    // What we write must load: a title or tag the checker rejects is a bug
    // here, not something to leave in the user's file.
    auto check = parse_config_text(merged.text, opts->config);
    if (!check) {
      for (const auto& d : check.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "tributary: the imported feeds would make the config invalid; nothing written\n");
      exit_code = 1;
      return;
    }
    if (opts->dry_run) {
      std::fwrite(merged.text.data(), 1, merged.text.size(), stdout);
    } else if (!merged.added.empty()) {
      if (auto w = write_file_atomically(opts->config, merged.text); !w) {
        std::fprintf(stderr, "tributary: %s\n", w.error().message.c_str());
        exit_code = 1;
        return;
      }
    }
    for (const auto& r : merged.rejected) std::fprintf(stderr, "%s: skipped %s\n", opts->opml.c_str(), r.c_str());
    std::fprintf(stderr, "%s: %zu feeds added, %zu already present, %zu invalid%s\n",
                 opts->config.c_str(), merged.added.size(), merged.skipped.size(),
                 merged.rejected.size(), opts->dry_run ? " (dry run)" : "");
  });
}

}  // namespace tributary::daemon::cli
