#include "daemon/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace tributary::daemon {

namespace fs = std::filesystem;

namespace {

// systemd passes a colon-separated list; the first is ours.
std::string first_of(const char* list) {
  std::string s(list);
  return s.substr(0, s.find(':'));
}

}  // namespace

std::string default_config_path() {
  if (const char* dir = std::getenv("CONFIGURATION_DIRECTORY"); dir && *dir) {
    return (fs::path(first_of(dir)) / "tributary.toml").string();
  }
  return "/etc/tributary/tributary.toml";
}

std::string default_state_dir() {
  if (const char* dir = std::getenv("STATE_DIRECTORY"); dir && *dir) return first_of(dir);
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
    return (fs::path(xdg) / "tributary").string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (fs::path(home) / ".local/state/tributary").string();
  }
  return "/var/lib/tributary";
}

tl::expected<config::Config, std::vector<config::Diagnostic>> parse_config_text(
    const std::string& text, const std::string& path) {
  std::error_code ec;
  std::string absolute = fs::absolute(path, ec).lexically_normal().string();
  if (ec) absolute = path;
  config::Defaults defaults{default_state_dir()};
  auto parsed = config::parse(text, absolute, defaults);
  if (!parsed) {
    // Report the path as the user wrote it.
    auto diags = parsed.error();
    for (auto& d : diags) d.file = path;
    return tl::unexpected(std::move(diags));
  }
  parsed->path = path;
  // Files the config names must be readable now, not at the first article.
  std::vector<config::Diagnostic> missing;
  for (const auto& f : parsed->feeds) {
    if (f.site_rule.empty()) continue;
    struct stat st {};
    int err = ::stat(f.site_rule.c_str(), &st) != 0          ? errno
              : S_ISDIR(st.st_mode)                            ? EISDIR
              : ::access(f.site_rule.c_str(), R_OK) != 0       ? errno
                                                               : 0;
    if (err != 0) {
      missing.push_back({path, f.line, f.column,
                         fmt::format("site_rule '{}' cannot be read: {}", f.site_rule, std::strerror(err))});
    }
  }
  if (const auto& ft = parsed->full_text; !ft.site_rules.empty()) {
    struct stat st {};
    int err = ::stat(ft.site_rules.c_str(), &st) != 0          ? errno
              : !S_ISDIR(st.st_mode)                             ? ENOTDIR
              : ::access(ft.site_rules.c_str(), R_OK | X_OK) != 0 ? errno
                                                                 : 0;
    if (err != 0) {
      missing.push_back({path, ft.site_rules_line, ft.site_rules_column,
                         fmt::format("site_rules '{}' cannot be read: {}", ft.site_rules, std::strerror(err))});
    }
  }
  if (!missing.empty()) return tl::unexpected(std::move(missing));
  return parsed;
}

tl::expected<config::Config, std::vector<config::Diagnostic>> load_config(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    return tl::unexpected(std::vector<config::Diagnostic>{{path, 1, 1, text.error().message}});
  }
  return parse_config_text(*text, path);
}

Result<std::string> read_file(const std::string& path) {
  // POSIX reads: std::ifstream opens a directory and then throws from its
  // first read, and cannot size a pipe (/dev/stdin, <(...)).
  bool is_stdin = path == "-";
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto failed = [&](int err) {
    if (!is_stdin && fd >= 0) ::close(fd);
    return fail(Errc::io, fmt::format("cannot read {}: {}", is_stdin ? "standard input" : path,
                                      std::strerror(err)));
  };
  if (fd < 0) return failed(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return failed(errno);
  if (S_ISDIR(st.st_mode)) return failed(EISDIR);
  // One read for a regular file (feeds are read many per run); the spare
  // byte sees the end of the file without growing the buffer.
  std::string text(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 65536, '\0');
  std::size_t size = 0;
  while (true) {
    if (size == text.size()) text.resize(text.size() * 2);
    ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(errno);
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (!is_stdin) ::close(fd);
  text.resize(size);
  return text;
}

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return fail(Errc::io, fmt::format("cannot write in {}: {}", dir.string(), std::strerror(errno)));
  }
  auto failed = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(Errc::io, fmt::format("cannot {} {}: {}", what, path, std::strerror(err)));
  };
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) {
    if (::fchmod(fd, old.st_mode & 07777) != 0) return failed("keep the mode of");
    if (::geteuid() == 0 && ::fchown(fd, old.st_uid, old.st_gid) != 0) return failed("keep the owner of");
  } else if (::fchmod(fd, 0644) != 0) {
    return failed("set the mode of");
  }
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failed("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return failed("sync");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::io, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io, fmt::format("cannot replace {}: {}", path, std::strerror(err)));
  }
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

std::string store_path(const config::Config& config) {
  return (fs::path(config.daemon.state_dir) / "tributary.db").string();
}

}  // namespace tributary::daemon
