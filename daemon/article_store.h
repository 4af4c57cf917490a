#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/sqlite.h"
#include "feeds/result.h"
#include "feeds/writer.h"

// Full text in the store: what happened when an item's page was fetched and
// its article extracted. The table is created by the store's migrations
// (daemon/store.cpp):
//
//   articles(item_id PRIMARY KEY -> items(id) ON DELETE CASCADE,
//            url, status, reason, detail, attempts, fetched_at, retry_at,
//            title, byline, published, lead_image, html, text)
//
//   status is 'ok' (html/text hold the sanitized article, title/byline/
//   published/lead_image the page's metadata) or 'failed' (reason is one of
//   the keywords of ArticleReason, detail the cause in words). url is the
//   page the article came from, after redirects. retry_at (Unix seconds) is
//   set on transient failures (timeouts, network errors, 5xx, 429): from
//   then on the item is pending again; NULL means final.
//
// An item is *pending* while it has no row (or a failed row whose retry_at
// has come): that is the queue of article fetches, so a restart resumes
// where the last run stopped.
namespace tributary::daemon {

// Why an article could not be used (the `reason` column).
namespace article_reason {
inline constexpr const char* kBadUrl = "bad_url";          // not an absolute http(s) URL
inline constexpr const char* kBlocked = "blocked";         // loopback/private/reserved address
inline constexpr const char* kHttpStatus = "http_status";  // 4xx/5xx
inline constexpr const char* kTimeout = "timeout";
inline constexpr const char* kTooLarge = "too_large";      // page over the size limit
inline constexpr const char* kNotHtml = "not_html";        // content type is not an HTML page
inline constexpr const char* kNoArticle = "no_article";    // extraction found no article text
inline constexpr const char* kTooShort = "too_short";      // shorter than the limit or than the feed's own text
inline constexpr const char* kWall = "wall";               // a paywall, sign-in, consent or bot-check page
inline constexpr const char* kNetwork = "network";         // DNS, connection, TLS, redirects, ...
}  // namespace article_reason

// One page to fetch for an item.
struct ArticleJob {
  std::int64_t item_id = 0;
  std::string url;                  // the item's link
  std::int64_t feed_id = 0;         // the feed it was queued for (its site rule applies)
  std::size_t feed_text_chars = 0;  // length of the feed's own text for the item
  int attempts = 0;                 // earlier attempts (failed rows being retried)
  // Set when the item's page named its whole article on one page (a site
  // rule's single_page_link): that page is fetched and extracted instead.
  std::string single_page_url;
};

// The outcome of one job, as stored.
struct ArticleRecord {
  std::int64_t item_id = 0;
  std::string url;
  bool ok = false;
  std::string reason;  // "" when ok; else an article_reason keyword
  std::string detail;  // the cause in words ("http: status 404")
  std::optional<std::int64_t> retry_at;
  std::string title;
  std::string byline;
  std::optional<std::int64_t> published;
  std::string lead_image;
  std::string html;
  std::string text;
};

// Items of `feed_id` still waiting for their article, newest first (by
// publication time, else first-seen time): those published (or first seen)
// at or after `since`, with an http(s) link, and no article row or a failed
// one due for retry at `now`. At most `limit`.
Result<std::vector<ArticleJob>> pending_articles(sqlite::Database& db, std::int64_t feed_id, std::int64_t since,
                                                 std::int64_t now, int limit);

// Items to fetch again for `tributary refetch`: those of `feed_ids` (every
// feed when empty) published (else first seen) at or after `since`, with a
// link, whatever their article state. Newest first.
Result<std::vector<ArticleJob>> refetch_candidates(sqlite::Database& db, const std::vector<std::int64_t>& feed_ids,
                                                   std::int64_t since);

// Stores the outcome of a job (replacing the row; attempts counts up). With
// `keep_success`, a failure does not replace an earlier successful article
// (refetch keeps the article it had when the page has since gone). Returns
// false when the row was kept. An item deleted meanwhile is skipped.
Result<bool> save_article(sqlite::Database& db, const ArticleRecord& record, std::int64_t now,
                          bool keep_success = false);

// The stored row of an item, if any.
Result<std::optional<ArticleRecord>> stored_article(sqlite::Database& db, std::int64_t item_id);

// Counts of rows by status and reason: {"ok": n, "failed:timeout": m, ...}.
Result<std::map<std::string, std::int64_t>> article_counts(sqlite::Database& db);

// The same counts for each feed, by feed id: an item counts for every feed
// that carried it.
Result<std::map<std::int64_t, std::map<std::string, std::int64_t>>> article_counts_by_feed(sqlite::Database& db);

// Output entries with their article: for each item of `index` (item id ->
// position in `entries`) that has a successful article, the article HTML
// becomes the entry's content, and the feed's own summary stays its summary
// (the feed's content becomes the summary when the feed gave none); the
// lead image and byline fill the entry's image and author when the feed gave
// none, and so does the page's date (when not after the entry's updated
// time). Store::newest calls this.
Result<void> apply_articles(sqlite::Database& db, const std::map<std::int64_t, std::size_t>& index,
                            std::vector<feeds::OutputEntry>& entries);

}  // namespace tributary::daemon
