#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include "config/config.h"
#include "daemon/article_store.h"
#include "daemon/articles.h"
#include "daemon/http_client.h"
#include "daemon/politeness.h"
#include "daemon/site_rule_library.h"
#include "daemon/sqlite.h"

namespace tributary::daemon {

// How article fetches take their turn with feed polls: the per-domain
// politeness queue. `start(url, job)` runs `job` (on the io thread) when a
// request to `url` may begin; the fetcher calls `finish(url)` exactly once
// per started job, when its transfer is over.
struct FetchGate {
  std::function<void(const std::string& url, std::function<void()> job)> start;
  std::function<void(const std::string& url)> finish;
};

// The per-domain politeness queue shared with feed polls as a gate: jobs are
// grouped by domain_key(url) (politeness.h), "(local)" when it has none.
FetchGate politeness_gate(FetchQueue& queue);

// A gate that starts every job at once (no politeness beyond the fetcher's
// own concurrency limit): for tests and tools without a queue.
FetchGate immediate_gate();

struct ArticleFetcherSettings {
  ArticlePolicy policy;
  std::string user_agent;
  std::vector<Origin> allow_private;  // for article_request's IP-literal check
  int workers = 2;      // extractions running at once on the CPU executor
  int max_active = 8;   // jobs between the start of their fetch and their row being stored
  bool keep_success = false;  // a failure never replaces a stored article (refetch)
  std::map<std::int64_t, std::string> feed_rules;        // feed id -> its own site rule file
  std::map<std::int64_t, std::string> feed_user_agents;  // feed id -> its own User-Agent
};

// The settings of full-text extraction for `config`: [full_text] workers,
// the daemon's user agent (`default_user_agent` when the config names none),
// its allow_private origins, and the `site_rule` and `user_agent` of each
// configured feed
// (by store id, from `feed_ids`: configured URL -> id).
ArticleFetcherSettings article_settings(const config::Config& config,
                                        const std::map<std::string, std::int64_t>& feed_ids,
                                        const std::string& default_user_agent);

// The oldest publication time (Unix seconds) whose items still get their
// article fetched at `now`: now - [full_text] max_age (max_age 0 = any age).
std::int64_t full_text_since(const config::FullTextConfig& full_text, std::int64_t now);

// Counts since construction; io thread.
struct ArticleStats {
  int fetched = 0;   // stored as ok
  int failed = 0;    // stored as failed
  int dropped = 0;   // ended without a row (stopping, store errors)
};

// Fetches article pages and stores their extracted articles: the full-text
// stage of the daemon (and of `tributary refetch`).
//
// Threads: every public member is called on the io thread, where the
// HttpClient runs. Extraction runs on `cpu` (at most `workers` at once);
// store reads and writes run on `store` (the one store writer, a strand),
// which alone touches `db`. Work is bounded: at most `max_active` jobs are
// between fetch and store (bodies in memory at once), the rest wait in a
// queue of ids and URLs; an item is queued at most once at a time.
//
// The owner keeps `cpu` and `store` running until their work is done (joins
// the pool) before destroying the fetcher: posted work refers to it.
//
// Nothing is lost on stop or crash: a job that ends without a stored row
// leaves its item pending in the store (article_store.h), found again by
// the next `enqueue_pending`.
class ArticleFetcher {
 public:
  ArticleFetcher(boost::asio::io_context& io, HttpClient& client, FetchGate gate, boost::asio::any_io_executor cpu,
                 boost::asio::any_io_executor store, sqlite::Database& db, SiteRuleLibrary& rules,
                 ArticleFetcherSettings settings);
  ArticleFetcher(const ArticleFetcher&) = delete;
  ArticleFetcher& operator=(const ArticleFetcher&) = delete;

  // Looks up (on the store executor) the pending items of `feed_id`
  // published since `since`, at most `limit`, and queues them.
  void enqueue_pending(std::int64_t feed_id, std::int64_t since, int limit);

  // Queues jobs directly (refetch).
  void enqueue(std::vector<ArticleJob> jobs);

  // Runs `done` on the io thread once nothing is queued, being looked up or
  // in flight (at once when idle now).
  void when_idle(std::function<void()> done);

  // Runs after each stored row, on the io thread.
  void on_stored(std::function<void(const ArticleJob&, const ArticleRecord&)> callback) {
    on_stored_ = std::move(callback);
  }

  // Stops starting jobs and storing results; queued jobs are dropped.
  void stop();

  bool idle() const { return queue_.empty() && active_ == 0 && lookups_ == 0; }
  const ArticleStats& stats() const { return stats_; }

  // Current wall time in Unix seconds; replaceable for tests.
  std::function<std::int64_t()> clock;

 private:
  struct Fetched {
    ArticleJob job;
    FetchResult result;
  };

  void pump();
  void start(ArticleJob job);
  void fetched(ArticleJob job, FetchResult result);
  void extract_more();
  void store(ArticleJob job, ArticleRecord record);
  void ended(const ArticleJob& job);
  void check_idle();

  boost::asio::io_context& io_;
  HttpClient& client_;
  FetchGate gate_;
  boost::asio::any_io_executor cpu_;
  boost::asio::any_io_executor store_;
  sqlite::Database& db_;
  SiteRuleLibrary& rules_;
  ArticleFetcherSettings settings_;

  std::deque<ArticleJob> queue_;   // not started
  std::set<std::int64_t> known_;   // item ids queued or active
  std::deque<Fetched> ready_;      // fetched, waiting for a worker
  int active_ = 0;                 // started, not yet ended
  int extracting_ = 0;
  int lookups_ = 0;                // enqueue_pending calls in progress
  bool stopping_ = false;
  std::vector<std::function<void()>> idle_waiters_;
  std::function<void(const ArticleJob&, const ArticleRecord&)> on_stored_;
  ArticleStats stats_;
};

}  // namespace tributary::daemon
