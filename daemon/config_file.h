#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace tributary::daemon {

// The config path used when none is given: $CONFIGURATION_DIRECTORY/
// tributary.toml under systemd, else /etc/tributary/tributary.toml.
std::string default_config_path();

// Reads and parses the config file at `path` with the environment's
// defaults (state directory: $STATE_DIRECTORY, else $XDG_STATE_HOME/tributary,
// else ~/.local/state/tributary). Problems come back as diagnostics; an
// unreadable file is one diagnostic at 1:1.
tl::expected<config::Config, std::vector<config::Diagnostic>> load_config(const std::string& path);

}  // namespace tributary::daemon
