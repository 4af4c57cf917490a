#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "feeds/result.h"

namespace tributary::daemon {

struct RunOptions {
  RunOptions() = default;
  explicit RunOptions(bool once_only) : once(once_only) {}

  bool once = false;  // poll every feed once, store, render, exit
  // The file the config came from and its text: the daemon reloads it on
  // SIGHUP and, with [daemon] reload_on_change, when it changes. Empty: no
  // reloads (tests, --once).
  std::string config_path;
  std::string config_text;
};

// Totals of a run, for `--once` summaries and tests.
struct RunStats {
  int feeds_polled = 0;
  int not_modified = 0;
  int errors = 0;
  int items_added = 0;
  int items_merged = 0;
  std::uint64_t bytes = 0;
};

// The daemon: owns the io_context, the fetcher, the store, the publisher and
// the HTTP server, and wires them into the refresh pipeline
//   schedule -> fetch -> parse -> store -> render -> serve.
// `run` blocks until SIGTERM/SIGINT (or, with `once`, until every feed has
// been polled once and the outputs are rendered).
class App {
 public:
  App(config::Config config, RunOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Returns the exit status: 0 ok, 1 when the store cannot be opened or the
  // server cannot listen.
  int run();

  // Asks a running `run` to stop gracefully; safe from any thread.
  void request_stop();

  // The port the HTTP server bound (0 before run() or when not serving).
  unsigned short port() const;

  RunStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::daemon
