#include "daemon/article_store.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "feeds/html/metadata.h"
#include "feeds/html/sanitize.h"
#include "feeds/json_dump.h"

namespace tributary::daemon {
namespace {

namespace json = boost::json;

// The feed's own text for an entry (content, else summary), in characters
// of plain text: extraction that yields much less than this found the wrong
// block.
std::size_t feed_text_chars(const feeds::Entry& e) {
  const std::optional<feeds::Text>& t = e.content && !e.content->value.empty() ? e.content : e.summary;
  if (!t) return 0;
  return t->is_html() ? feeds::html::html_to_text(t->value).size() : t->value.size();
}

// Reads ArticleJobs from rows of (item id, entry_json, feed id, attempts).
Result<std::vector<ArticleJob>> read_jobs(sqlite::Statement& s) {
  std::vector<ArticleJob> out;
  for (;;) {
    auto row = s.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    boost::system::error_code ec;
    json::value v = json::parse(s.column_text(1), ec);
    if (ec || !v.is_object()) continue;  // a damaged row is never fetched
    feeds::Entry entry = feeds::entry_from_json(v.get_object());
    if (entry.link.empty()) continue;
    ArticleJob job;
    job.item_id = s.column_int(0);
    job.url = entry.link;
    job.feed_id = s.column_int(2);
    job.feed_text_chars = feed_text_chars(entry);
    job.attempts = static_cast<int>(s.column_int(3));
    out.push_back(std::move(job));
  }
  return out;
}

}  // namespace

Result<std::vector<ArticleJob>> pending_articles(sqlite::Database& db, std::int64_t feed_id, std::int64_t since,
                                                 std::int64_t now, int limit) {
  auto s = db.prepare(
      "SELECT i.id, i.entry_json, s.feed_id, coalesce(a.attempts, 0) FROM item_sources s "
      "JOIN items i ON i.id = s.item_id LEFT JOIN articles a ON a.item_id = i.id "
      "WHERE s.feed_id = ?1 AND coalesce(i.published, i.first_seen) >= ?2 "
      "AND json_extract(i.entry_json, '$.link') LIKE 'http%' "
      "AND (a.item_id IS NULL OR (a.status = 'failed' AND a.retry_at IS NOT NULL AND a.retry_at <= ?3)) "
      "ORDER BY coalesce(i.published, i.first_seen) DESC, i.id DESC LIMIT ?4");
  if (!s) return tl::unexpected(s.error());
  s->bind(1, feed_id).bind(2, since).bind(3, now).bind(4, std::int64_t{limit});
  return read_jobs(*s);
}

Result<std::vector<ArticleJob>> refetch_candidates(sqlite::Database& db, const std::vector<std::int64_t>& feed_ids,
                                                   std::int64_t since) {
  std::string filter;
  if (!feed_ids.empty()) {
    filter = "AND s.feed_id IN (";
    for (std::size_t i = 0; i < feed_ids.size(); ++i) filter += fmt::format("{}{}", i ? "," : "", feed_ids[i]);
    filter += ")";
  }
  // One row per item: the first feed (of those asked for) that gave it.
  auto s = db.prepare(fmt::format(
      "SELECT i.id, i.entry_json, min(s.feed_id), coalesce(max(a.attempts), 0) FROM items i "
      "JOIN item_sources s ON s.item_id = i.id LEFT JOIN articles a ON a.item_id = i.id "
      "WHERE coalesce(i.published, i.first_seen) >= ?1 {} "
      "AND json_extract(i.entry_json, '$.link') LIKE 'http%' "
      "GROUP BY i.id ORDER BY coalesce(i.published, i.first_seen) DESC, i.id DESC",
      filter));
  if (!s) return tl::unexpected(s.error());
  s->bind(1, since);
  return read_jobs(*s);
}

Result<bool> save_article(sqlite::Database& db, const ArticleRecord& r, std::int64_t now, bool keep_success) {
  auto s = db.prepare(
      "INSERT INTO articles (item_id, url, status, reason, detail, attempts, fetched_at, retry_at, title, "
      "byline, published, lead_image, html, text) "
      "SELECT ?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 WHERE EXISTS "
      "(SELECT 1 FROM items WHERE id = ?1) "
      "ON CONFLICT (item_id) DO UPDATE SET url = excluded.url, status = excluded.status, "
      "reason = excluded.reason, detail = excluded.detail, attempts = articles.attempts + 1, "
      "fetched_at = excluded.fetched_at, retry_at = excluded.retry_at, title = excluded.title, "
      "byline = excluded.byline, published = excluded.published, lead_image = excluded.lead_image, "
      "html = excluded.html, text = excluded.text "
      "WHERE NOT (?14 AND articles.status = 'ok' AND excluded.status != 'ok')");
  if (!s) return tl::unexpected(s.error());
  s->bind(1, r.item_id)
      .bind(2, r.url)
      .bind(3, std::string_view(r.ok ? "ok" : "failed"))
      .bind(4, r.reason)
      .bind(5, r.detail)
      .bind(6, now)
      .bind(7, r.retry_at)
      .bind(8, r.title)
      .bind(9, r.byline)
      .bind(10, r.published)
      .bind(11, r.lead_image)
      .bind(12, r.html)
      .bind(13, r.text)
      .bind(14, std::int64_t{keep_success ? 1 : 0});
  if (auto run = s->run(); !run) return tl::unexpected(run.error());
  return db.changes() > 0;
}

Result<std::optional<ArticleRecord>> stored_article(sqlite::Database& db, std::int64_t item_id) {
  auto s = db.prepare(
      "SELECT url, status, reason, detail, retry_at, title, byline, published, lead_image, html, text "
      "FROM articles WHERE item_id = ?1");
  if (!s) return tl::unexpected(s.error());
  s->bind(1, item_id);
  auto row = s->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<ArticleRecord>{};
  ArticleRecord r;
  r.item_id = item_id;
  r.url = s->column_text(0);
  r.ok = s->column_text(1) == "ok";
  r.reason = s->column_text(2);
  r.detail = s->column_text(3);
  r.retry_at = s->column_opt_int(4);
  r.title = s->column_text(5);
  r.byline = s->column_text(6);
  r.published = s->column_opt_int(7);
  r.lead_image = s->column_text(8);
  r.html = s->column_text(9);
  r.text = s->column_text(10);
  return std::optional<ArticleRecord>(std::move(r));
}

Result<std::map<std::string, std::int64_t>> article_counts(sqlite::Database& db) {
  auto s = db.prepare(
      "SELECT CASE WHEN status = 'ok' THEN 'ok' ELSE 'failed:' || reason END, count(*) FROM articles "
      "GROUP BY 1");
  if (!s) return tl::unexpected(s.error());
  std::map<std::string, std::int64_t> out;
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out[s->column_text(0)] = s->column_int(1);
  }
  return out;
}

Result<std::map<std::int64_t, std::map<std::string, std::int64_t>>> article_counts_by_feed(sqlite::Database& db) {
  auto s = db.prepare(
      "SELECT s.feed_id, CASE WHEN a.status = 'ok' THEN 'ok' ELSE 'failed:' || a.reason END, count(*) "
      "FROM articles a JOIN item_sources s ON s.item_id = a.item_id GROUP BY 1, 2");
  if (!s) return tl::unexpected(s.error());
  std::map<std::int64_t, std::map<std::string, std::int64_t>> out;
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out[s->column_int(0)][s->column_text(1)] = s->column_int(2);
  }
  return out;
}

Result<void> apply_articles(sqlite::Database& db, const std::map<std::int64_t, std::size_t>& index,
                            std::vector<feeds::OutputEntry>& entries) {
  if (index.empty()) return {};
  auto s = db.prepare(
      "SELECT html, lead_image, byline, published FROM articles WHERE item_id = ?1 AND status = 'ok'");
  if (!s) return tl::unexpected(s.error());
  for (const auto& [item_id, pos] : index) {
    s->bind(1, item_id);
    auto row = s->step();
    if (!row) {
      s->reset();
      return tl::unexpected(row.error());
    }
    if (*row && pos < entries.size()) {
      feeds::Entry& e = entries[pos].entry;
      if ((!e.summary || e.summary->value.empty()) && e.content) e.summary = std::move(e.content);
      // Invariant: the article HTML was sanitized by feeds::html::extract
      // before it was stored (the publisher sanitizes again on output).
      e.content = feeds::Text{s->column_text(0), feeds::kTextHtml};
      if (std::string image = s->column_text(1); !image.empty() && !e.image) {
        e.image = feeds::Image{std::move(image), {}, {}, {}, {}};
      }
      if (std::string byline = s->column_text(2); !byline.empty() && e.authors.empty()) {
        e.authors.push_back(feeds::Person{feeds::html::byline_author(byline), {}, {}});
      }
      // The page's date for an item its feed gave none, unless it is later
      // than when the item was seen (a page's clock or markup is wrong).
      if (auto seconds = s->column_opt_int(3); seconds && !e.published) {
        feeds::Time published{std::chrono::seconds{*seconds}};
        if (!e.updated || published <= *e.updated) e.published = published;
      }
    }
    s->reset();
  }
  return {};
}

}  // namespace tributary::daemon
