#include "daemon/progress.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "daemon/log.h"

namespace tributary::daemon {

std::string progress_line(const ProgressCounts& c) {
  double mb = static_cast<double>(c.bytes) / 1e6;
  return fmt::format("polled {}/{} feeds, {} new, {} dup, {} error{}, {:.1f} MB", c.done, c.total,
                     c.new_items, c.duplicates, c.errors, c.errors == 1 ? "" : "s", mb);
}

bool progress_wanted(bool stderr_is_terminal, const char* journal_stream, const char* notify_socket) {
  auto set = [](const char* v) { return v != nullptr && *v != '\0'; };
  return stderr_is_terminal && !set(journal_stream) && !set(notify_socket);
}

bool progress_wanted_here() {
  return progress_wanted(::isatty(STDERR_FILENO) == 1, std::getenv("JOURNAL_STREAM"),
                         std::getenv("NOTIFY_SOCKET"));
}

Progress::~Progress() {
  if (drawn_) log::set_status_line("");
}

void Progress::update(const ProgressCounts& counts, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  log::set_status_line(progress_line(counts));
}

void Progress::finish() {
  if (!enabled_ || !drawn_) return;
  log::set_status_line("");
  drawn_ = false;
}

}  // namespace tributary::daemon
