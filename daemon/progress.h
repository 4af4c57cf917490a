#pragma once

#include <chrono>
#include <cstdint>
#include <string>

// The live progress line of `run --once` on a terminal:
//   "polled 812/2000 feeds · 20311 new · 1402 dup · 3 errors · 41.2 MB"
// redrawn in place (\r) at most ten times a second, beneath the log lines.
// Under systemd (JOURNAL_STREAM or NOTIFY_SOCKET set) or when stderr is not
// a terminal there is no progress line, only plain log lines.
namespace tributary::daemon {

struct ProgressCounts {
  int done = 0;
  int total = 0;
  int new_items = 0;
  int duplicates = 0;  // items another feed had already given us
  int errors = 0;
  std::uint64_t bytes = 0;  // on the wire
};

// The text of the line (no control characters).
std::string progress_line(const ProgressCounts& counts);

// Whether to draw a progress line: stderr is a terminal and neither
// JOURNAL_STREAM nor NOTIFY_SOCKET is set (pass the getenv results).
bool progress_wanted(bool stderr_is_terminal, const char* journal_stream, const char* notify_socket);

// progress_wanted() for this process: isatty(2) and getenv.
bool progress_wanted_here();

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }

  // Redraws the line if the last redraw is at least 100 ms old (or `force`).
  void update(const ProgressCounts& counts, bool force = false);

  // Removes the line (the caller logs a summary instead).
  void finish();

 private:
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tributary::daemon
