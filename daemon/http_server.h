#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/document.h"
#include "feeds/result.h"

namespace tributary::daemon {

// Bounds that keep slow or greedy clients (slowloris, slow readers, endless
// keep-alive) from holding the server.
struct ServerLimits {
  std::size_t max_header_bytes = 8 * 1024;    // request line + headers; 431 beyond
  int max_requests_per_connection = 1000;     // then "Connection: close"
  std::chrono::seconds idle_timeout{15};      // between requests on a kept-alive connection
  std::chrono::seconds request_timeout{10};   // to receive one whole request header
  std::chrono::seconds send_timeout{60};      // without progress sending a response
  std::size_t max_connections = 1024;         // beyond this, new connections are closed
  std::string default_cache_control = "public, max-age=300";
};

// A request as a route sees it (GET or HEAD; other methods never reach
// routes). The views are valid during the handler call only.
struct Request {
  std::string_view method;
  std::string_view target;  // as sent, e.g. "/metrics?x=1"
  std::string_view path;    // target without query, e.g. "/metrics"
};

// A dynamic response. It is sent with "Cache-Control: no-store" unless
// `cache_control` says otherwise; HEAD gets the same headers without body.
struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string cache_control = "no-store";
};

using RouteHandler = std::function<Response(const Request&)>;

// The HTTP/1.1 server (Boost.Beast parser, hand-assembled responses) for the
// rendered outputs and small endpoints:
//  - GET and HEAD only (405 with Allow otherwise).
//  - Routes first (exact path match, e.g. /healthz, /metrics), then the
//    published documents (e.g. /feeds/all.atom, /): strong ETag,
//    Last-Modified, 304 for If-None-Match / If-Modified-Since, the gzip
//    variant when Accept-Encoding allows it (Vary: Accept-Encoding), the
//    document's Cache-Control. Everything else is 404.
//  - Bounded by ServerLimits; persistent connections and pipelining. When
//    accepting fails (out of file descriptors), it pauses 100 ms.
// Runs on the io_context's thread; every member function must be called
// there (or before the io_context runs).
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds "HOST:PORT" ("[::1]:8080" for IPv6) and starts accepting. Port 0
  // picks a free port. May be called more than once for several addresses.
  Result<void> listen(const std::string& host_port);

  // Binds a Unix domain socket at `path` and starts accepting. A stale
  // socket file there is replaced; a socket another server accepts on, or
  // any other file, is an error. The socket is made connectable by every
  // user (mode 0666, whatever the umask): its folder decides who reaches
  // it. The file is removed by stop().
  Result<void> listen_unix(const std::string& path);

  // The port of the first TCP listener (0 when none).
  unsigned short port() const;

  // Adds or replaces the handler of `path` (exact match, query ignored).
  void route(std::string path, RouteHandler handler);

  void publish(std::shared_ptr<const DocumentMap> documents);
  std::shared_ptr<const DocumentMap> documents() const;

  // Stops accepting, closes idle connections and lets responses in flight
  // finish, then closes those too.
  void stop();

  // Open connections (TCP and Unix).
  std::size_t connections() const;

  // Responses sent since start, by status code (those with a count > 0).
  std::vector<std::pair<unsigned, std::uint64_t>> responses() const;

 private:
  struct Shared;
  class SessionBase;
  template <class Protocol>
  class Session;

  template <class Protocol>
  void accept(typename Protocol::acceptor& acceptor);
  void accept_later(boost::system::error_code ec, std::function<void()> retry);

  boost::asio::io_context& io_;
  // What sessions need, shared with them: a session may outlive the server
  // by a handler or two.
  std::shared_ptr<Shared> shared_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> tcp_acceptors_;
  std::vector<std::unique_ptr<boost::asio::local::stream_protocol::acceptor>> unix_acceptors_;
  std::vector<std::string> unix_paths_;
  boost::asio::steady_timer accept_pause_;           // after a failed accept
  std::vector<std::function<void()>> accept_retries_;  // accepts waiting for it
  bool accept_failing_ = false;                      // logged once until one succeeds
};

// `wanted` connections, fewer when `fd_limit` (RLIMIT_NOFILE) would leave
// less than `reserved` descriptors to the rest of the process (transfers,
// the store, logs); at least 16.
std::size_t connections_within(std::size_t wanted, std::uint64_t fd_limit, std::uint64_t reserved);

// The headers that decide a document reply.
struct ConditionalHeaders {
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view accept_encoding;
};

// The reply to a document request, as a pure decision (tested directly).
struct Reply {
  unsigned status = 404;                      // 200, 304, 404 or 405
  std::shared_ptr<const Document> document;  // set for 200 and 304
  bool head = false;
  bool gzip = false;                          // send the gzip variant
  std::string_view etag;                      // the ETag to send (of the variant)
};

// Decides the reply to METHOD TARGET from the published documents.
// RFC 9110 §13.2.2: If-None-Match (weak comparison; either variant's ETag
// matches) wins; If-Modified-Since applies only without it.
Reply decide(const DocumentMap& docs, std::string_view method, std::string_view target,
             const ConditionalHeaders& headers);

// True when an Accept-Encoding value accepts gzip (gzip, x-gzip or "*" with
// q > 0; RFC 9110 §12.5.3).
bool accepts_gzip(std::string_view accept_encoding);

// The path of a request target: origin-form without its query, or the path
// of an absolute-form target ("http://host/p?q" -> "/p").
std::string_view target_path(std::string_view target);

}  // namespace tributary::daemon
