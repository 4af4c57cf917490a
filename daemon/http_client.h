#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

#include "feeds/result.h"

namespace tributary::daemon {

// Limits that apply to every transfer.
struct ClientLimits {
  std::chrono::milliseconds total_timeout{20'000};
  std::chrono::milliseconds connect_timeout{10'000};
  long low_speed_bytes = 1;                   // abort below this many bytes/s ...
  std::chrono::seconds low_speed_time{10};    // ... for this long
  std::size_t max_body = 15u << 20;           // after decompression
  std::size_t max_header_bytes = 64u << 10;   // all header lines of one response
  long max_redirects = 5;
  long max_connections = 64;                  // in total
  // Per host name: no fewer than the fetch queue allows one domain (and the
  // local host, PolitenessPolicy::local_connections), or curl would hold
  // transfers back itself while their timeout runs.
  long max_host_connections = 8;
};

// An origin ("http://127.0.0.1:8787") that may be reached although its
// address is loopback, private or otherwise reserved.
struct Origin {
  std::string scheme;
  std::string host;  // lower case; IPv6 without brackets
  unsigned port = 0;
  static std::optional<Origin> parse(std::string_view url);
  friend bool operator==(const Origin&, const Origin&) = default;
};

struct FetchRequest {
  std::string url;
  std::string etag;           // sent as If-None-Match when set
  std::string last_modified;  // sent as If-Modified-Since when set
  std::string user_agent;
  std::vector<std::string> headers;  // extra "Name: value" lines
  // Non-empty: POST this body as application/x-www-form-urlencoded (WebSub
  // publish notifications) instead of a GET.
  std::string post_body;
  std::string accept = "application/rss+xml, application/atom+xml, application/feed+json, "
                       "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
  // Origins this request may reach on private addresses, in addition to the
  // client-wide allowlist (a configured feed URL allows its own origin).
  std::vector<Origin> allow_private;
};

enum class FetchStatus { ok, not_modified, failed };

struct FetchResult {
  FetchStatus status = FetchStatus::failed;
  long http_status = 0;         // 0 for file:// or when no response came
  std::string body;             // decoded (decompressed) body for `ok`
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string content_location;
  std::string content_language;
  std::string cache_control;
  std::string expires;
  std::string retry_after;
  std::string effective_url;    // after redirects
  std::string permanent_url;    // where the leading 301/308 hops of the chain point ("" if none)
  int redirects = 0;            // hops followed
  std::uint64_t wire_bytes = 0;
  std::chrono::milliseconds elapsed{0};
  Error error;                  // for `failed`: "what failed: cause"
};

// An HTTP(S)/file client on libcurl's multi-socket API, driven by one Asio
// io_context. All calls, and all callbacks, happen on that io_context's
// thread. Redirects are followed up to the limit; every address connected to
// (on every hop) is checked against the private-network guard.
class HttpClient {
 public:
  using Callback = std::function<void(FetchResult)>;

  HttpClient(boost::asio::io_context& io, ClientLimits limits, std::vector<Origin> allow_private);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a transfer; `done` runs exactly once, on the io thread, unless the
  // client is destroyed first.
  void fetch(FetchRequest request, Callback done);

  // Aborts every transfer; their callbacks run with a "cancelled" error.
  void cancel_all();

  std::size_t active() const { return transfers_.size(); }

 private:
  struct Transfer;
  struct Watch;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* client, void* socketp) noexcept;
  static int on_timer(CURLM* multi, long timeout_ms, void* client) noexcept;
  void arm(const std::shared_ptr<Watch>& watch, bool read);
  void act(curl_socket_t fd, int flags);
  void drain_later();
  void drain();
  void finish(CURL* easy, CURLcode code);
  bool allowed(const Transfer* t, const struct sockaddr* addr) const;

  boost::asio::io_context& io_;
  ClientLimits limits_;
  std::vector<Origin> allow_private_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  boost::asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
  bool drain_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// True when `addr` is loopback, private, link-local, CGNAT, unspecified,
// multicast, documentation, benchmarking or otherwise not a public unicast
// address (IPv4-mapped and NAT64 IPv6 forms are checked as IPv4).
bool is_private_address(const struct sockaddr* addr);

}  // namespace tributary::daemon
