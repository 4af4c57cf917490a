#pragma once

#include <string_view>

#include <fmt/format.h>

// Log lines go to stderr, one per event, with a sd-daemon(3) priority prefix
// ("<3>") that journald turns into the message priority. On a terminal the
// prefix is replaced by a readable level word.
namespace tributary::daemon::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void write(Level level, std::string_view message);

// A status line kept below the log on a terminal (the progress of
// `run --once`): redrawn in place, and log lines are written above it.
// "" removes it. Callers draw one only when stderr is a terminal.
void set_status_line(std::string_view line);
void set_verbose(bool verbose);
bool verbose();

template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::warning, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (verbose()) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace tributary::daemon::log
