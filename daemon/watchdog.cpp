#include "daemon/watchdog.h"

#include "daemon/log.h"
#include "daemon/notify.h"

namespace tributary::daemon {

Watchdog::Watchdog(boost::asio::io_context& io, std::function<bool()> healthy)
    : timer_(io), healthy_(std::move(healthy)), interval_(notify::watchdog_interval()) {}

void Watchdog::start() {
  if (!interval_ || running_) return;
  running_ = true;
  log::debug("watchdog: pinging every {} ms", interval_->count() / 1000);
  ping();
  arm();
}

void Watchdog::stop() {
  running_ = false;
  timer_.cancel();
}

void Watchdog::ping() {
  if (healthy_ && !healthy_()) {
    log::warning("watchdog: not healthy, skipping the ping");
    return;
  }
  notify::watchdog();
  ++pings_;
}

void Watchdog::arm() {
  timer_.expires_after(*interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    ping();
    arm();
  });
}

}  // namespace tributary::daemon
