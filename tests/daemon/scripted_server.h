#pragma once

// A loopback HTTP/1.1 server for tests whose every path answers as scripted:
// any status, headers (Location for redirects, Content-Type) and body. It
// answers one request per connection (Connection: close) on its own thread
// and counts the requests per path, so a test can assert that a path was
// never reached. Stops when destroyed.

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

namespace tributary::daemon::testing {

class ScriptedServer {
 public:
  struct Response {
    int status = 200;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
  };

  ScriptedServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    boost::system::error_code ec;
    // Wake the blocking accept with a connection of our own.
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string origin() const { return fmt::format("http://127.0.0.1:{}", port()); }
  std::string url(std::string_view path) const { return origin() + std::string(path); }

  void route(const std::string& path, Response r) {
    std::lock_guard lock(mutex_);
    routes_[path] = std::move(r);
  }
  void html(const std::string& path, std::string body, std::string type = "text/html; charset=utf-8") {
    route(path, Response{200, {"Content-Type: " + type}, std::move(body)});
  }
  void redirect(const std::string& path, const std::string& location, int status = 302) {
    route(path, Response{status, {"Location: " + location}, ""});
  }

  // Requests received for `path` (without the query), answered or not.
  int hits(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = hits_.find(path);
    return it == hits_.end() ? 0 : it->second;
  }
  int total_hits() const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [path, count] : hits_) n += count;
    return n;
  }

 private:
  void serve() {
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      answer(socket);
    }
  }

  void answer(boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    boost::asio::streambuf head;
    boost::asio::read_until(socket, head, "\r\n\r\n", ec);
    if (ec) return;
    std::string request(boost::asio::buffers_begin(head.data()), boost::asio::buffers_end(head.data()));
    std::string path;
    if (auto sp = request.find(' '); sp != std::string::npos) {
      auto end = request.find(' ', sp + 1);
      path = request.substr(sp + 1, end - sp - 1);
    }
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    Response r{404, {"Content-Type: text/plain"}, "not found"};
    {
      std::lock_guard lock(mutex_);
      ++hits_[path];
      if (auto it = routes_.find(path); it != routes_.end()) r = it->second;
    }
    std::string out = fmt::format("HTTP/1.1 {} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n", r.status,
                                  r.body.size());
    for (const auto& h : r.headers) out += h + "\r\n";
    out += "\r\n";
    out += r.body;
    boost::asio::write(socket, boost::asio::buffer(out), ec);
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::map<std::string, Response> routes_;
  std::map<std::string, int> hits_;
};

}  // namespace tributary::daemon::testing
