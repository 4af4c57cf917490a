#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.h"

namespace tributary::daemon {

// Reloads the config file on SIGHUP and, when asked, whenever the file
// changes (inotify on its folder, because editors and config managers
// replace files rather than write them in place; debounced, and only when
// the text differs from what was last read).
//
// A reload sends RELOADING=1, loads and validates the file, then either
// hands the new config to `apply` or logs every problem as FILE:LINE:COL and
// keeps the running config; READY=1 follows in both cases. Everything runs on
// the io_context's thread.
class ConfigReloader {
 public:
  using Apply = std::function<void(config::Config)>;

  // `initial_text` is the text the running config came from (to ignore
  // file events that change nothing).
  ConfigReloader(boost::asio::io_context& io, std::string path, std::string initial_text, Apply apply);
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;
  ~ConfigReloader();

  // Starts handling SIGHUP, and watching the file when `watch_file`.
  void start(bool watch_file);
  void stop();

  // Reloads now, as SIGHUP does. `why` goes to the log.
  void reload(std::string_view why);

  // Successful loads, counting the one the daemon started with.
  int generation() const { return generation_; }
  int failures() const { return failures_; }
  // The problems of the last rejected reload ("" after a good one).
  const std::string& last_error() const { return last_error_; }

 private:
  void wait_signal();
  bool watch();
  void wait_events();
  void changed();

  boost::asio::io_context& io_;
  std::string path_;
  std::string last_text_;
  Apply apply_;
  boost::asio::signal_set hup_;
  boost::asio::steady_timer debounce_;
  boost::asio::posix::stream_descriptor inotify_;
  std::vector<std::string> names_;  // file names in the watched folders that matter
  bool running_ = false;
  int generation_ = 1;
  int failures_ = 0;
  std::string last_error_;
};

}  // namespace tributary::daemon
