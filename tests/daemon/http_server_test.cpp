#include "daemon/http_server.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "daemon/publisher.h"

namespace tributary::daemon {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::shared_ptr<Document> make_document(std::string body, bool with_gzip) {
  auto d = std::make_shared<Document>();
  d->etag = entity_tag(body);
  d->modified = 1'717'200'000;  // Sat, 01 Jun 2024 00:00:00 GMT
  d->last_modified = "Sat, 01 Jun 2024 00:00:00 GMT";
  d->content_type = "application/atom+xml; charset=utf-8";
  d->cache_control = "public, max-age=1800";
  if (with_gzip) {
    d->gzip_body = gzip(body);
    d->gzip_etag = entity_tag(d->gzip_body, "-gz");
  }
  d->body = std::move(body);
  return d;
}

DocumentMap docs() {
  auto d = make_document("<feed/>", false);
  d->etag = "\"abc\"";
  return DocumentMap{{"/feeds/all.atom", d}};
}

TEST(Decide, AnswersConditionalRequests) {
  struct Case {
    const char* method;
    const char* target;
    const char* inm;
    const char* ims;
    unsigned status;
  };
  const Case cases[] = {
      {"GET", "/feeds/all.atom", "", "", 200},
      {"HEAD", "/feeds/all.atom", "", "", 200},
      {"GET", "/feeds/all.atom?x=1", "", "", 200},
      {"GET", "http://example.org/feeds/all.atom", "", "", 200},
      {"GET", "/feeds/all.atom", "\"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "W/\"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "\"x\", \"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "\"x\",\"abc\" ", "", 304},
      {"GET", "/feeds/all.atom", "*", "", 304},
      {"GET", "/feeds/all.atom", "\"abd\"", "", 200},
      {"GET", "/feeds/all.atom", "\"abc", "", 200},
      {"GET", "/feeds/all.atom", "", "Sat, 01 Jun 2024 00:00:00 GMT", 304},
      {"GET", "/feeds/all.atom", "", "Sun, 02 Jun 2024 00:00:00 GMT", 304},
      {"GET", "/feeds/all.atom", "", "Fri, 31 May 2024 23:59:59 GMT", 200},
      {"GET", "/feeds/all.atom", "", "garbage", 200},
      // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
      {"GET", "/feeds/all.atom", "\"x\"", "Sun, 02 Jun 2024 00:00:00 GMT", 200},
      {"GET", "/feeds/other.atom", "", "", 404},
      {"GET", "/feeds/all.atom/", "", "", 404},
      {"GET", "/", "", "", 404},
      {"POST", "/feeds/all.atom", "", "", 405},
      {"DELETE", "/feeds/all.atom", "", "", 405},
      {"OPTIONS", "*", "", "", 405},
  };
  auto map = docs();
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target + " inm=" + c.inm + " ims=" + c.ims);
    EXPECT_EQ(decide(map, c.method, c.target, {c.inm, c.ims, ""}).status, c.status);
  }
  EXPECT_TRUE(decide(map, "HEAD", "/feeds/all.atom", {}).head);
  EXPECT_FALSE(decide(map, "GET", "/feeds/all.atom", {}).head);
}

TEST(Decide, PicksTheGzipVariantWithItsOwnETag) {
  auto doc = make_document(std::string(2000, 'a'), true);
  DocumentMap map{{"/feeds/all.atom", doc}};
  ASSERT_NE(doc->etag, doc->gzip_etag);

  Reply plain = decide(map, "GET", "/feeds/all.atom", {"", "", ""});
  EXPECT_FALSE(plain.gzip);
  EXPECT_EQ(plain.etag, doc->etag);

  Reply zipped = decide(map, "GET", "/feeds/all.atom", {"", "", "gzip, deflate, br"});
  EXPECT_TRUE(zipped.gzip);
  EXPECT_EQ(zipped.etag, doc->gzip_etag);

  // Each variant's ETag revalidates; a 304 carries the ETag the client holds.
  Reply r = decide(map, "GET", "/feeds/all.atom", {doc->gzip_etag, "", "gzip"});
  EXPECT_EQ(r.status, 304u);
  EXPECT_EQ(r.etag, doc->gzip_etag);
  r = decide(map, "GET", "/feeds/all.atom", {doc->etag, "", "gzip"});
  EXPECT_EQ(r.status, 304u);
  EXPECT_EQ(r.etag, doc->etag);
  r = decide(map, "GET", "/feeds/all.atom", {doc->gzip_etag, "", ""});
  EXPECT_EQ(r.status, 304u);
  EXPECT_EQ(r.etag, doc->gzip_etag);

  // No gzip variant: identity whatever the client accepts.
  auto small = make_document("<feed/>", false);
  DocumentMap only_plain{{"/x", small}};
  EXPECT_FALSE(decide(only_plain, "GET", "/x", {"", "", "gzip"}).gzip);
}

TEST(AcceptsGzip, HonoursQValues) {
  const std::pair<const char*, bool> cases[] = {
      {"", false},
      {"gzip", true},
      {"GZIP", true},
      {"x-gzip", true},
      {"deflate, gzip;q=1.0, *;q=0.5", true},
      {"gzip;q=0", false},
      {"gzip; q=0.000", false},
      {"gzip;q=0.001", true},
      {"br, deflate", false},
      {"*", true},
      {"*;q=0", false},
      {"gzip;q=0, *", false},  // an explicit refusal beats the wildcard
      {"identity", false},
      {"gzipx", false},
      {" , gzip ,", true},
  };
  for (const auto& [header, expected] : cases) {
    SCOPED_TRACE(header);
    EXPECT_EQ(accepts_gzip(header), expected);
  }
}

TEST(TargetPath, DropsQueryAndAuthority) {
  const std::pair<const char*, const char*> cases[] = {
      {"/feeds/all.atom", "/feeds/all.atom"},
      {"/feeds/all.atom?a=b", "/feeds/all.atom"},
      {"http://h:8080/feeds/all.atom?a", "/feeds/all.atom"},
      {"https://h", "/"},
      {"http://h?x", "/"},
      {"/", "/"},
  };
  for (const auto& [target, path] : cases) {
    SCOPED_TRACE(target);
    EXPECT_EQ(target_path(target), path);
  }
}

TEST(ConnectionsWithin, LeavesTheReservedDescriptorsToTheRest) {
  EXPECT_EQ(connections_within(1024, 524288, 128), 1024u);
  EXPECT_EQ(connections_within(1024, 1024, 128), 896u);  // systemd's default soft limit
  EXPECT_EQ(connections_within(1024, 100, 128), 16u);
}

// ---- a live server on loopback -------------------------------------------

std::string gunzip(std::string_view data) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string("<gunzip failed>");
}

struct ParsedResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class LiveServer : public ::testing::Test {
 protected:
  void start(ServerLimits limits = {}) {
    server_ = std::make_unique<HttpServer>(io_, limits);
    ASSERT_TRUE(server_->listen("127.0.0.1:0"));
    body_ = "<?xml version=\"1.0\"?><feed>";
    for (int i = 0; i < 200; ++i) body_ += fmt::format("<entry><title>entry {}</title></entry>", i);
    body_ += "</feed>";
    doc_ = make_document(body_, true);
    auto map = std::make_shared<DocumentMap>();
    (*map)["/feeds/all.atom"] = doc_;
    server_->publish(map);
    server_->route("/healthz", [](const Request&) { return Response{200, "text/plain; charset=utf-8", "ok\n"}; });
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) {
      asio::post(io_, [this] { server_->stop(); });
    }
    work_.reset();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  tcp::socket connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return s;
  }

  // Reads one response (headers, then Content-Length bytes unless HEAD or
  // 304). Returns status 0 when the connection closed first.
  static ParsedResponse read_response(tcp::socket& s, std::string& pending, bool head = false) {
    ParsedResponse r;
    boost::system::error_code ec;
    while (pending.find("\r\n\r\n") == std::string::npos) {
      char buf[4096];
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) return r;
      pending.append(buf, n);
    }
    std::size_t end = pending.find("\r\n\r\n");
    std::string head_text = pending.substr(0, end);
    pending.erase(0, end + 4);
    r.status = static_cast<unsigned>(std::stoul(head_text.substr(9, 3)));
    std::size_t pos = head_text.find("\r\n");
    while (pos != std::string::npos) {
      std::size_t next = head_text.find("\r\n", pos + 2);
      std::string line = head_text.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
      auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(colon + 2);
      pos = next;
    }
    std::size_t length = 0;
    if (!head && r.status != 304 && r.headers.contains("content-length")) {
      length = std::stoul(r.headers["content-length"]);
    }
    while (pending.size() < length) {
      char buf[65536];
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      pending.append(buf, n);
    }
    r.body = pending.substr(0, length);
    pending.erase(0, length);
    return r;
  }

  ParsedResponse request(const std::string& text, bool head = false) {
    auto s = connect();
    asio::write(s, asio::buffer(text));
    std::string pending;
    return read_response(s, pending, head);
  }

  // True when the server closes `s` within `limit` (reads and drops data).
  static bool closed_within(tcp::socket& s, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    s.non_blocking(true);
    while (Clock::now() < deadline) {
      char buf[4096];
      boost::system::error_code ec;
      s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
      if (ec && ec != asio::error::would_block) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  asio::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::string body_;
  std::shared_ptr<Document> doc_;
};

TEST_F(LiveServer, ServesDocumentWithValidatorsAndCacheHeaders) {
  start();
  auto r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, body_);
  EXPECT_EQ(r.headers["content-type"], "application/atom+xml; charset=utf-8");
  EXPECT_EQ(r.headers["etag"], doc_->etag);
  EXPECT_EQ(r.headers["last-modified"], "Sat, 01 Jun 2024 00:00:00 GMT");
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=1800");
  EXPECT_EQ(r.headers["vary"], "Accept-Encoding");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_FALSE(r.headers.contains("content-encoding"));
  EXPECT_TRUE(r.headers.contains("date"));
}

TEST_F(LiveServer, CountsResponsesByStatus) {
  start();
  request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  request(fmt::format("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nIf-None-Match: {}\r\n"
                      "Connection: close\r\n\r\n", doc_->etag));
  request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\nConnection: close\r\n\r\n");
  request("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::promise<std::vector<std::pair<unsigned, std::uint64_t>>> counts;
  asio::post(io_, [&] { counts.set_value(server_->responses()); });
  EXPECT_EQ(counts.get_future().get(),
            (std::vector<std::pair<unsigned, std::uint64_t>>{{200, 1}, {304, 2}, {404, 1}}));
}

TEST_F(LiveServer, GzipWhenAcceptedWithDistinctETag) {
  start();
  auto r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\n"
                   "Connection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers["content-encoding"], "gzip");
  EXPECT_EQ(r.headers["etag"], doc_->gzip_etag);
  EXPECT_NE(r.headers["etag"], doc_->etag);
  EXPECT_LT(r.body.size(), body_.size());
  EXPECT_EQ(gunzip(r.body), body_);
  // The same bytes every time: compressed once, not per request.
  EXPECT_EQ(r.body, doc_->gzip_body);
}

TEST_F(LiveServer, ConditionalRequestsGet304WithoutBody) {
  start();
  auto r = request(fmt::format("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nIf-None-Match: {}\r\n"
                               "Connection: close\r\n\r\n", doc_->etag));
  EXPECT_EQ(r.status, 304u);
  EXPECT_EQ(r.headers["etag"], doc_->etag);
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=1800");
  EXPECT_EQ(r.headers["vary"], "Accept-Encoding");
  EXPECT_FALSE(r.headers.contains("content-length"));
  r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Sat, 01 Jun 2024 00:00:00 GMT\r\n"
              "Connection: close\r\n\r\n");
  EXPECT_EQ(r.status, 304u);
}

TEST_F(LiveServer, HeadHasGetHeadersAndNoBody) {
  start();
  auto s = connect();
  asio::write(s, asio::buffer(std::string("HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string pending;
  auto head = read_response(s, pending, true);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.headers["content-length"], std::to_string(body_.size()));
  // The next response follows directly: HEAD sent no body.
  auto health = read_response(s, pending);
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(health.headers["cache-control"], "no-store");
}

TEST_F(LiveServer, OtherMethodsAndPathsAreRefused) {
  start();
  auto r = request("POST /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
  r = request("GET /etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 404u);
  r = request("GET /../feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 404u);
  r = request("GARBAGE\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  r = request("GET /feeds/all.atom HTTP/1.1\r\nConnection: close\r\n\r\n");  // RFC 9112 §3.2
  EXPECT_EQ(r.status, 400u);
  r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
  r = request("GET /feeds/all.atom HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200u);
  r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(r.status, 413u);
}

TEST_F(LiveServer, PipelinedRequestsAnsweredInOrder) {
  start();
  auto s = connect();
  std::string three;
  for (int i = 0; i < 3; ++i) three += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  three += "GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(s, asio::buffer(three));
  std::string pending;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(read_response(s, pending).body, "ok\n");
  auto last = read_response(s, pending);
  EXPECT_EQ(last.body, body_);
  EXPECT_TRUE(closed_within(s, std::chrono::seconds(2)));
}

TEST_F(LiveServer, Http10ClosesUnlessKeepAliveAsked) {
  start();
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /healthz HTTP/1.0\r\n\r\n")));
  std::string pending;
  auto r = read_response(s, pending);
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(closed_within(s, std::chrono::seconds(2)));

  auto k = connect();
  asio::write(k, asio::buffer(std::string("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")));
  pending.clear();
  r = read_response(k, pending);
  EXPECT_EQ(r.headers["connection"], "keep-alive");
  EXPECT_FALSE(closed_within(k, std::chrono::milliseconds(300)));
}

TEST_F(LiveServer, OversizedHeaderGets431AndClose) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  start(limits);
  auto r = request("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(r.headers["connection"], "close");
  r = request("GET /feeds/all.atom?" + std::string(4000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 414u);
  EXPECT_EQ(r.headers["connection"], "close");
}

TEST_F(LiveServer, RequestsPerConnectionAreBounded) {
  ServerLimits limits;
  limits.max_requests_per_connection = 3;
  start(limits);
  auto s = connect();
  std::string pending;
  for (int i = 1; i <= 3; ++i) {
    asio::write(s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
    auto r = read_response(s, pending);
    ASSERT_EQ(r.status, 200u) << i;
    EXPECT_EQ(r.headers.contains("connection"), i == 3) << i;
  }
  EXPECT_TRUE(closed_within(s, std::chrono::seconds(2)));
}

TEST_F(LiveServer, DrippingClientIsCutOffAtTheRequestTimeout) {
  ServerLimits limits;
  limits.request_timeout = std::chrono::seconds(1);
  start(limits);
  auto s = connect();
  // Slowloris: one byte every 100 ms, never finishing the header. The
  // deadline is for the whole request, so the drip does not extend it.
  std::string request = "GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(200, 'a');
  auto started = Clock::now();
  bool cut = false;
  for (char c : request) {
    boost::system::error_code ec;
    asio::write(s, asio::buffer(&c, 1), ec);
    if (ec) {
      cut = true;
      break;
    }
    if (closed_within(s, std::chrono::milliseconds(100))) {
      cut = true;
      break;
    }
    s.non_blocking(false);
  }
  auto elapsed = Clock::now() - started;
  EXPECT_TRUE(cut);
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

TEST_F(LiveServer, SlowButSteadyReaderGetsABigFeedWhole) {
  ServerLimits limits;
  limits.send_timeout = std::chrono::seconds(1);
  start(limits);
  // 16 MiB read at about 8 MiB/s: two seconds, never a second without progress.
  std::string big(16 << 20, 'x');
  auto map = std::make_shared<DocumentMap>();
  (*map)["/big"] = make_document(big, false);
  std::promise<void> published;
  asio::post(io_, [&] {
    server_->publish(map);
    published.set_value();
  });
  published.get_future().wait();
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  std::string all;
  auto started = Clock::now();
  boost::system::error_code ec;
  std::vector<char> buf(256 * 1024);
  while (!ec) {
    std::size_t n = asio::read(s, asio::buffer(buf), ec);
    all.append(buf.data(), n);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_GT(Clock::now() - started, std::chrono::milliseconds(1500));
  ASSERT_NE(all.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(all.size() - all.find("\r\n\r\n") - 4, big.size());
}

TEST_F(LiveServer, IdleKeptAliveConnectionIsClosed) {
  ServerLimits limits;
  limits.idle_timeout = std::chrono::seconds(1);
  start(limits);
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string pending;
  EXPECT_EQ(read_response(s, pending).status, 200u);
  auto started = Clock::now();
  EXPECT_TRUE(closed_within(s, std::chrono::seconds(3)));
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(800));
}

TEST_F(LiveServer, ConnectionsBeyondTheLimitAreClosed) {
  ServerLimits limits;
  limits.max_connections = 2;
  start(limits);
  auto a = connect();
  auto b = connect();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto c = connect();
  EXPECT_TRUE(closed_within(c, std::chrono::seconds(2)));
  asio::write(a, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string pending;
  EXPECT_EQ(read_response(a, pending).status, 200u);
}

TEST_F(LiveServer, OutOfFileDescriptorsPausesAcceptingInsteadOfSpinning) {
#ifdef __SANITIZE_ADDRESS__
  // The sanitizer runtimes need descriptors of their own (UBSan's vptr check
  // probes memory through a pipe); with none left they report false errors
  // inside Asio ("does not point to an object of type 'scheduler_task'").
  GTEST_SKIP() << "runs in builds without sanitizers (dev, release)";
#endif
  start();
  // Fill the descriptor table after opening the client's socket: the
  // server's accept then fails with EMFILE while the connection waits.
  tcp::socket s(client_io_);
  s.open(tcp::v4());
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
  ASSERT_FALSE(fillers.empty());
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));

  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ::getrusage(RUSAGE_SELF, &after);
  auto cpu_us = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1'000'000L + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
  };
  long used_us = cpu_us(after) - cpu_us(before);

  for (int fd : fillers) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_LT(used_us, 250'000) << "the io thread spun on accept";
  // Descriptors free again: the waiting connection is served.
  asio::write(s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string pending;
  EXPECT_EQ(read_response(s, pending).status, 200u);
}

TEST_F(LiveServer, StopClosesIdleConnections) {
  start();
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string pending;
  EXPECT_EQ(read_response(s, pending).status, 200u);
  asio::post(io_, [this] { server_->stop(); });
  EXPECT_TRUE(closed_within(s, std::chrono::seconds(2)));
}

TEST_F(LiveServer, ServesOverAUnixSocket) {
  start();
  auto path = (std::filesystem::path(::testing::TempDir()) / "tributary-http-test.sock").string();
  std::promise<Result<void>> bound;
  asio::post(io_, [&] { bound.set_value(server_->listen_unix(path)); });
  auto result = bound.get_future().get();
  ASSERT_TRUE(result) << result.error().message;
  asio::local::stream_protocol::socket s(client_io_);
  s.connect(asio::local::stream_protocol::endpoint(path));
  asio::write(s, asio::buffer(std::string("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  std::string all;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(all), ec);
  EXPECT_NE(all.find("200 OK"), std::string::npos);
  EXPECT_NE(all.find(body_), std::string::npos);
  std::promise<void> stopped;
  asio::post(io_, [&] {
    server_->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(HttpServer, UnixSocketIsConnectableByAFrontProxyWhateverTheUmask) {
  // The shipped unit runs with UMask=0077; the proxy is another user.
  asio::io_context io;
  HttpServer server(io);
  auto path = (std::filesystem::path(::testing::TempDir()) / "tributary-umask.sock").string();
  std::filesystem::remove(path);
  mode_t old = ::umask(077);
  auto r = server.listen_unix(path);
  ::umask(old);
  ASSERT_TRUE(r) << r.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u);
  server.stop();
}

TEST(HttpServer, UnixListenReplacesAStaleSocketButNotALiveOne) {
  asio::io_context io;
  auto path = (std::filesystem::path(::testing::TempDir()) / "tributary-stale.sock").string();
  std::filesystem::remove(path);
  {
    // A socket file whose server is gone (it crashed without removing it).
    asio::local::stream_protocol::acceptor gone(io);
    gone.open();
    gone.bind(asio::local::stream_protocol::endpoint(path));
    gone.listen();
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  HttpServer first(io);
  auto r = first.listen_unix(path);
  ASSERT_TRUE(r) << r.error().message;

  // A second daemon started by mistake must not take the socket away.
  HttpServer second(io);
  r = second.listen_unix(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("another server uses it"), std::string::npos) << r.error().message;
  asio::local::stream_protocol::socket s(io);
  boost::system::error_code ec;
  s.connect(asio::local::stream_protocol::endpoint(path), ec);
  EXPECT_FALSE(ec) << ec.message();
  first.stop();
}

TEST(HttpServer, UnixListenRefusesAPathTooLongForASocketAddress) {
  asio::io_context io;
  HttpServer server(io);
  auto r = server.listen_unix("/tmp/" + std::string(120, 'a') + ".sock");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("longer than a Unix socket address holds"), std::string::npos)
      << r.error().message;
}

TEST(HttpServer, UnixListenRefusesToReplaceAnOrdinaryFile) {
  asio::io_context io;
  HttpServer server(io);
  auto path = (std::filesystem::path(::testing::TempDir()) / "tributary-not-a-socket").string();
  { std::ofstream(path) << "data"; }
  auto r = server.listen_unix(path);
  EXPECT_FALSE(r);
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tributary::daemon
