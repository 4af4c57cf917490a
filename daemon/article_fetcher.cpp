#include "daemon/article_fetcher.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <boost/asio/post.hpp>

#include "daemon/log.h"

namespace tributary::daemon {

namespace asio = boost::asio;

FetchGate politeness_gate(FetchQueue& queue) {
  auto key = [](const std::string& url) {
    std::string k = domain_key(url);
    return k.empty() ? std::string("(local)") : k;
  };
  return FetchGate{[&queue, key](const std::string& url, std::function<void()> job) { queue.push(key(url), std::move(job)); },
                   [&queue, key](const std::string& url) { queue.done(key(url)); }};
}

FetchGate immediate_gate() {
  return FetchGate{[](const std::string&, std::function<void()> job) { job(); }, [](const std::string&) {}};
}

ArticleFetcherSettings article_settings(const config::Config& config,
                                        const std::map<std::string, std::int64_t>& feed_ids,
                                        const std::string& default_user_agent) {
  ArticleFetcherSettings s;
  s.user_agent = config.daemon.user_agent.empty() ? default_user_agent : config.daemon.user_agent;
  for (const auto& o : config.daemon.allow_private) {
    if (auto origin = Origin::parse(o)) s.allow_private.push_back(*origin);
  }
  s.workers = std::max(1, config.full_text.workers);
  // Enough fetches in flight to keep the workers busy while others wait on
  // slow servers; each holds at most one page body.
  s.max_active = std::max(8, 2 * s.workers);
  for (const auto& f : config.feeds) {
    auto id = feed_ids.find(f.url);
    if (id == feed_ids.end()) continue;
    if (!f.site_rule.empty()) s.feed_rules[id->second] = f.site_rule;
    if (!f.user_agent.empty()) s.feed_user_agents[id->second] = f.user_agent;
  }
  return s;
}

std::int64_t full_text_since(const config::FullTextConfig& full_text, std::int64_t now) {
  if (full_text.max_age.count() <= 0) return std::numeric_limits<std::int64_t>::min();
  return now - full_text.max_age.count();
}

ArticleFetcher::ArticleFetcher(asio::io_context& io, HttpClient& client, FetchGate gate, asio::any_io_executor cpu,
                               asio::any_io_executor store, sqlite::Database& db, SiteRuleLibrary& rules,
                               ArticleFetcherSettings settings)
    : clock([] {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
      }),
      io_(io),
      client_(client),
      gate_(std::move(gate)),
      cpu_(std::move(cpu)),
      store_(std::move(store)),
      db_(db),
      rules_(rules),
      settings_(std::move(settings)) {
  if (settings_.workers < 1) settings_.workers = 1;
  if (settings_.max_active < settings_.workers) settings_.max_active = settings_.workers;
}

void ArticleFetcher::enqueue_pending(std::int64_t feed_id, std::int64_t since, int limit) {
  if (stopping_ || limit <= 0) return;
  ++lookups_;
  std::int64_t now = clock();
  asio::post(store_, [this, feed_id, since, now, limit] {
    auto jobs = pending_articles(db_, feed_id, since, now, limit);
    asio::post(io_, [this, feed_id, jobs = std::move(jobs)]() mutable {
      --lookups_;
      if (!jobs) {
        log::error("articles: feed {}: {}", feed_id, jobs.error().message);
      } else {
        enqueue(std::move(*jobs));
      }
      check_idle();
    });
  });
}

void ArticleFetcher::enqueue(std::vector<ArticleJob> jobs) {
  if (stopping_) return;
  for (auto& job : jobs) {
    if (!known_.insert(job.item_id).second) continue;  // queued or in flight already
    queue_.push_back(std::move(job));
  }
  pump();
  check_idle();
}

void ArticleFetcher::when_idle(std::function<void()> done) {
  if (idle()) {
    done();
    return;
  }
  idle_waiters_.push_back(std::move(done));
}

void ArticleFetcher::stop() {
  stopping_ = true;
  for (const auto& job : queue_) known_.erase(job.item_id);
  queue_.clear();
  check_idle();
}

void ArticleFetcher::pump() {
  while (!stopping_ && active_ < settings_.max_active && !queue_.empty()) {
    ArticleJob job = std::move(queue_.front());
    queue_.pop_front();
    ++active_;
    start(std::move(job));
  }
}

void ArticleFetcher::start(ArticleJob job) {
  auto agent = settings_.feed_user_agents.find(job.feed_id);
  std::string url = job.single_page_url.empty() ? job.url : job.single_page_url;
  auto request = article_request(
      url, agent == settings_.feed_user_agents.end() ? settings_.user_agent : agent->second,
      settings_.allow_private);
  if (!request) {
    ArticleRecord record = refused_article(job, request.error());
    store(std::move(job), std::move(record));
    return;
  }
  gate_.start(url, [this, url, job = std::move(job), request = std::move(*request)]() mutable {
    if (stopping_) {
      gate_.finish(url);
      ++stats_.dropped;
      ended(job);
      return;
    }
    client_.fetch(std::move(request), [this, url, job = std::move(job)](FetchResult result) mutable {
      gate_.finish(url);
      fetched(std::move(job), std::move(result));
    });
  });
}

void ArticleFetcher::fetched(ArticleJob job, FetchResult result) {
  if (stopping_) {
    // Cancelled by shutdown: not the page's fault, and not recorded. The
    // item stays pending for the next run.
    ++stats_.dropped;
    ended(job);
    return;
  }
  ready_.push_back(Fetched{std::move(job), std::move(result)});
  extract_more();
}

void ArticleFetcher::extract_more() {
  while (extracting_ < settings_.workers && !ready_.empty()) {
    Fetched f = std::move(ready_.front());
    ready_.pop_front();
    ++extracting_;
    std::int64_t now = clock();
    asio::post(cpu_, [this, f = std::move(f), now]() mutable {
      const std::string& page_url = f.result.effective_url.empty() ? f.job.url : f.result.effective_url;
      auto feed_rule = settings_.feed_rules.find(f.job.feed_id);
      auto rules = rules_.rules_for(page_url, feed_rule == settings_.feed_rules.end() ? std::string() : feed_rule->second);
      if (std::string single = single_page_link(f.job, f.result, rules.get()); !single.empty()) {
        // The whole article is on another page: fetch that one instead (once).
        asio::post(io_, [this, job = std::move(f.job), single = std::move(single)]() mutable {
          --extracting_;
          log::debug("article {}: single-page version {}", job.url, single);
          job.single_page_url = std::move(single);
          start(std::move(job));
          extract_more();
        });
        return;
      }
      ArticleRecord record = process_article(f.job, std::move(f.result), settings_.policy, rules.get(), now);
      asio::post(io_, [this, job = std::move(f.job), record = std::move(record)]() mutable {
        --extracting_;
        store(std::move(job), std::move(record));
        extract_more();
      });
    });
  }
}

void ArticleFetcher::store(ArticleJob job, ArticleRecord record) {
  if (stopping_) {
    ++stats_.dropped;
    ended(job);
    return;
  }
  std::int64_t now = clock();
  asio::post(store_, [this, job = std::move(job), record = std::move(record), now]() mutable {
    auto saved = save_article(db_, record, now, settings_.keep_success);
    asio::post(io_, [this, job = std::move(job), record = std::move(record), saved = std::move(saved)] {
      if (!saved) {
        log::error("article {}: {}", job.url, saved.error().message);
        ++stats_.dropped;
      } else {
        if (record.ok) {
          ++stats_.fetched;
          log::debug("article {}: extracted {} bytes of text", job.url, record.text.size());
        } else {
          ++stats_.failed;
          // The detail may open with the reason already ("timeout: Operation too slow").
          std::string_view detail = record.detail;
          if (detail.starts_with(record.reason + ": ")) detail.remove_prefix(record.reason.size() + 2);
          log::info("article {}: {}: {}{}", job.url, record.reason, detail,
                    *saved ? "" : " (the article stored earlier is kept)");
        }
        if (on_stored_) on_stored_(job, record);
      }
      ended(job);
    });
  });
}

void ArticleFetcher::ended(const ArticleJob& job) {
  known_.erase(job.item_id);
  --active_;
  pump();
  check_idle();
}

void ArticleFetcher::check_idle() {
  if (!idle() || idle_waiters_.empty()) return;
  auto waiters = std::move(idle_waiters_);
  idle_waiters_.clear();
  for (auto& w : waiters) w();
}

}  // namespace tributary::daemon
