#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "daemon/document.h"
#include "feeds/result.h"

namespace tributary::daemon {

struct ServerLimits {
  std::size_t max_header_bytes = 8 * 1024;
  int max_requests_per_connection = 100;
  std::chrono::seconds idle_timeout{15};
  std::chrono::seconds request_timeout{10};  // to receive one whole request
  std::size_t max_connections = 512;
};

// The HTTP/1.1 server (Boost.Beast) for rendered outputs: GET and HEAD of
// /feeds/NAME.EXT with strong ETag, Last-Modified and 304s; everything else
// is 404 (405 for other methods). Runs on the io_context's thread; documents
// are swapped in whole with `publish`.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerLimits limits = {});
  ~HttpServer();

  // Binds "HOST:PORT" and starts accepting. Port 0 picks a free port.
  Result<void> listen(const std::string& host_port);
  unsigned short port() const;

  void publish(std::shared_ptr<const DocumentMap> documents);
  std::shared_ptr<const DocumentMap> documents() const { return documents_; }

  // Stops accepting and closes idle connections.
  void stop();

 private:
  class Session;
  void accept();

  boost::asio::io_context& io_;
  ServerLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<const DocumentMap> documents_ = std::make_shared<DocumentMap>();
  std::shared_ptr<std::size_t> connections_ = std::make_shared<std::size_t>(0);
  bool stopped_ = false;
};

// The HTTP response a request gets, as a pure decision (tested directly).
struct Reply {
  unsigned status = 404;
  std::shared_ptr<const Document> document;  // null for errors
  bool head = false;
};

// Decides the reply to METHOD TARGET with the given conditional headers.
Reply decide(const DocumentMap& docs, std::string_view method, std::string_view target,
             std::string_view if_none_match, std::string_view if_modified_since);

}  // namespace tributary::daemon
