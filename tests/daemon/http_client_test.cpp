// The real HttpClient against a raw loopback server whose replies each test
// writes byte for byte: redirects, caps, timeouts and the private-address
// guard. Loopback only; every transfer is bounded by short limits.

#include "daemon/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

using std::chrono::milliseconds;

// Answers each request with whatever `reply(path, request)` returns, then
// closes the connection. Runs on its own thread until destroyed.
class RawServer {
 public:
  using Reply = std::function<std::string(const std::string& path, const std::string& request)>;

  explicit RawServer(Reply reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (auto& t : workers_) t.join();
  }

  std::string url(std::string_view path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }
  std::string origin() const { return fmt::format("http://127.0.0.1:{}", port_); }
  int hits(const std::string& path) {
    std::lock_guard lock(mutex_);
    return hits_[path];
  }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      workers_.emplace_back([this, c] { answer(c); });
    }
  }
  void answer(int c) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    auto sp = request.find(' ');
    std::string path = sp == std::string::npos ? "" : request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
    {
      std::lock_guard lock(mutex_);
      ++hits_[path];
    }
    std::string out = reply_(path, request);
    std::size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(c, SHUT_WR);
    while (::recv(c, buf, sizeof buf, 0) > 0) {
    }
    ::close(c);
  }

  Reply reply_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::map<std::string, int> hits_;
};

std::string response(int status, std::string_view headers, std::string_view body) {
  return fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n{}", status, body.size(),
                     headers, body);
}

std::string redirect(int status, std::string_view location) {
  return response(status, fmt::format("Location: {}\r\n", location), "");
}

const std::string kFeed = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

class HttpClientTest : public ::testing::Test {
 protected:
  FetchResult fetch(const std::string& url, std::vector<Origin> allowed = {}, ClientLimits limits = small()) {
    boost::asio::io_context io;
    HttpClient client(io, limits, std::move(allowed));
    FetchResult result;
    bool done = false;
    FetchRequest req;
    req.url = url;
    req.user_agent = "tributary-test";
    client.fetch(req, [&](FetchResult r) {
      result = std::move(r);
      done = true;
    });
    io.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(done);
    return result;
  }
  static ClientLimits small() {
    ClientLimits l;
    l.total_timeout = milliseconds(3000);
    l.connect_timeout = milliseconds(2000);
    l.low_speed_time = std::chrono::seconds(2);
    l.max_body = 1u << 20;
    return l;
  }
  static std::vector<Origin> allow(const RawServer& s) { return {*Origin::parse(s.origin())}; }
};

TEST_F(HttpClientTest, PermanentRedirectsMoveTheFeedAndTemporaryOnesDoNot) {
  RawServer server([](const std::string& path, const std::string&) {
    if (path == "/p301") return redirect(301, "/target");
    if (path == "/p308") return redirect(308, "/target");
    if (path == "/t302") return redirect(302, "/target");
    if (path == "/t307") return redirect(307, "/target");
    if (path == "/mixed") return redirect(301, "/hop");  // 301 then 302
    if (path == "/hop") return redirect(302, "/target");
    return response(200, "Content-Type: application/rss+xml\r\n", kFeed);
  });
  struct Case {
    std::string path;
    std::string permanent;
  };
  const std::vector<Case> cases = {
      {"/p301", "/target"}, {"/p308", "/target"}, {"/t302", ""}, {"/t307", ""}, {"/mixed", "/hop"}, {"/target", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    FetchResult r = fetch(server.url(c.path), allow(server));
    ASSERT_EQ(r.status, FetchStatus::ok) << r.error.message;
    EXPECT_EQ(r.body, kFeed);
    EXPECT_EQ(r.effective_url, server.url("/target"));
    EXPECT_EQ(r.permanent_url, c.permanent.empty() ? "" : server.url(c.permanent));
  }
}

TEST_F(HttpClientTest, RedirectLimitStopsLoopsButLetsShortChainsThrough) {
  RawServer server([](const std::string& path, const std::string&) {
    if (path == "/loop") return redirect(302, "/loop");
    if (path.starts_with("/chain/")) {
      int left = std::stoi(path.substr(7));
      return left == 0 ? response(200, "", kFeed) : redirect(302, fmt::format("/chain/{}", left - 1));
    }
    return response(404, "", "");
  });
  FetchResult loop = fetch(server.url("/loop"), allow(server));
  EXPECT_EQ(loop.status, FetchStatus::failed);
  EXPECT_NE(loop.error.message.find("too many redirects"), std::string::npos) << loop.error.message;
  EXPECT_LE(server.hits("/loop"), 6);

  FetchResult ok = fetch(server.url("/chain/5"), allow(server));
  EXPECT_EQ(ok.status, FetchStatus::ok) << ok.error.message;
  EXPECT_EQ(ok.redirects, 5);
  FetchResult too_long = fetch(server.url("/chain/6"), allow(server));
  EXPECT_EQ(too_long.status, FetchStatus::failed);
}

TEST_F(HttpClientTest, BodyCapCountsDecodedBytes) {
  // 64 MiB of zeros, about 64 KiB on the wire.
  const std::string bomb = gzip(std::string(64u << 20, '\0'));
  RawServer server([&](const std::string& path, const std::string&) {
    if (path == "/bomb") return response(200, "Content-Encoding: gzip\r\n", bomb);
    if (path == "/big") return response(200, "", std::string(2u << 20, 'x'));
    return response(200, "Content-Encoding: gzip\r\n", gzip(kFeed));
  });
  for (const char* path : {"/bomb", "/big"}) {
    SCOPED_TRACE(path);
    FetchResult r = fetch(server.url(path), allow(server));
    EXPECT_EQ(r.status, FetchStatus::failed);
    EXPECT_NE(r.error.message.find("body too large"), std::string::npos) << r.error.message;
    EXPECT_TRUE(r.body.empty());
  }
  FetchResult small_gzip = fetch(server.url("/small"), allow(server));
  ASSERT_EQ(small_gzip.status, FetchStatus::ok) << small_gzip.error.message;
  EXPECT_EQ(small_gzip.body, kFeed);
}

TEST_F(HttpClientTest, HugeHeadersAreRefused) {
  RawServer server([](const std::string&, const std::string&) {
    std::string headers;
    for (int i = 0; i < 2000; ++i) headers += fmt::format("X-Filler-{}: {}\r\n", i, std::string(60, 'h'));
    return response(200, headers, kFeed);
  });
  FetchResult r = fetch(server.url("/"), allow(server));
  EXPECT_EQ(r.status, FetchStatus::failed);
  EXPECT_NE(r.error.message.find("headers too large"), std::string::npos) << r.error.message;
}

TEST_F(HttpClientTest, PrivateAddressesNeedAnAllowedOrigin) {
  RawServer server([](const std::string& path, const std::string&) {
    if (path == "/elsewhere") return redirect(302, "http://127.0.0.2:9/secret");
    return response(200, "", kFeed);
  });
  FetchResult blocked = fetch(server.url("/"));
  EXPECT_EQ(blocked.status, FetchStatus::failed);
  EXPECT_EQ(blocked.error.message, "blocked private address 127.0.0.1");
  EXPECT_EQ(server.hits("/"), 0);

  EXPECT_EQ(fetch(server.url("/"), allow(server)).status, FetchStatus::ok);

  // Every hop is checked: the allowed origin may not redirect elsewhere.
  FetchResult hop = fetch(server.url("/elsewhere"), allow(server));
  EXPECT_EQ(hop.status, FetchStatus::failed);
  EXPECT_EQ(hop.error.message, "blocked private address 127.0.0.2");
}

TEST_F(HttpClientTest, NotModifiedIgnoresABodyAndRateLimitsKeepRetryAfter) {
  RawServer server([](const std::string& path, const std::string& request) {
    if (path == "/etag") {
      if (request.find("If-None-Match: \"v1\"") != std::string::npos) return response(304, "ETag: \"v1\"\r\n", kFeed);
      return response(200, "ETag: \"v1\"\r\n", kFeed);
    }
    return response(429, "Retry-After: 3600\r\n", "slow down");
  });
  boost::asio::io_context io;
  HttpClient client(io, small(), allow(server));
  FetchRequest req;
  req.url = server.url("/etag");
  req.etag = "\"v1\"";
  FetchResult r;
  client.fetch(req, [&](FetchResult x) { r = std::move(x); });
  io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(r.status, FetchStatus::not_modified);
  EXPECT_EQ(r.http_status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.etag, "\"v1\"");

  FetchResult limited = fetch(server.url("/limited"), allow(server));
  EXPECT_EQ(limited.status, FetchStatus::failed);
  EXPECT_EQ(limited.http_status, 429);
  EXPECT_EQ(limited.retry_after, "3600");
  EXPECT_TRUE(limited.body.empty());
}

TEST_F(HttpClientTest, ASilentServerTimesOut) {
  RawServer server([](const std::string&, const std::string&) {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    return std::string();
  });
  ClientLimits l = small();
  l.total_timeout = milliseconds(800);
  auto t0 = std::chrono::steady_clock::now();
  FetchResult r = fetch(server.url("/"), allow(server), l);
  EXPECT_EQ(r.status, FetchStatus::failed);
  EXPECT_EQ(r.error.code, Errc::timeout);
  EXPECT_TRUE(r.error.message.starts_with("timeout")) << r.error.message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
}

TEST_F(HttpClientTest, ASlowResponseDoesNotHoldOtherRequestsToItsHost) {
  // A server that sits on its response headers must not make a second
  // request to the same host wait for them (curl's PIPEWAIT over plain http).
  RawServer server([](const std::string& path, const std::string&) {
    if (path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return response(200, "", kFeed);
  });
  boost::asio::io_context io;
  HttpClient client(io, small(), allow(server));
  auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration fast_took{}, slow_took{};
  int done = 0;
  FetchRequest slow;
  slow.url = server.url("/slow");
  client.fetch(slow, [&](FetchResult r) {
    EXPECT_EQ(r.status, FetchStatus::ok) << r.error.message;
    slow_took = std::chrono::steady_clock::now() - t0;
    ++done;
  });
  io.run_for(milliseconds(200));  // the slow request is on the wire
  FetchRequest fast;
  fast.url = server.url("/fast");
  client.fetch(fast, [&](FetchResult r) {
    EXPECT_EQ(r.status, FetchStatus::ok) << r.error.message;
    fast_took = std::chrono::steady_clock::now() - t0;
    ++done;
  });
  while (done < 2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) io.run_for(milliseconds(50));
  EXPECT_EQ(done, 2);
  EXPECT_LT(fast_took, std::chrono::milliseconds(1000));
  EXPECT_GE(slow_took, std::chrono::milliseconds(1500));
}

TEST_F(HttpClientTest, ABodyShorterThanItsContentLengthIsTruncated) {
  RawServer server([](const std::string&, const std::string&) {
    return fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", kFeed.size() + 5000,
                       kFeed);
  });
  FetchResult r = fetch(server.url("/"), allow(server));
  EXPECT_EQ(r.status, FetchStatus::failed);
  EXPECT_TRUE(r.error.message.starts_with("truncated transfer")) << r.error.message;
  EXPECT_TRUE(r.body.empty());
}

}  // namespace
}  // namespace tributary::daemon
