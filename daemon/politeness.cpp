#include "daemon/politeness.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <algorithm>

#include <boost/url/parse.hpp>

namespace tributary::daemon {

std::string domain_key(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u || !u->has_authority()) return {};
  std::string host;
  switch (u->host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
    case boost::urls::host_type::ipvfuture:
      // An address is its own group (the suffix list knows nothing of them:
      // psl would call 127.0.0.1 a name in the ".1" zone).
      return std::string(u->host_address());
    case boost::urls::host_type::name:
      host = u->host_name();  // percent-decoded
      break;
    case boost::urls::host_type::none:
      return {};
  }
  for (char& c : host) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  while (!host.empty() && host.back() == '.') host.pop_back();  // "example.com." is example.com
  if (host.empty()) return {};
  const char* registrable = psl_registrable_domain(psl_builtin(), host.c_str());
  // nullptr for single labels ("localhost") and public suffixes themselves.
  return registrable ? std::string(registrable) : host;
}

bool is_local_key(std::string_view key) {
  if (key == "localhost" || key.ends_with(".localhost") || key == "::1") return true;
  in_addr a{};
  std::string text(key);
  return inet_pton(AF_INET, text.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

std::optional<SteadyTime> DomainSlots::ready_at(const std::string& key, SteadyTime now) const {
  auto it = domains_.find(key);
  if (it == domains_.end()) return now;
  const Domain& d = it->second;
  bool local = is_local_key(key);
  int connections = local ? std::max(policy_.connections, policy_.local_connections) : policy_.connections;
  if (d.busy >= std::max(1, connections)) return std::nullopt;
  if (!d.last_start || policy_.spacing.count() <= 0 || local) return now;
  return std::max(now, *d.last_start + policy_.spacing);
}

void DomainSlots::start(const std::string& key, SteadyTime now) {
  Domain& d = domains_[key];
  ++d.busy;
  d.last_start = now;
}

void DomainSlots::finish(const std::string& key) {
  auto it = domains_.find(key);
  if (it == domains_.end()) return;
  if (it->second.busy > 0) --it->second.busy;
  // Forget idle domains whose spacing is over, so the map stays small.
  if (it->second.busy == 0 && policy_.spacing.count() <= 0) domains_.erase(it);
}

int DomainSlots::busy(const std::string& key) const {
  auto it = domains_.find(key);
  return it == domains_.end() ? 0 : it->second.busy;
}

FetchQueue::FetchQueue(boost::asio::io_context& io, PolitenessPolicy policy, int max_active)
    : slots_(policy), max_active_(std::max(1, max_active)), timer_(io) {}

void FetchQueue::push(std::string key, Job job) {
  auto& q = jobs_[key];
  if (q.empty()) turns_.push_back(key);
  q.push_back(std::move(job));
  ++queued_;
  pump();
}

void FetchQueue::done(const std::string& key) {
  slots_.finish(key);
  if (active_ > 0) --active_;
  pump();
}

void FetchQueue::set_paused(bool paused) {
  paused_ = paused;
  if (!paused_) pump();
}

void FetchQueue::clear() {
  jobs_.clear();
  turns_.clear();
  served_.clear();
  queued_ = 0;
  timer_.cancel();
  timer_at_.reset();
}

// Invariant: every key in turns_ has a non-empty queue in jobs_, and
// queued_ is the total size of those queues.
void FetchQueue::pump() {
  if (pumping_) return;  // a job started below may push or finish at once
  pumping_ = true;
  std::optional<SteadyTime> wake;
  auto now = std::chrono::steady_clock::now();
  while (active_ < max_active_ && !paused_) {
    // The ready domain served longest ago goes first (never served: first
    // of all), so a domain with many feeds cannot starve the others.
    auto best = turns_.end();
    std::uint64_t best_served = 0;
    for (auto it = turns_.begin(); it != turns_.end(); ++it) {
      auto ready = slots_.ready_at(*it, now);
      if (!ready) continue;
      if (*ready > now) {
        wake = wake ? std::min(*wake, *ready) : *ready;
        continue;
      }
      auto s = served_.find(*it);
      std::uint64_t served = s == served_.end() ? 0 : s->second;
      if (best == turns_.end() || served < best_served) {
        best = it;
        best_served = served;
      }
    }
    if (best == turns_.end()) break;
    std::string key = *best;
    auto q = jobs_.find(key);
    Job job = std::move(q->second.front());
    q->second.pop_front();
    --queued_;
    if (q->second.empty()) {
      jobs_.erase(q);
      turns_.erase(best);
    }
    served_[key] = ++serial_;
    slots_.start(key, now);
    ++active_;
    job();
  }
  pumping_ = false;
  if (wake && (!timer_at_ || *wake < *timer_at_)) {
    timer_at_ = wake;
    timer_.expires_at(*wake);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      timer_at_.reset();
      pump();
    });
  }
}

}  // namespace tributary::daemon
