#include "daemon/notify.h"

#include <time.h>

#include <string>

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

namespace tributary::daemon::notify {

namespace {

std::string status_line(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) line += c == '\n' ? ' ' : c;
  return line;
}

}  // namespace

void ready(std::string_view status) { sd_notify(0, ("READY=1\n" + status_line(status)).c_str()); }
void stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }

void reloading() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  sd_notify(0, fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading configuration", usec)
                   .c_str());
}

void status(std::string_view text) { sd_notify(0, status_line(text).c_str()); }

void watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  // unset_environment=0: the variables stay; nothing else reads them.
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

}  // namespace tributary::daemon::notify
