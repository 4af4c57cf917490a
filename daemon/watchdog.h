#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tributary::daemon {

// Feeds systemd's watchdog (WatchdogSec=) from the event loop: a timer on the
// io_context sends WATCHDOG=1 every half of $WATCHDOG_USEC, so a loop that
// stops turning stops the pings and systemd restarts the service. Does
// nothing when the service manager asked for no watchdog.
class Watchdog {
 public:
  // `healthy`, when given, is asked before each ping; returning false skips
  // it (for example when the store thread has been stuck for too long).
  explicit Watchdog(boost::asio::io_context& io, std::function<bool()> healthy = {});
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Pings once now and then on schedule. On the io_context's thread.
  void start();
  void stop();

  // The ping interval (half of WatchdogSec), nullopt when disabled.
  std::optional<std::chrono::microseconds> interval() const { return interval_; }
  long pings() const { return pings_; }

 private:
  void ping();
  void arm();

  boost::asio::steady_timer timer_;
  std::function<bool()> healthy_;
  std::optional<std::chrono::microseconds> interval_;
  bool running_ = false;
  long pings_ = 0;
};

}  // namespace tributary::daemon
