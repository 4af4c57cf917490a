#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "feeds/result.h"

namespace tributary::daemon {

// The config path used when none is given: $CONFIGURATION_DIRECTORY/
// tributary.toml under systemd, else /etc/tributary/tributary.toml.
std::string default_config_path();

// The store's state directory when the file names none: $STATE_DIRECTORY
// (systemd's StateDirectory=), else $XDG_STATE_HOME/tributary, else
// ~/.local/state/tributary, else /var/lib/tributary.
std::string default_state_dir();

// Reads and parses the config file at `path` with the environment's
// defaults (see default_state_dir). Problems come back as diagnostics; an
// unreadable file is one diagnostic at 1:1.
tl::expected<config::Config, std::vector<config::Diagnostic>> load_config(const std::string& path);

// Parses `text` as if it were the file at `path`, with the environment's
// defaults, and checks that the files it names (a feed's site_rule, the
// [full_text] site_rules folder) can be read.
tl::expected<config::Config, std::vector<config::Diagnostic>> parse_config_text(
    const std::string& text, const std::string& path);

// The whole file at `path` ("-" reads stdin; pipes and devices are read to
// their end). Fails with Errc::io, naming the file and the cause (a
// directory: "Is a directory").
Result<std::string> read_file(const std::string& path);

// Replaces the file at `path` with `text` atomically: a temporary file in the
// same folder, fsync, rename, fsync of the folder. An existing file's
// permissions (and owner, when running as root) are kept, so a reader such
// as the daemon's file watcher never sees half a file.
Result<void> write_file_atomically(const std::string& path, const std::string& text);

// The path of the SQLite store for `config`: state_dir/tributary.db.
std::string store_path(const config::Config& config);

}  // namespace tributary::daemon
