#pragma once

// An in-process HTTP server on 127.0.0.1 for tests: serves documents by path
// with strong ETags and 304s (it is tributary's own HttpServer on a private
// io_context thread). Stops when destroyed.

#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "daemon/http_server.h"

namespace tributary::daemon::testing {

class LoopbackServer {
 public:
  LoopbackServer() : work_(io_.get_executor()), server_(io_) {
    auto r = server_.listen("127.0.0.1:0");
    if (!r) throw std::runtime_error(r.error().message);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackServer() {
    boost::asio::post(io_, [this] { server_.stop(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::string url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", server_.port(), path);
  }

  // Serves `body` at `path` from now on; a new body gets a new ETag.
  void serve(const std::string& path, std::string body, std::string content_type = "application/xml") {
    auto doc = std::make_shared<Document>();
    doc->etag = fmt::format("\"{}-{}\"", std::hash<std::string>{}(body), ++version_);
    doc->content_type = std::move(content_type);
    doc->last_modified = "Sat, 01 Jun 2024 00:00:00 GMT";
    doc->modified = 1717200000;
    doc->body = std::move(body);
    std::lock_guard lock(mutex_);
    docs_[path] = doc;
    auto snapshot = std::make_shared<DocumentMap>(docs_);
    boost::asio::post(io_, [this, snapshot] { server_.publish(snapshot); });
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  HttpServer server_;
  std::thread thread_;
  std::mutex mutex_;
  DocumentMap docs_;
  int version_ = 0;
};

}  // namespace tributary::daemon::testing
