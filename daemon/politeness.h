#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

// Politeness towards the servers we poll: requests are grouped by the
// registrable domain of their host (news.example.co.uk and feeds.example.co.uk
// are one site), and each group gets at most `connections` requests at once,
// their starts at least `spacing` apart. Feed polls and article fetches of a
// domain share the same group. The local host (loopback addresses,
// "localhost") is no other operator's server: it gets `local_connections`
// at once (when more than `connections`) and no spacing.
namespace tributary::daemon {

using SteadyTime = std::chrono::steady_clock::time_point;

struct PolitenessPolicy {
  int connections = 1;                   // concurrent requests per domain
  std::chrono::milliseconds spacing{0};  // between the starts of two requests to one domain
  int local_connections = 8;             // concurrent requests to the local host
};

// True for the domain key of the local host: a 127.0.0.0/8 or ::1 address,
// "localhost" or a name under ".localhost" (RFC 6761).
bool is_local_key(std::string_view key);

// The group a URL's requests belong to: the registrable domain of its host by
// the public suffix list (libpsl's built-in copy), e.g. "bbc.co.uk" for
// "https://feeds.bbc.co.uk/news". IP literals, single-label names
// ("localhost") and bare public suffixes are their own group. Lower case.
// "" for URLs without a host (file://, unparsable).
std::string domain_key(std::string_view url);

// Bookkeeping of busy connections and last start times per domain key.
// Pure: the caller passes the time.
class DomainSlots {
 public:
  explicit DomainSlots(PolitenessPolicy policy) : policy_(policy) {}

  // When a request to `key` may start: a time <= now means "now"; a later
  // time means "when spacing has passed"; nullopt means every connection of
  // the domain is busy (wait for `finish`).
  std::optional<SteadyTime> ready_at(const std::string& key, SteadyTime now) const;
  void start(const std::string& key, SteadyTime now);
  void finish(const std::string& key);
  int busy(const std::string& key) const;

 private:
  struct Domain {
    int busy = 0;
    std::optional<SteadyTime> last_start;
  };
  PolitenessPolicy policy_;
  std::map<std::string, Domain> domains_;
};

// A queue of requests waiting for their domain's turn, run on one
// io_context thread. A job starts when its domain has a free connection and
// its spacing has passed, fewer than `max_active` jobs are running, and the
// queue is not paused; the ready domain served longest ago goes first, and
// jobs of a domain start in the order they were pushed. Every started job must call
// `done(key)` exactly once, when its connection is free again.
class FetchQueue {
 public:
  using Job = std::function<void()>;

  FetchQueue(boost::asio::io_context& io, PolitenessPolicy policy, int max_active);
  FetchQueue(const FetchQueue&) = delete;
  FetchQueue& operator=(const FetchQueue&) = delete;

  void push(std::string key, Job job);
  void done(const std::string& key);

  // While paused nothing new starts (for back-pressure from later stages).
  void set_paused(bool paused);

  // Drops every queued job that has not started.
  void clear();

  std::size_t queued() const { return queued_; }
  int active() const { return active_; }

 private:
  void pump();

  DomainSlots slots_;
  int max_active_;
  int active_ = 0;
  bool paused_ = false;
  std::size_t queued_ = 0;
  std::map<std::string, std::deque<Job>> jobs_;
  std::list<std::string> turns_;  // domains with queued jobs, in order of arrival
  std::map<std::string, std::uint64_t> served_;  // domain -> serial of its last start
  std::uint64_t serial_ = 0;
  boost::asio::steady_timer timer_;
  std::optional<SteadyTime> timer_at_;
  bool pumping_ = false;
};

}  // namespace tributary::daemon
