#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/article_store.h"
#include "daemon/http_client.h"
#include "feeds/html/site_rules.h"
#include "feeds/result.h"

// The stages of one article fetch, each a function the ArticleFetcher calls
// in turn:
//
//   article_request  (io thread)    ArticleJob -> FetchRequest, or a refusal
//   process_article  (thread pool)  FetchResult -> ArticleRecord: classify,
//                                   check type and size, decode, extract
//   save_article     (store strand) ArticleRecord -> articles row
//
// Only save_article (article_store.h) has effects.
namespace tributary::daemon {

// Limits and thresholds of full-text extraction.
struct ArticlePolicy {
  std::size_t max_bytes = 5u << 20;       // page size limit (after decompression)
  std::size_t min_text_chars = 150;       // shorter articles are "too_short"
  // An article with less than this share of the feed's own text for the
  // item lost part of it or found the wrong block ("too_short"): a feed that
  // carries the whole text is better. Above it the page wins (a feed's full
  // text often carries furniture: related posts, share links, "The post ...
  // appeared first on ...").
  double min_share_of_feed_text = 0.8;
  std::chrono::seconds retry_delay{6 * 3600};  // after a transient failure, times the attempt
  int max_attempts = 3;                   // transient failures retried until this many attempts
};

// The Accept header of article requests.
inline constexpr const char* kArticleAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

// The request for an article page. Article URLs come from feeds, which are
// untrusted: the request carries no origins of its own (private addresses
// are reachable only for the client-wide `allow_private` origins, checked on
// every connection by HttpClient). Refused here, before any fetch:
//  - anything but an absolute http(s) URL with a host (reason bad_url);
//  - a host that is an IP literal in any spelling inet_aton(3) or
//    inet_pton(3) accepts (2130706433, 0x7f000001, 127.1, 0177.0.0.1,
//    [::ffff:127.0.0.1], ...) in a loopback/private/reserved range, unless
//    its address and port are those of an origin in `allow_private`
//    (reason blocked). Names are checked by HttpClient after DNS.
// The error's message is "REASON: detail".
Result<FetchRequest> article_request(std::string_view url, std::string user_agent,
                                     const std::vector<Origin>& allow_private);

// The reason keyword (article_reason::k*) for a failed transfer, and
// whether trying again later may help (timeouts, network errors, 408, 429,
// 5xx).
struct FailureClass {
  const char* reason;
  bool transient;
};
FailureClass classify_failure(const FetchResult& fetched);

// Turns a finished fetch of `job`'s page into what the store records:
// transfer failures classified; a body over `policy.max_bytes` is
// too_large; a response that is not an HTML page (feeds::html::
// is_html_response) is not_html; otherwise the page is decoded to UTF-8
// (feeds::html::decode_page) and extracted with `rules` (may be null),
// failing as no_article, wall (feeds::html::wall_phrase: a paywall or
// consent page) or too_short. Transient failures get a retry time
// (now + retry_delay * attempt) until policy.max_attempts. The article HTML
// is sanitized (extract() does it last). Never throws.
ArticleRecord process_article(const ArticleJob& job, FetchResult fetched, const ArticlePolicy& policy,
                              const feeds::html::SiteRules* rules, std::int64_t now);

// The address of the whole article on one page when `rules` have a
// single_page_link that matches the fetched page (feeds::html::
// single_page_url); "" when the fetch failed, is not an HTML page, or is
// already that page (job.single_page_url is set).
std::string single_page_link(const ArticleJob& job, const FetchResult& fetched, const feeds::html::SiteRules* rules);

// A record for a job refused before fetching (article_request's error).
ArticleRecord refused_article(const ArticleJob& job, const Error& error);

}  // namespace tributary::daemon
