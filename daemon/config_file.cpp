#include "daemon/config_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tributary::daemon {

namespace fs = std::filesystem;

std::string default_config_path() {
  if (const char* dir = std::getenv("CONFIGURATION_DIRECTORY"); dir && *dir) {
    std::string first(dir);
    first = first.substr(0, first.find(':'));
    return (fs::path(first) / "tributary.toml").string();
  }
  return "/etc/tributary/tributary.toml";
}

namespace {

std::string default_state_dir() {
  if (const char* dir = std::getenv("STATE_DIRECTORY"); dir && *dir) {
    std::string first(dir);
    return first.substr(0, first.find(':'));
  }
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
    return (fs::path(xdg) / "tributary").string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (fs::path(home) / ".local/state/tributary").string();
  }
  return "/var/lib/tributary";
}

}  // namespace

tl::expected<config::Config, std::vector<config::Diagnostic>> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(std::vector<config::Diagnostic>{
        {path, 1, 1, std::string("cannot read config file: ") + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::error_code ec;
  std::string absolute = fs::absolute(path, ec).lexically_normal().string();
  if (ec) absolute = path;
  config::Defaults defaults{default_state_dir()};
  auto parsed = config::parse(text.str(), absolute, defaults);
  if (!parsed) {
    // Report the path as the user wrote it.
    auto diags = parsed.error();
    for (auto& d : diags) d.file = path;
    return tl::unexpected(std::move(diags));
  }
  parsed->path = path;
  return parsed;
}

}  // namespace tributary::daemon
