#include "daemon/http_server.h"

#include <boost/asio/strand.hpp>
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

namespace {

// RFC 9110 §13.1.2: If-None-Match holds "*" or a list of entity tags; the
// weak comparison applies to GET/HEAD.
bool etag_matches(std::string_view header, std::string_view etag) {
  std::string_view bare = etag;
  if (bare.starts_with("W/")) bare.remove_prefix(2);
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t comma = header.find(',', pos);
    std::string_view item = header.substr(pos, comma == std::string_view::npos ? header.npos : comma - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == bare) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

Reply decide(const DocumentMap& docs, std::string_view method, std::string_view target,
             std::string_view if_none_match, std::string_view if_modified_since) {
  Reply r;
  if (method != "GET" && method != "HEAD") {
    r.status = 405;
    return r;
  }
  r.head = method == "HEAD";
  std::string_view path = target.substr(0, target.find('?'));
  auto it = docs.find(path);
  if (it == docs.end()) {
    r.status = 404;
    return r;
  }
  r.document = it->second;
  // RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it.
  if (!if_none_match.empty()) {
    r.status = etag_matches(if_none_match, r.document->etag) ? 304 : 200;
    return r;
  }
  if (!if_modified_since.empty()) {
    if (auto since = feeds::parse_http_date(if_modified_since);
        since && since->time_since_epoch().count() >= r.document->modified) {
      r.status = 304;
      return r;
    }
  }
  r.status = 200;
  return r;
}

class HttpServer::Session : public std::enable_shared_from_this<HttpServer::Session> {
 public:
  Session(tcp::socket socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server), connections_(server.connections_) {
    ++*connections_;
  }
  ~Session() { --*connections_; }

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits_.max_header_bytes));
    parser_->body_limit(0);
    stream_.expires_after(requests_ == 0 ? server_.limits_.request_timeout : server_.limits_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit) {
        respond_error(http::status::request_header_fields_too_large, false);
        return;
      }
      if (ec == http::error::body_limit) {
        respond_error(http::status::payload_too_large, false);
        return;
      }
      if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
          ec != asio::error::operation_aborted && ec != asio::error::connection_reset) {
        respond_error(http::status::bad_request, false);
        return;
      }
      close();
      return;
    }
    ++requests_;
    const auto& req = parser_->get();
    bool keep_alive = req.keep_alive() && requests_ < server_.limits_.max_requests_per_connection &&
                      !server_.stopped_;
    Reply reply = decide(*server_.documents_, std::string_view(req.method_string()),
                         std::string_view(req.target()), req[http::field::if_none_match],
                         req[http::field::if_modified_since]);
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->keep_alive(keep_alive);
    res->set(http::field::server, "tributary");
    res->result(reply.status);
    if (reply.document) {
      const Document& d = *reply.document;
      res->set(http::field::etag, d.etag);
      res->set(http::field::last_modified, d.last_modified);
      res->set(http::field::cache_control, "public, max-age=300");
      if (reply.status == 200) {
        res->set(http::field::content_type, d.content_type);
        if (reply.head) {
          res->content_length(d.body.size());
        } else {
          res->body() = d.body;
          res->prepare_payload();
        }
      }
    } else {
      if (reply.status == 405) res->set(http::field::allow, "GET, HEAD");
      res->set(http::field::content_type, "text/plain; charset=utf-8");
      res->body() = reply.status == 405 ? "method not allowed\n" : "not found\n";
      if (reply.head) {
        res->content_length(res->body().size());
        res->body().clear();
      } else {
        res->prepare_payload();
      }
    }
    write(res, keep_alive, reply.head);
  }

  void respond_error(http::status status, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, "tributary");
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    res->keep_alive(keep_alive);
    res->body() = std::string(http::obsolete_reason(status)) + "\n";
    res->prepare_payload();
    write(res, keep_alive, false);
  }

  void write(std::shared_ptr<http::response<http::string_body>> res, bool keep_alive, bool head) {
    stream_.expires_after(server_.limits_.request_timeout);
    auto on_written = [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) {
        self->close();
        return;
      }
      self->read();
    };
    if (head) {
      // HEAD: headers only, but with the Content-Length of the GET response.
      auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
      http::async_write_header(stream_, *sr, [sr, on_written](beast::error_code ec, std::size_t n) mutable {
        on_written(ec, n);
      });
      return;
    }
    http::async_write(stream_, *res, std::move(on_written));
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{8192};
  std::optional<http::request_parser<http::empty_body>> parser_;
  HttpServer& server_;
  std::shared_ptr<std::size_t> connections_;
  int requests_ = 0;
};

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits)
    : io_(io), limits_(limits), acceptor_(io) {}

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
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io, fmt::format("http: cannot listen on {}: {}", host_port, ec.message()));
  stopped_ = false;
  accept();
  return {};
}

unsigned short HttpServer::port() const {
  boost::system::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::publish(std::shared_ptr<const DocumentMap> documents) {
  documents_ = std::move(documents);
}

void HttpServer::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void HttpServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    if (!ec) {
      if (*connections_ >= limits_.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->start();
      }
    }
    accept();
  });
}

}  // namespace tributary::daemon
