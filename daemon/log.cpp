#include "daemon/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace tributary::daemon::log {
namespace {

std::atomic<bool> g_verbose{false};
std::mutex g_mutex;
std::string g_status;  // guarded by g_mutex

constexpr std::string_view kClearLine = "\r\x1b[K";

bool stderr_is_terminal() {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  return tty;
}

const char* level_word(Level level) {
  switch (level) {
    case Level::error: return "error: ";
    case Level::warning: return "warning: ";
    case Level::notice: return "";
    case Level::info: return "";
    case Level::debug: return "debug: ";
  }
  return "";
}

}  // namespace

void set_verbose(bool verbose) { g_verbose = verbose; }
bool verbose() { return g_verbose; }

void write(Level level, std::string_view message) {
  std::string line;
  line.reserve(message.size() + 16);
  if (stderr_is_terminal()) {
    line += level_word(level);
  } else {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(level));
    line += '>';
  }
  // One event, one line: fold embedded newlines so journald keeps it whole.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::lock_guard lock(g_mutex);
  if (!g_status.empty()) line = std::string(kClearLine) + line + g_status;
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void set_status_line(std::string_view status) {
  std::lock_guard lock(g_mutex);
  std::string out(kClearLine);
  out += status;
  g_status = status;
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace tributary::daemon::log
