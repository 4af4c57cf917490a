#include "daemon/config_reload.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "daemon/config_file.h"
#include "daemon/log.h"
#include "daemon/notify.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

// Quiet time after the last file event before reading the file: an editor's
// save is several events (create, write, rename, chmod) in a few ms, and a
// config manager may write several files.
constexpr std::chrono::milliseconds kDebounce{500};

}  // namespace

ConfigReloader::ConfigReloader(boost::asio::io_context& io, std::string path, std::string initial_text,
                               Apply apply)
    : io_(io),
      path_(std::move(path)),
      last_text_(std::move(initial_text)),
      apply_(std::move(apply)),
      hup_(io),
      debounce_(io),
      inotify_(io) {}

ConfigReloader::~ConfigReloader() { stop(); }

void ConfigReloader::start(bool watch_file) {
  if (running_) return;
  running_ = true;
  boost::system::error_code ec;
  hup_.add(SIGHUP, ec);
  if (ec) log::warning("config: cannot handle SIGHUP: {}", ec.message());
  wait_signal();
  if (watch_file && watch()) wait_events();
}

void ConfigReloader::stop() {
  running_ = false;
  boost::system::error_code ec;
  hup_.cancel(ec);
  debounce_.cancel();
  if (inotify_.is_open()) inotify_.close(ec);
}

void ConfigReloader::wait_signal() {
  hup_.async_wait([this](boost::system::error_code ec, int) {
    if (ec || !running_) return;
    reload("SIGHUP");
    wait_signal();
  });
}

// Watches the folder of the config file (and of its target when it is a
// symlink), not the file: a rename over the file would end a watch on it.
bool ConfigReloader::watch() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log::warning("config: cannot watch {} ({}); reload with SIGHUP", path_, std::strerror(errno));
    return false;
  }
  inotify_.assign(fd);
  constexpr std::uint32_t kMask =
      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
  std::vector<fs::path> files = {fs::absolute(path_)};
  std::error_code ec;
  if (fs::is_symlink(files[0], ec)) {
    fs::path target = fs::canonical(files[0], ec);
    if (!ec) files.push_back(target);
  }
  bool any = false;
  for (const auto& f : files) {
    names_.push_back(f.filename().string());
    if (::inotify_add_watch(fd, f.parent_path().c_str(), kMask) >= 0) {
      any = true;
    } else {
      log::warning("config: cannot watch {}: {}", f.parent_path().string(), std::strerror(errno));
    }
  }
  if (any) log::debug("config: watching {} for changes", path_);
  return any;
}

void ConfigReloader::wait_events() {
  inotify_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [this](boost::system::error_code ec) {
    if (ec || !running_) return;
    alignas(inotify_event) std::array<char, 4096> buf;
    bool relevant = false;
    for (;;) {
      ssize_t n = ::read(inotify_.native_handle(), buf.data(), buf.size());
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf.data() + off);
        std::string_view name = e->len ? std::string_view(e->name) : std::string_view{};
        // Our file, or the "..data" symlink swap of Kubernetes-style
        // atomic directories.
        for (const auto& n2 : names_) relevant |= name == n2;
        relevant |= name.starts_with("..");
        relevant |= (e->mask & IN_Q_OVERFLOW) != 0;
        off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    if (relevant) {
      debounce_.expires_after(kDebounce);
      debounce_.async_wait([this](boost::system::error_code ec2) {
        if (!ec2 && running_) changed();
      });
    }
    wait_events();
  });
}

void ConfigReloader::changed() {
  auto text = read_file(path_);
  if (!text) {
    // Mid-replacement, or deleted: keep running; a later event or SIGHUP
    // brings it back.
    log::debug("config: {} changed but cannot be read yet: {}", path_, text.error().message);
    return;
  }
  if (*text == last_text_) return;
  reload("file changed");
}

void ConfigReloader::reload(std::string_view why) {
  notify::reloading();
  log::info("config: reloading {} ({})", path_, why);
  auto text = read_file(path_);
  tl::expected<config::Config, std::vector<config::Diagnostic>> loaded =
      text ? parse_config_text(*text, path_)
           : tl::unexpected(std::vector<config::Diagnostic>{{path_, 1, 1, text.error().message}});
  if (text) last_text_ = *text;
  if (!loaded) {
    ++failures_;
    last_error_.clear();
    for (const auto& d : loaded.error()) {
      log::error("config: {}", d.to_string());
      if (!last_error_.empty()) last_error_ += "; ";
      last_error_ += d.to_string();
    }
    log::error("config: reload rejected ({} problem{}); still running generation {}",
               loaded.error().size(), loaded.error().size() == 1 ? "" : "s", generation_);
    notify::ready("running; last reload rejected: " + last_error_);
    return;
  }
  ++generation_;
  last_error_.clear();
  apply_(std::move(*loaded));
  notify::ready("running; config generation " + std::to_string(generation_));
}

}  // namespace tributary::daemon
