#include "daemon/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

namespace tributary::daemon {
namespace asio = boost::asio;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool in_v4(std::uint32_t a, std::uint32_t net, int bits) {
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

bool private_v4(std::uint32_t a) {
  struct Range {
    std::uint32_t net;
    int bits;
  };
  // RFC 6890 special-purpose registry, plus multicast and reserved space.
  static constexpr Range kRanges[] = {
      {0x00000000, 8},  {0x0A000000, 8},  {0x64400000, 10}, {0x7F000000, 8},
      {0xA9FE0000, 16}, {0xAC100000, 12}, {0xC0000000, 24}, {0xC0000200, 24},
      {0xC0586300, 24}, {0xC0A80000, 16}, {0xC6120000, 15}, {0xC6336400, 24},
      {0xCB007100, 24}, {0xE0000000, 4},  {0xF0000000, 4},
  };
  return std::any_of(std::begin(kRanges), std::end(kRanges),
                     [&](const Range& r) { return in_v4(a, r.net, r.bits); });
}

unsigned default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

// One layer of Content-Encoding (gzip or deflate), decoded with zlib as the
// bytes arrive. We decode ourselves instead of letting curl do it because
// curl 7.88 neither reports a compressed stream cut short (it hands over the
// partial output as if complete) nor lets the size cap see each layer.
class Inflater {
 public:
  explicit Inflater(bool deflate) : deflate_(deflate) { init(15 + 32); }  // zlib or gzip header
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decodes `in`, passing output to `out(data, size)` (which returns false
  // to stop). Returns "" or what went wrong.
  template <class Out>
  std::string feed(const char* in, std::size_t size, Out&& out) {
    unsigned char buffer[16384];
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    z_.avail_in = static_cast<uInt>(size);
    while (z_.avail_in > 0) {
      if (ended_) {
        // RFC 1952 §2.2: a gzip file may hold several members; anything
        // else after the end of the stream is ignored.
        if (z_.avail_in >= 2 && z_.next_in[0] == 0x1f && z_.next_in[1] == 0x8b) {
          inflateReset(&z_);
          ended_ = false;
        } else {
          return {};
        }
      }
      z_.next_out = buffer;
      z_.avail_out = sizeof buffer;
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_DATA_ERROR && deflate_ && !started_ && !raw_) {
        // "deflate" sent as raw RFC 1951 data, a common server bug: retry raw.
        raw_ = true;
        inflateEnd(&z_);
        init(-15);
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
        z_.avail_in = static_cast<uInt>(size);
        continue;
      }
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return z_.msg ? z_.msg : "corrupt compressed data";
      }
      started_ = true;
      std::size_t produced = sizeof buffer - z_.avail_out;
      if (produced > 0 && !out(reinterpret_cast<const char*>(buffer), produced)) return "stopped";
      if (rc == Z_STREAM_END) ended_ = true;
      if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
    }
    return {};
  }

  bool ended() const { return ended_; }

 private:
  void init(int window_bits) {
    z_ = z_stream{};
    inflateInit2(&z_, window_bits);
  }
  z_stream z_{};
  bool deflate_;
  bool raw_ = false;
  bool started_ = false;
  bool ended_ = false;
};

// "what failed: cause" for a transfer curl ended with `code`; `detail` is
// curl's own message (its error buffer).
std::string failure_message(CURLcode code, const std::string& detail, const ClientLimits& limits) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout: " + detail;
    case CURLE_TOO_MANY_REDIRECTS:
      return fmt::format("too many redirects (limit {})", limits.max_redirects);
    case CURLE_ABORTED_BY_CALLBACK:
      return "cancelled";
    case CURLE_PARTIAL_FILE:
      return "truncated transfer: " + detail;
    case CURLE_BAD_CONTENT_ENCODING:
      return "content decoding failed: " + detail;
    case CURLE_UNSUPPORTED_PROTOCOL:
      // Also what curl says of a status line it cannot read ("HTTP/1.1 2OO").
      if (detail.starts_with("Protocol ")) return "redirect to a forbidden scheme: " + detail;
      return "protocol error: " + detail;
    case CURLE_OUT_OF_MEMORY:
      // curl's answer to a header line over 100 KiB.
      return "response headers too large or malformed: " + detail;
    case CURLE_URL_MALFORMAT:
      return "bad URL (or redirect Location): " + detail;
    case CURLE_COULDNT_RESOLVE_HOST:
      return "DNS lookup failed: " + detail;
    case CURLE_COULDNT_CONNECT:
      return "connection failed: " + detail;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return "connection error: " + detail;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "protocol error: " + detail;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return "TLS error: " + detail;
    default:
      return detail;
  }
}

}  // namespace

bool is_private_address(const struct sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return private_v4(ntohl(in->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    const unsigned char* b = in6->sin6_addr.s6_addr;
    static constexpr unsigned char kZero[16] = {};
    auto v4_at = [&](int offset) {
      return (std::uint32_t{b[offset]} << 24) | (std::uint32_t{b[offset + 1]} << 16) |
             (std::uint32_t{b[offset + 2]} << 8) | std::uint32_t{b[offset + 3]};
    };
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64)
    if (std::memcmp(b, kZero, 10) == 0 && b[10] == 0xff && b[11] == 0xff) return private_v4(v4_at(12));
    if (std::memcmp(b, kZero, 12) == 0) return true;  // ::, ::1 and IPv4-compatible
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return private_v4(v4_at(12));
    if ((b[0] & 0xfe) == 0xfc) return true;                   // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;   // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;   // fec0::/10 site-local
    if (b[0] == 0xff) return true;                            // multicast
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // documentation
    if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero, 6) == 0) return true;  // discard
    if (b[0] == 0x20 && b[1] == 0x02) return private_v4(v4_at(2));  // 6to4
    return false;
  }
  return true;  // anything else (AF_UNIX, ...) is never a public address
}

std::optional<Origin> Origin::parse(std::string_view url) {
  auto u = boost::urls::parse_uri(trim(url));
  if (!u || !u->has_authority()) return std::nullopt;
  Origin o;
  o.scheme = lower(u->scheme());
  o.host = lower(u->host_address());
  if (o.host.size() > 2 && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
  o.port = u->has_port() ? static_cast<unsigned>(u->port_number()) : default_port(o.scheme);
  if (o.host.empty()) return std::nullopt;
  return o;
}

// One socket curl asked us to watch. `fd` is curl's descriptor; `stream`
// owns a dup() of it, so that closing ours never closes a number curl has
// since reused.
struct HttpClient::Watch {
  Watch(asio::io_context& io, curl_socket_t f) : fd(f), stream(io, ::dup(f)) {}
  curl_socket_t fd;
  asio::posix::stream_descriptor stream;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;  // a read wait is pending
  bool writing = false;
};

struct HttpClient::Transfer {
  HttpClient* client = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  FetchRequest request;
  FetchResult result;
  Callback done;
  std::size_t header_bytes = 0;
  struct Hop {
    long status = 0;
    std::string url;  // the URL this response answered
  };
  std::vector<Hop> hops;       // every final (non-1xx) response, in order
  bool body_too_large = false;
  std::vector<std::unique_ptr<Inflater>> decoders;  // one per Content-Encoding layer, outermost first
  bool decoders_ready = false;
  std::string content_encoding;  // of the current response
  std::string decode_error;      // why decoding failed ("" = it did not)
  bool headers_too_large = false;
  bool blocked = false;
  std::string blocked_address;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }

  long current_status() const { return hops.empty() ? 0 : hops.back().status; }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) noexcept {
    auto* t = static_cast<Transfer*>(self);
    std::size_t len = size * n;
    t->header_bytes += len;
    if (t->header_bytes > t->client->limits_.max_header_bytes) {
      t->headers_too_large = true;
      return 0;
    }
    std::string_view line(data, len);
    if (line.starts_with("HTTP/")) {
      // A new response (the first, or the next hop of a redirect).
      auto sp = line.find(' ');
      long status = 0;
      if (sp != std::string_view::npos) {
        for (std::size_t i = sp + 1; i < line.size() && i < sp + 4; ++i) {
          if (line[i] < '0' || line[i] > '9') break;
          status = status * 10 + (line[i] - '0');
        }
      }
      // 1xx responses (100 Continue, 103 Early Hints) precede the real one.
      if (status >= 100 && status < 200) return len;
      char* url = nullptr;
      curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url);
      t->hops.push_back(Hop{status, url ? url : ""});
      FetchResult& r = t->result;
      r.content_type.clear();
      r.etag.clear();
      r.last_modified.clear();
      r.content_location.clear();
      r.content_language.clear();
      r.cache_control.clear();
      r.expires.clear();
      r.retry_after.clear();
      t->content_encoding.clear();
      return len;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return len;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-encoding") {
      // Several header lines combine into one list (RFC 9110 §5.3).
      if (!t->content_encoding.empty()) t->content_encoding += ",";
      t->content_encoding.append(value.substr(0, 4096));
      return len;
    }
    FetchResult& r = t->result;
    struct Field {
      std::string_view name;
      std::string FetchResult::*slot;
    };
    static constexpr Field kFields[] = {
        {"content-type", &FetchResult::content_type},
        {"etag", &FetchResult::etag},
        {"last-modified", &FetchResult::last_modified},
        {"content-location", &FetchResult::content_location},
        {"content-language", &FetchResult::content_language},
        {"cache-control", &FetchResult::cache_control},
        {"expires", &FetchResult::expires},
        {"retry-after", &FetchResult::retry_after},
    };
    for (const auto& f : kFields) {
      if (name == f.name) {
        (r.*f.slot).assign(value.substr(0, 4096));
        break;
      }
    }
    return len;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self) noexcept {
    auto* t = static_cast<Transfer*>(self);
    std::size_t len = size * n;
    long status = t->current_status();
    // Bodies of error responses are not needed; keep reading them (cheaply)
    // so the connection can be reused, but never store them.
    if (status >= 300) return len;
    if (!t->decoders_ready && !t->set_up_decoders()) return 0;
    return t->decode(0, data, len) ? len : 0;
  }

  // The decoders for the response's Content-Encoding list, outermost
  // (last applied) first. False, with decode_error set, for a coding we do
  // not know or more than five layers (CVE-2022-32206).
  bool set_up_decoders() {
    decoders_ready = true;
    std::vector<std::string> codings;
    std::string_view rest = content_encoding;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string coding = lower(trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!coding.empty() && coding != "identity") codings.push_back(std::move(coding));
    }
    if (codings.size() > 5) {
      decode_error = fmt::format("too many content encodings ({})", codings.size());
      return false;
    }
    for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
      if (*it == "gzip" || *it == "x-gzip") {
        decoders.push_back(std::make_unique<Inflater>(false));
      } else if (*it == "deflate") {
        decoders.push_back(std::make_unique<Inflater>(true));
      } else {
        decode_error = fmt::format("unsupported content encoding '{}'", it->substr(0, 40));
        return false;
      }
    }
    return true;
  }

  // Passes `data` through decoder `layer` and the ones after it; the last
  // output is the body, capped after all decoding.
  bool decode(std::size_t layer, const char* data, std::size_t len) {
    if (layer == decoders.size()) {
      if (result.body.size() + len > client->limits_.max_body) {
        body_too_large = true;
        return false;
      }
      result.body.append(data, len);
      return true;
    }
    std::string error = decoders[layer]->feed(
        data, len, [&](const char* out, std::size_t n) { return decode(layer + 1, out, n); });
    if (!error.empty()) {
      if (decode_error.empty() && !body_too_large) decode_error = error;
      return false;
    }
    return true;
  }

  // A compressed body whose stream never ended was cut short.
  bool truncated_encoding() const {
    return std::any_of(decoders.begin(), decoders.end(), [](const auto& d) { return !d->ended(); });
  }

  static curl_socket_t on_open_socket(void* self, curlsocktype, curl_sockaddr* address) noexcept {
    auto* t = static_cast<Transfer*>(self);
    if (is_private_address(&address->addr) && !t->client->allowed(t, &address->addr)) {
      char text[INET6_ADDRSTRLEN] = {};
      if (address->family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
      } else if (address->family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
      }
      t->blocked = true;
      t->blocked_address = text;
      return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }
};

bool HttpClient::allowed(const Transfer* t, const struct sockaddr* addr) const {
  char text[INET6_ADDRSTRLEN] = {};
  unsigned port = 0;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  // The host name of the hop being connected, for origins given by name.
  char* effective = nullptr;
  curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &effective);
  std::optional<Origin> hop = effective ? Origin::parse(effective) : std::nullopt;
  auto matches = [&](const Origin& o) {
    if (o.port != port) return false;
    if (o.host == text) return true;
    return hop && hop->host == o.host && hop->port == o.port && hop->scheme == o.scheme;
  };
  return std::any_of(allow_private_.begin(), allow_private_.end(), matches) ||
         std::any_of(t->request.allow_private.begin(), t->request.allow_private.end(), matches);
}

HttpClient::HttpClient(asio::io_context& io, ClientLimits limits, std::vector<Origin> allow_private)
    : io_(io), limits_(limits), allow_private_(std::move(allow_private)), timer_(io) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, limits_.max_connections);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, limits_.max_host_connections);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, limits_.max_connections);
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
}

HttpClient::~HttpClient() {
  *alive_ = false;
  timer_.cancel();
  for (auto& [easy, t] : transfers_) curl_multi_remove_handle(multi_, easy);
  transfers_.clear();
  for (auto& [fd, w] : watches_) {
    boost::system::error_code ec;
    w->stream.close(ec);
  }
  watches_.clear();
  curl_multi_cleanup(multi_);
}

void HttpClient::fetch(FetchRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->client = this;
  t->request = std::move(request);
  t->done = std::move(done);
  CURL* e = curl_easy_init();
  t->easy = e;
  const FetchRequest& r = t->request;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
  // A server must never redirect us to file:// or anything but the web.
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, limits_.max_redirects);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.total_timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, limits_.low_speed_bytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits_.low_speed_time.count()));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits_.max_body));
  // Content codings are decoded by Transfer::decode, not by curl.
  curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_USERAGENT, r.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Transfer::on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  // Over TLS, prefer waiting for a multiplexed HTTP/2 stream on a connection
  // being set up over opening another connection to the same host: ALPN
  // settles the question during the handshake. Not over plain http, where
  // a connection's protocol is known only from its response headers: a
  // server dripping those would hold every other request to it until they
  // time out unstarted.
  if (r.url.starts_with("https:")) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  t->headers = curl_slist_append(t->headers, ("Accept: " + r.accept).c_str());
  t->headers = curl_slist_append(t->headers, "Accept-Encoding: gzip, deflate");
  if (!r.etag.empty()) t->headers = curl_slist_append(t->headers, ("If-None-Match: " + r.etag).c_str());
  if (!r.last_modified.empty()) {
    t->headers = curl_slist_append(t->headers, ("If-Modified-Since: " + r.last_modified).c_str());
  }
  for (const auto& h : r.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  if (!r.post_body.empty()) {
    // t->request (and so the body) lives as long as the transfer.
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.post_body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.post_body.c_str());
    t->headers = curl_slist_append(t->headers, "Content-Type: application/x-www-form-urlencoded");
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  transfers_.emplace(e, std::move(t));
  if (CURLMcode mc = curl_multi_add_handle(multi_, e); mc != CURLM_OK) {
    finish(e, CURLE_FAILED_INIT);
  }
}

void HttpClient::cancel_all() {
  std::vector<CURL*> all;
  for (auto& [easy, t] : transfers_) all.push_back(easy);
  for (CURL* e : all) finish(e, CURLE_ABORTED_BY_CALLBACK);
}

int HttpClient::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) noexcept {
  auto* c = static_cast<HttpClient*>(self);
  auto it = c->watches_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != c->watches_.end()) {
      boost::system::error_code ec;
      it->second->stream.cancel(ec);
      it->second->stream.close(ec);
      c->watches_.erase(it);
    }
    return 0;
  }
  if (it == c->watches_.end()) {
    it = c->watches_.emplace(fd, std::make_shared<Watch>(c->io_, fd)).first;
  }
  auto watch = it->second;
  watch->want_read = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
  watch->want_write = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
  if (watch->want_read) c->arm(watch, true);
  if (watch->want_write) c->arm(watch, false);
  return 0;
}

// Waits for `fd` to become readable (or writable) and then hands it to curl.
// Asio's reactor is edge-triggered and curl is not: data that arrived before
// the wait would never wake us, so poll() first and dispatch at once if the
// socket is already ready.
void HttpClient::arm(const std::shared_ptr<Watch>& watch, bool read) {
  bool& pending = read ? watch->reading : watch->writing;
  if (pending) return;
  pending = true;
  std::weak_ptr<Watch> weak = watch;
  auto handler = [this, weak, read, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (alive.expired()) return;
    auto w = weak.lock();
    if (!w) return;
    (read ? w->reading : w->writing) = false;
    if (ec) return;
    act(w->fd, read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    // Re-arm only if curl still watches this very socket in this direction.
    auto it = watches_.find(w->fd);
    if (it != watches_.end() && it->second == w && (read ? w->want_read : w->want_write)) {
      arm(w, read);
    }
  };
  pollfd p{watch->fd, static_cast<short>(read ? POLLIN : POLLOUT), 0};
  if (::poll(&p, 1, 0) > 0) {
    asio::post(io_, [handler]() mutable { handler({}); });
  } else {
    watch->stream.async_wait(read ? asio::posix::stream_descriptor::wait_read
                                  : asio::posix::stream_descriptor::wait_write,
                             std::move(handler));
  }
}

int HttpClient::on_timer(CURLM*, long timeout_ms, void* self) noexcept {
  auto* c = static_cast<HttpClient*>(self);
  if (timeout_ms < 0) {
    c->timer_.cancel();
    return 0;
  }
  c->timer_.expires_after(std::chrono::milliseconds(std::max(timeout_ms, 1L)));
  c->timer_.async_wait([c, alive = std::weak_ptr<bool>(c->alive_)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    c->act(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void HttpClient::act(curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);
  drain_later();
}

void HttpClient::drain_later() {
  if (drain_posted_) return;
  drain_posted_ = true;
  asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    drain_posted_ = false;
    drain();
  });
}

void HttpClient::drain() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
  }
}

void HttpClient::finish(CURL* easy, CURLcode code) {
  auto it = transfers_.find(easy);
  if (it == transfers_.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  transfers_.erase(it);
  curl_multi_remove_handle(multi_, easy);

  FetchResult& r = t->result;
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t->started);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.http_status);
  char* effective = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    r.effective_url = effective;
  }
  curl_off_t wire = 0;
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  r.wire_bytes = static_cast<std::uint64_t>(wire);

  // The leading 301/308 hops of a chain move the feed for good (RFC 9110
  // §15.4.2, §15.4.9): its new URL is the one the last of them pointed to.
  // A 302/303/307 anywhere after that is temporary and keeps its source.
  std::size_t permanent = 0;
  while (permanent + 1 < t->hops.size() &&
         (t->hops[permanent].status == 301 || t->hops[permanent].status == 308)) {
    ++permanent;
  }
  if (permanent > 0 && code == CURLE_OK) r.permanent_url = t->hops[permanent].url;
  r.redirects = t->hops.empty() ? 0 : static_cast<int>(t->hops.size() - 1);

  auto failed = [&](Errc errc, std::string message) {
    r.status = FetchStatus::failed;
    r.body.clear();
    r.error = Error{errc, std::move(message)};
  };
  std::string detail = t->error_buffer[0] ? t->error_buffer : curl_easy_strerror(code);
  if (t->blocked) {
    failed(Errc::network, fmt::format("blocked private address {}", t->blocked_address));
  } else if (!t->decode_error.empty()) {
    failed(Errc::network, "content decoding failed: " + t->decode_error);
  } else if (code == CURLE_OK) {
    if (r.http_status >= 200 && r.http_status < 300 && t->truncated_encoding()) {
      failed(Errc::network, "truncated transfer: the compressed body ends before its stream does");
    } else if (r.http_status == 304) {
      r.status = FetchStatus::not_modified;
      r.body.clear();  // RFC 9110 §15.4.5: a 304 has no content, whatever it sends
    } else if (r.http_status == 0 || (r.http_status >= 200 && r.http_status < 300)) {
      r.status = FetchStatus::ok;
    } else if (r.http_status >= 300 && r.http_status < 400) {
      failed(Errc::http_status, fmt::format("http: {} redirect without a Location", r.http_status));
    } else {
      failed(Errc::http_status, fmt::format("http: status {}", r.http_status));
    }
  } else if (t->body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    failed(Errc::network, fmt::format("body too large (over {} MiB after decoding)", limits_.max_body >> 20));
  } else if (t->headers_too_large) {
    failed(Errc::network, fmt::format("response headers too large (over {} KiB)",
                                      limits_.max_header_bytes >> 10));
  } else {
    failed(code == CURLE_OPERATION_TIMEDOUT ? Errc::timeout : Errc::network,
           failure_message(code, detail, limits_));
  }
  Callback done = std::move(t->done);
  FetchResult result = std::move(r);
  t.reset();
  if (done) done(std::move(result));
}

}  // namespace tributary::daemon
