#include "daemon/articles.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "feeds/html/boilerplate.h"
#include "feeds/html/decode_page.h"
#include "feeds/html/extract.h"

namespace tributary::daemon {
namespace {

namespace reason = article_reason;

Error refusal(const char* why, std::string detail) {
  return Error{Errc::invalid_input, fmt::format("{}: {}", why, detail)};
}

// The address of a host written as an IP literal, in any spelling the C
// library (and so curl) accepts; false for names.
bool literal_address(const std::string& host, sockaddr_storage& out, unsigned port) {
  std::memset(&out, 0, sizeof out);
  in_addr v4{};
  if (::inet_aton(host.c_str(), &v4) != 0) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_addr = v4;
    sin->sin_port = htons(static_cast<std::uint16_t>(port));
    return true;
  }
  in6_addr v6{};
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  if (auto pct = bare.find('%'); pct != std::string::npos) bare.resize(pct);  // zone id
  if (::inet_pton(AF_INET6, bare.c_str(), &v6) == 1) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = v6;
    sin6->sin6_port = htons(static_cast<std::uint16_t>(port));
    return true;
  }
  return false;
}

std::string address_text(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a)->sin_addr, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr, text, sizeof text);
  }
  return text;
}

ArticleRecord failure(const ArticleJob& job, std::string url, const char* why, std::string detail) {
  ArticleRecord r;
  r.item_id = job.item_id;
  r.url = url.empty() ? job.url : std::move(url);
  r.ok = false;
  r.reason = why;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

Result<FetchRequest> article_request(std::string_view url, std::string user_agent,
                                     const std::vector<Origin>& allow_private) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return tl::unexpected(refusal(reason::kBadUrl, fmt::format("not a URL: {}", url)));
  std::string scheme(parsed->scheme());
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  if (scheme != "http" && scheme != "https") {
    return tl::unexpected(refusal(reason::kBadUrl, fmt::format("not an http(s) URL: {}", url)));
  }
  if (!parsed->has_authority() || parsed->encoded_host().empty()) {
    return tl::unexpected(refusal(reason::kBadUrl, fmt::format("no host: {}", url)));
  }
  if (parsed->has_userinfo()) {
    // Credentials in an untrusted link would be sent to whoever it names.
    return tl::unexpected(refusal(reason::kBadUrl, fmt::format("credentials in URL: {}", url)));
  }
  unsigned port = parsed->has_port() ? static_cast<unsigned>(parsed->port_number())
                                     : (scheme == "https" ? 443u : 80u);
  sockaddr_storage addr{};
  if (literal_address(std::string(parsed->encoded_host()), addr, port) &&
      is_private_address(reinterpret_cast<const sockaddr*>(&addr))) {
    std::string text = address_text(addr);
    bool allowed = std::any_of(allow_private.begin(), allow_private.end(),
                               [&](const Origin& o) { return o.host == text && o.port == port; });
    if (!allowed) {
      return tl::unexpected(refusal(reason::kBlocked, fmt::format("blocked private address {}", text)));
    }
  }
  FetchRequest req;
  req.url = std::string(url);
  req.user_agent = std::move(user_agent);
  req.accept = kArticleAccept;
  // Invariant: no per-request private origins. An article link may name the
  // feed's own (allowed) origin, but that allowance is for the feed only.
  req.allow_private.clear();
  return req;
}

FailureClass classify_failure(const FetchResult& f) {
  const std::string& m = f.error.message;
  if (m.starts_with("blocked private address")) return {reason::kBlocked, false};
  if (f.error.code == Errc::timeout) return {reason::kTimeout, true};
  if (f.error.code == Errc::http_status) {
    long s = f.http_status;
    return {reason::kHttpStatus, s == 408 || s == 429 || s >= 500};
  }
  if (m.starts_with("body too large")) return {reason::kTooLarge, false};
  if (m.starts_with("too many redirects") || m.starts_with("redirect to a forbidden scheme") ||
      m.starts_with("bad URL")) {
    return {reason::kNetwork, false};
  }
  return {reason::kNetwork, true};
}

ArticleRecord refused_article(const ArticleJob& job, const Error& error) {
  // article_request's messages read "REASON: detail".
  std::string_view m = error.message;
  const char* why = m.starts_with(std::string(reason::kBlocked) + ": ") ? reason::kBlocked : reason::kBadUrl;
  if (auto colon = m.find(": "); colon != std::string_view::npos) m.remove_prefix(colon + 2);
  return failure(job, {}, why, std::string(m));
}

std::string single_page_link(const ArticleJob& job, const FetchResult& fetched, const feeds::html::SiteRules* rules) {
  if (!rules || rules->single_page_link.empty() || !job.single_page_url.empty() ||
      fetched.status != FetchStatus::ok || !feeds::html::is_html_response(fetched.content_type, fetched.body)) {
    return {};
  }
  std::string url = fetched.effective_url.empty() ? job.url : fetched.effective_url;
  return feeds::html::single_page_url(feeds::html::decode_page(fetched.body, fetched.content_type).text, url, *rules);
}

ArticleRecord process_article(const ArticleJob& job, FetchResult fetched, const ArticlePolicy& policy,
                              const feeds::html::SiteRules* rules, std::int64_t now) {
  std::string url = !fetched.effective_url.empty() ? fetched.effective_url
                    : !job.single_page_url.empty() ? job.single_page_url
                                                   : job.url;
  if (fetched.status != FetchStatus::ok) {
    FetchStatus status = fetched.status;
    if (status == FetchStatus::not_modified) {
      // No validators are sent for articles; a 304 anyway is a broken server.
      return failure(job, url, reason::kHttpStatus, "http: unexpected 304");
    }
    FailureClass c = classify_failure(fetched);
    ArticleRecord r = failure(job, url, c.reason, fetched.error.message);
    int attempt = job.attempts + 1;
    if (c.transient && attempt < policy.max_attempts) {
      r.retry_at = now + policy.retry_delay.count() * attempt;
    }
    return r;
  }
  if (fetched.body.size() > policy.max_bytes) {
    return failure(job, url, reason::kTooLarge,
                   fmt::format("page of {} bytes is over the {} MiB limit", fetched.body.size(),
                               policy.max_bytes >> 20));
  }
  if (!feeds::html::is_html_response(fetched.content_type, fetched.body)) {
    return failure(job, url, reason::kNotHtml,
                   fmt::format("content type '{}' is not an HTML page",
                               fetched.content_type.empty() ? "(none)" : fetched.content_type));
  }
  feeds::html::DecodedPage page = feeds::html::decode_page(fetched.body, fetched.content_type);
  std::string().swap(fetched.body);  // free the raw bytes before extracting
  auto article = feeds::html::extract(page.text, url, rules);
  if (!article) return failure(job, url, reason::kNoArticle, article.error().message);
  if (std::string_view phrase = feeds::html::wall_phrase(article->text); !phrase.empty()) {
    return failure(job, url, reason::kWall, fmt::format("the page is a wall, not the article ('{}')", phrase));
  }
  std::size_t chars = article->text.size();
  if (chars < policy.min_text_chars) {
    return failure(job, url, reason::kTooShort,
                   fmt::format("article text of {} bytes is under {}", chars, policy.min_text_chars));
  }
  if (static_cast<double>(chars) < policy.min_share_of_feed_text * static_cast<double>(job.feed_text_chars)) {
    return failure(job, url, reason::kTooShort,
                   fmt::format("article text of {} bytes is much shorter than the feed's own {}", chars,
                               job.feed_text_chars));
  }
  ArticleRecord r;
  r.item_id = job.item_id;
  r.url = std::move(url);
  r.ok = true;
  r.title = std::move(article->title);
  r.byline = std::move(article->byline);
  if (article->published) r.published = article->published->time_since_epoch().count();
  r.lead_image = std::move(article->lead_image);
  r.html = std::move(article->html);
  r.text = std::move(article->text);
  return r;
}

}  // namespace tributary::daemon
