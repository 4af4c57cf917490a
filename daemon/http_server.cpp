#include "daemon/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <optional>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "daemon/log.h"
#include "feeds/date.h"

namespace tributary::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Calls f(item) for each comma-separated, trimmed, non-empty list item.
template <class F>
void for_each_item(std::string_view list, F f) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (!item.empty() && f(item)) return;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// RFC 9110 §8.8.3.2: the weak comparison ignores W/ prefixes.
std::string_view opaque_tag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  return etag;
}

// The q-value of a coding's parameters (";q=0.5"); 1 when absent.
double q_value(std::string_view params) {
  while (!params.empty()) {
    std::size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = trim(p.substr(2));
      // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      if (v.empty() || (v[0] != '0' && v[0] != '1')) return 0;
      double q = v[0] - '0';
      double scale = 0.1;
      for (std::size_t i = 2; i < v.size() && i < 5; ++i) {
        if (v[i] < '0' || v[i] > '9') break;
        q += (v[i] - '0') * scale;
        scale /= 10;
      }
      return q;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return 1;
}

// "Thu, 01 Jan 1970 00:00:00 GMT" for the Date header, formatted once per
// second.
std::string_view http_date_now() {
  thread_local std::time_t last = -1;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    cached = feeds::format_http_date(std::chrono::sys_seconds{std::chrono::seconds{now}});
    last = now;
  }
  return cached;
}

std::string_view reason(unsigned status) {
  switch (status) {
    case 200: return "OK";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return std::string_view(http::obsolete_reason(static_cast<http::status>(status)));
  }
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<double> gzip, star;
  for_each_item(accept_encoding, [&](std::string_view item) {
    std::size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1.0 : q_value(item.substr(semi + 1));
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = std::max(gzip.value_or(0), q);
    } else if (coding == "*") {
      star = q;
    }
    return false;
  });
  if (gzip) return *gzip > 0;
  return star && *star > 0;
}

std::size_t connections_within(std::size_t wanted, std::uint64_t fd_limit, std::uint64_t reserved) {
  constexpr std::uint64_t kMinimum = 16;
  std::uint64_t room = fd_limit > reserved + kMinimum ? fd_limit - reserved : kMinimum;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, room));
}

std::string_view target_path(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    std::size_t authority = target.find("//") + 2;
    std::size_t slash = target.find_first_of("/?", authority);
    if (slash == std::string_view::npos || target[slash] == '?') return "/";
    target.remove_prefix(slash);
  }
  return target.substr(0, target.find('?'));
}

Reply decide(const DocumentMap& docs, std::string_view method, std::string_view target,
             const ConditionalHeaders& headers) {
  Reply r;
  if (method != "GET" && method != "HEAD") {
    r.status = 405;
    return r;
  }
  r.head = method == "HEAD";
  auto it = docs.find(target_path(target));
  if (it == docs.end()) {
    r.status = 404;
    return r;
  }
  r.document = it->second;
  const Document& d = *r.document;
  r.gzip = !d.gzip_body.empty() && accepts_gzip(headers.accept_encoding);
  r.etag = r.gzip ? d.gzip_etag : d.etag;
  if (!headers.if_none_match.empty()) {
    // A client holding either variant may revalidate it: answer 304 with
    // the ETag it holds.
    bool match = false;
    for_each_item(headers.if_none_match, [&](std::string_view tag) {
      if (tag == "*" || opaque_tag(tag) == opaque_tag(r.etag)) {
        match = true;
      } else if (!d.gzip_etag.empty() && opaque_tag(tag) == opaque_tag(r.gzip ? d.etag : d.gzip_etag)) {
        match = true;
        r.gzip = !r.gzip;
        r.etag = r.gzip ? d.gzip_etag : d.etag;
      }
      return match;
    });
    r.status = match ? 304 : 200;
    return r;
  }
  if (!headers.if_modified_since.empty()) {
    if (auto since = feeds::parse_http_date(headers.if_modified_since);
        since && since->time_since_epoch().count() >= d.modified) {
      r.status = 304;
      return r;
    }
  }
  r.status = 200;
  return r;
}

// ---- server state shared with sessions -------------------------------------

class HttpServer::SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection now if it waits for a request, else after the
  // response in flight.
  virtual void stop() = 0;
};

struct HttpServer::Shared {
  ServerLimits limits;
  std::map<std::string, RouteHandler, std::less<>> routes;
  std::shared_ptr<const DocumentMap> documents = std::make_shared<DocumentMap>();
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::array<std::uint64_t, 600> responses{};  // by status code
  bool stopped = false;
};

// One connection: read a request, answer it, repeat while kept alive.
// Invariant: at most one read or one write is pending at any time.
template <class Protocol>
class HttpServer::Session : public HttpServer::SessionBase,
                            public std::enable_shared_from_this<HttpServer::Session<Protocol>> {
 public:
  using Socket = typename Protocol::socket;
  using Clock = std::chrono::steady_clock;

  Session(Socket socket, std::shared_ptr<Shared> shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(std::move(shared)) {}
  ~Session() override { shared_->sessions.erase(this); }

  void start() {
    shared_->sessions.emplace(this, this->weak_from_this());
    read();
  }

  void stop() override {
    if (!writing_) {
      close();
    } else {
      keep_alive_ = false;
    }
  }

 private:
  void read() {
    const ServerLimits& limits = shared_->limits;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser_->body_limit(0);
    // The deadline covers the whole request (a client dripping bytes gains
    // nothing): the request timeout for the first, the idle timeout for the
    // next ones on a kept-alive connection.
    set_deadline(requests_ == 0 ? limits.request_timeout : limits.idle_timeout);
    http::async_read(socket_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit) {
        // RFC 9110 §15.5.15: a request line alone over the limit is 414
        // (the parser has not read a target yet).
        return send_error(parser_->get().target().empty() ? 414 : 431);
      }
      if (ec == http::error::body_limit || ec == http::error::unexpected_body) return send_error(413);
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
          ec == asio::error::eof || ec == http::error::partial_message) {
        return close();
      }
      return send_error(400);
    }
    ++requests_;
    const auto& req = parser_->get();
    // RFC 9112 §3.2: an HTTP/1.1 request without a Host, or any with two.
    if (std::size_t hosts = req.count(http::field::host); hosts > 1 || (hosts == 0 && req.version() >= 11)) {
      return send_error(400);
    }
    keep_alive_ = req.keep_alive() && requests_ < shared_->limits.max_requests_per_connection &&
                  !shared_->stopped;
    std::string_view method(req.method_string());
    std::string_view target(req.target());
    http10_ = req.version() < 11;
    head_ = method == "HEAD";
    document_.reset();
    body_ = {};
    if (method != "GET" && method != "HEAD") return respond_plain(405, "method not allowed\n");

    std::string_view path = target_path(target);
    if (auto it = shared_->routes.find(path); it != shared_->routes.end()) {
      Response res;
      try {
        res = it->second(Request{method, target, path});
      } catch (const std::exception& e) {
        log::error("http: handler of {} failed: {}", path, e.what());
        res = Response{500, "text/plain; charset=utf-8", "internal error\n", "no-store"};
      }
      dynamic_body_ = std::move(res.body);
      start_head(res.status);
      header("Content-Type", res.content_type);
      header("Content-Length", std::to_string(dynamic_body_.size()));
      header("Cache-Control", res.cache_control);
      body_ = dynamic_body_;
      return finish();
    }

    Reply reply = decide(*shared_->documents, method, target,
                         ConditionalHeaders{req[http::field::if_none_match],
                                            req[http::field::if_modified_since],
                                            req[http::field::accept_encoding]});
    if (!reply.document) return respond_plain(404, "not found\n");
    document_ = reply.document;
    const Document& d = *document_;
    start_head(reply.status);
    if (reply.status == 200) {
      const std::string& body = reply.gzip ? d.gzip_body : d.body;
      header("Content-Type", d.content_type);
      header("Content-Length", std::to_string(body.size()));
      if (reply.gzip) header("Content-Encoding", "gzip");
      body_ = body;
    }
    header("ETag", reply.etag);
    if (!d.last_modified.empty()) header("Last-Modified", d.last_modified);
    header("Cache-Control",
           d.cache_control.empty() ? shared_->limits.default_cache_control : d.cache_control);
    if (!d.gzip_body.empty()) header("Vary", "Accept-Encoding");
    finish();
  }

  void respond_plain(unsigned status, std::string_view text) {
    start_head(status);
    if (status == 405) header("Allow", "GET, HEAD");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Length", std::to_string(text.size()));
    body_ = text;
    finish();
  }

  // A request that cannot be read to its end: answer and close.
  void send_error(unsigned status) {
    keep_alive_ = false;
    head_ = false;
    http10_ = false;
    document_.reset();
    start_head(status);
    header("Content-Type", "text/plain; charset=utf-8");
    std::string_view text = reason(status);
    header("Content-Length", std::to_string(text.size() + 1));
    dynamic_body_ = std::string(text) + "\n";
    body_ = dynamic_body_;
    finish();
  }

  void start_head(unsigned status) {
    ++shared_->responses[status < shared_->responses.size() ? status : 0];
    head_buffer_.clear();
    head_buffer_ += "HTTP/1.1 ";
    head_buffer_ += std::to_string(status);
    head_buffer_ += ' ';
    head_buffer_ += reason(status);
    head_buffer_ += "\r\nServer: tributary\r\nDate: ";
    head_buffer_ += http_date_now();
    head_buffer_ += "\r\n";
  }

  void header(std::string_view name, std::string_view value) {
    head_buffer_ += name;
    head_buffer_ += ": ";
    head_buffer_ += value;
    head_buffer_ += "\r\n";
  }

  void finish() {
    if (!keep_alive_) {
      header("Connection", "close");
    } else if (http10_) {
      header("Connection", "keep-alive");
    }
    head_buffer_ += "\r\n";
    if (head_) body_ = {};
    writing_ = true;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_buffer_), asio::buffer(body_)};
    // The send timeout runs from the last progress (as nginx's send_timeout):
    // a big feed to a slow but steady reader is not cut off, a reader that
    // stops is.
    asio::async_write(
        socket_, buffers,
        [self = this->shared_from_this()](const beast::error_code& ec, std::size_t) -> std::size_t {
          if (ec) return 0;
          self->set_deadline(self->shared_->limits.send_timeout);
          return 64 * 1024;
        },
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
  }

  void on_written(beast::error_code ec) {
    writing_ = false;
    document_.reset();
    if (ec || !keep_alive_ || shared_->stopped) return close();
    read();
  }

  // One timer per connection, waiting for the current deadline: moving the
  // deadline later is a store, not a timer operation per read and write.
  // When the timer fires before the deadline (it moved), it waits again;
  // when the deadline moves earlier than the wait, the wait is replaced.
  void set_deadline(Clock::duration d) {
    deadline_ = Clock::now() + d;
    if (closed_) return;
    if (!timer_waiting_ || deadline_ < timer_.expiry()) wait_for_deadline();
  }

  void wait_for_deadline() {
    timer_waiting_ = true;
    timer_.expires_at(deadline_);  // cancels a wait in progress
    unsigned generation = ++timer_generation_;
    timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (generation != self->timer_generation_) return;  // replaced by a newer wait
      self->timer_waiting_ = false;
      if (ec || self->closed_) return;
      if (Clock::now() >= self->deadline_) return self->close();  // pending I/O ends aborted
      self->wait_for_deadline();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    socket_.shutdown(Socket::shutdown_send, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  Socket socket_;
  asio::steady_timer timer_;
  Clock::time_point deadline_;
  unsigned timer_generation_ = 0;
  bool timer_waiting_ = false;
  bool closed_ = false;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_{8192};
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::string head_buffer_;
  std::string dynamic_body_;
  std::string_view body_;                     // into document_ or dynamic_body_
  std::shared_ptr<const Document> document_;  // kept alive while its body is sent
  int requests_ = 0;
  bool keep_alive_ = false;
  bool head_ = false;
  bool http10_ = false;
  bool writing_ = false;
};

// ---- HttpServer ------------------------------------------------------------

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits)
    : io_(io), shared_(std::make_shared<Shared>()), accept_pause_(io) {
  shared_->limits = std::move(limits);
}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::listen(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) {
    return fail(Errc::config, "http: listen address '" + host_port + "' must be HOST:PORT");
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    port = std::stoul(host_port.substr(colon + 1));
  } catch (...) {
    return fail(Errc::config, "http: bad port in '" + host_port + "'");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host.empty() ? "127.0.0.1" : host, ec);
  if (ec || port > 65535) return fail(Errc::config, "http: bad listen address '" + host_port + "'");
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io, fmt::format("http: cannot listen on {}: {}", host_port, ec.message()));
  shared_->stopped = false;
  tcp_acceptors_.push_back(std::move(acceptor));
  accept<tcp>(*tcp_acceptors_.back());
  return {};
}

Result<void> HttpServer::listen_unix(const std::string& path) {
  boost::system::error_code ec;
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return fail(Errc::config, fmt::format("http: cannot listen on {}: the path is longer than a Unix socket "
                                          "address holds ({} bytes)", path, sizeof(sockaddr_un::sun_path) - 1));
  }
  local::endpoint ep(path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return fail(Errc::config, fmt::format("http: {} exists and is not a socket", path));
    }
    // A socket left over from a previous run refuses connections; one that
    // accepts them (or whose queue is full) belongs to a running server,
    // perhaps another tributary, which must not lose it.
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool in_use = probe >= 0 && (::connect(probe, ep.data(), static_cast<socklen_t>(ep.size())) == 0 ||
                                 errno == EAGAIN || errno == EINPROGRESS);
    if (probe >= 0) ::close(probe);
    if (in_use) return fail(Errc::io, fmt::format("http: cannot listen on {}: another server uses it", path));
    ::unlink(path.c_str());
  }
  auto acceptor = std::make_unique<local::acceptor>(io_);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->bind(ep, ec);
  // The socket serves what the TCP listener serves, to whoever may enter
  // its folder: the front proxy runs as another user, and the umask (the
  // unit's UMask=0077) would leave the socket to tributary's user alone.
  if (!ec && ::chmod(path.c_str(), 0666) != 0) ec.assign(errno, boost::system::system_category());
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io, fmt::format("http: cannot listen on {}: {}", path, ec.message()));
  shared_->stopped = false;
  unix_acceptors_.push_back(std::move(acceptor));
  unix_paths_.push_back(path);
  accept<local>(*unix_acceptors_.back());
  return {};
}

unsigned short HttpServer::port() const {
  if (tcp_acceptors_.empty()) return 0;
  boost::system::error_code ec;
  auto ep = tcp_acceptors_.front()->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::route(std::string path, RouteHandler handler) {
  shared_->routes[std::move(path)] = std::move(handler);
}

void HttpServer::publish(std::shared_ptr<const DocumentMap> documents) {
  shared_->documents = std::move(documents);
}

std::shared_ptr<const DocumentMap> HttpServer::documents() const { return shared_->documents; }

std::size_t HttpServer::connections() const { return shared_->sessions.size(); }

std::vector<std::pair<unsigned, std::uint64_t>> HttpServer::responses() const {
  std::vector<std::pair<unsigned, std::uint64_t>> out;
  for (unsigned status = 0; status < shared_->responses.size(); ++status) {
    if (shared_->responses[status] > 0) out.emplace_back(status, shared_->responses[status]);
  }
  return out;
}

void HttpServer::stop() {
  shared_->stopped = true;
  boost::system::error_code ec;
  for (auto& a : tcp_acceptors_) a->close(ec);
  for (auto& a : unix_acceptors_) a->close(ec);
  accept_pause_.cancel();
  accept_retries_.clear();
  for (const auto& p : unix_paths_) ::unlink(p.c_str());
  unix_paths_.clear();
  // Copy first: stopping a session may end it and erase it from the map.
  std::vector<std::shared_ptr<SessionBase>> open;
  for (auto& [ptr, weak] : shared_->sessions) {
    if (auto s = weak.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->stop();
}

// An accept that fails (mostly EMFILE: out of file descriptors) fails again
// at once while the cause lasts, and the waiting connection stays queued:
// retrying at once would spin the io thread. Pause, then retry.
void HttpServer::accept_later(boost::system::error_code ec, std::function<void()> retry) {
  if (!accept_failing_) log::warning("http: cannot accept connections: {}; retrying every 100 ms", ec.message());
  accept_failing_ = true;
  accept_retries_.push_back(std::move(retry));
  if (accept_retries_.size() > 1) return;  // the pause is running
  accept_pause_.expires_after(std::chrono::milliseconds(100));
  accept_pause_.async_wait([this](boost::system::error_code wait_ec) {
    if (wait_ec) return;  // cancelled by stop()
    auto retries = std::move(accept_retries_);
    accept_retries_.clear();
    for (auto& r : retries) r();
  });
}

template <class Protocol>
void HttpServer::accept(typename Protocol::acceptor& acceptor) {
  acceptor.async_accept([this, &acceptor](boost::system::error_code ec, typename Protocol::socket socket) {
    if (ec == asio::error::operation_aborted || shared_->stopped) return;
    if (ec) return accept_later(ec, [this, &acceptor] { accept<Protocol>(acceptor); });
    accept_failing_ = false;
    if (shared_->sessions.size() >= shared_->limits.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      if constexpr (std::is_same_v<Protocol, tcp>) socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session<Protocol>>(std::move(socket), shared_)->start();
    }
    accept<Protocol>(acceptor);
  });
}

}  // namespace tributary::daemon
