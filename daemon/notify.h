#pragma once

#include <chrono>
#include <optional>
#include <string_view>

// sd_notify(3) messages to the service manager. Without NOTIFY_SOCKET in the
// environment (not started by systemd with Type=notify) they do nothing.
namespace tributary::daemon::notify {

// READY=1: the config and the store are open and the outputs are served.
// Also ends a reload. `status` goes along as STATUS= in the same message.
void ready(std::string_view status = "running");
// STOPPING=1, on SIGTERM.
void stopping();
// RELOADING=1 with MONOTONIC_USEC (what systemd >= 253's Type=notify-reload
// wants; systemd 252 ignores the timestamp). Follow with ready().
void reloading();
void status(std::string_view text);
void watchdog();

// How often the event loop must send WATCHDOG=1: half of $WATCHDOG_USEC
// when the service manager set it for this process (WatchdogSec=), else
// nullopt.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace tributary::daemon::notify
