#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/config.h"
#include "daemon/article_fetcher.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/log.h"
#include "daemon/pipeline.h"
#include "daemon/politeness.h"
#include "daemon/publisher.h"
#include "daemon/store.h"
#include "feeds/date.h"

// `tributary refetch [--config FILE] [--feed URL]... [--since DATE]` fetches
// the pages of stored items again and re-extracts their articles, e.g. after
// site rules changed. An article that extracted before is kept when its page
// now fails. Afterwards the outputs are rendered again (unless --no-render).
//
// It can run beside the daemon (SQLite WAL lets a second writer in; each
// write waits up to the busy timeout), but the daemon serves the outputs it
// rendered itself until its next change: stop it first, or let it be.
namespace tributary::daemon::cli {
namespace {

namespace asio = boost::asio;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2024-06-01", an RFC 3339 or RFC 822 date, or a duration back from now
// ("7d", "12h").
std::optional<std::int64_t> parse_since(const std::string& text, std::int64_t now) {
  if (auto d = config::parse_duration(text)) return now - d->count();
  if (auto t = feeds::parse_date(text)) return t->time_since_epoch().count();
  if (auto t = feeds::parse_date(text + "T00:00:00Z")) return t->time_since_epoch().count();
  return std::nullopt;
}

struct Options {
  std::string config = default_config_path();
  std::vector<std::string> feeds;
  std::string since;
  bool no_render = false;
  bool verbose = false;
};

int refetch(const Options& opts) {
  log::set_verbose(opts.verbose);
  auto config = load_config(opts.config);
  if (!config) {
    for (const auto& d : config.error()) log::error("{}", d.to_string());
    return 1;
  }
  std::int64_t now = unix_now();
  std::int64_t since = full_text_since(config->full_text, now);
  if (!opts.since.empty()) {
    auto parsed = parse_since(opts.since, now);
    if (!parsed) {
      log::error("refetch: --since '{}' is neither a date (2024-06-01, RFC 3339) nor a duration (7d)", opts.since);
      return 2;
    }
    since = *parsed;
  }

  for (const auto& u : opts.feeds) {
    auto same = [&](const config::FeedConfig& f) {
      return config::feed_identity(f.url) == config::feed_identity(u);
    };
    if (std::none_of(config->feeds.begin(), config->feeds.end(), same)) {
      log::error("refetch: --feed {} is not a feed of {}", u, config->path);
      return 1;
    }
  }

  // Only the daemon creates the store: there is nothing to refetch before it ran.
  std::string db = store_path(*config);
  if (std::error_code ec; !std::filesystem::exists(db, ec)) {
    log::error("refetch: no store at {} yet (the daemon has not run)", db);
    return 1;
  }
  auto store = Store::open(db);
  if (!store) {
    log::error("{}", store.error().message);
    return 1;
  }
  // Which feeds: those named (full text or not: naming one asks for it), else
  // every enabled feed with full text on.
  std::map<std::string, std::int64_t> feed_ids;
  std::vector<std::int64_t> chosen;
  for (const auto& f : config->feeds) {
    auto state = store->feed(f.url);
    if (!state) {
      log::error("{}", state.error().message);
      return 1;
    }
    if (f.enabled) feed_ids[f.url] = state->id;
    bool named = false;
    for (const auto& u : opts.feeds) named = named || u == f.url || config::feed_identity(u) == config::feed_identity(f.url);
    if (opts.feeds.empty() ? (f.enabled && f.full_text) : named) chosen.push_back(state->id);
  }
  if (chosen.empty()) {
    log::info("refetch: no feed has full_text on; nothing to do");
    return 0;
  }
  auto jobs = refetch_candidates(store->db(), chosen, since);
  if (!jobs) {
    log::error("{}", jobs.error().message);
    return 1;
  }
  log::info("refetch: {} items of {} feeds since {}", jobs->size(), chosen.size(),
            since == std::numeric_limits<std::int64_t>::min()
                ? std::string("the beginning")
                : feeds::format_rfc3339(feeds::Time{std::chrono::seconds{since}}));

  asio::io_context io;
  asio::thread_pool pool(std::max(2u, std::thread::hardware_concurrency()));
  auto store_strand = asio::make_strand(pool);
  std::vector<Origin> allowed;
  for (const auto& o : config->daemon.allow_private) {
    if (auto origin = Origin::parse(o)) allowed.push_back(*origin);
  }
  // The daemon's limits and politeness, as configured.
  ClientLimits limits;
  limits.max_connections = config->daemon.max_connections;
  HttpClient client(io, limits, allowed);
  PolitenessPolicy politeness{config->daemon.domain_connections,
                              std::chrono::duration_cast<std::chrono::milliseconds>(config->daemon.domain_spacing)};
  FetchQueue queue(io, politeness, config->daemon.max_connections);
  SiteRuleLibrary rules(config->full_text.site_rules,
                        [](const std::string& warning) { log::warning("site rules: {}", warning); });
  ArticleFetcherSettings settings = article_settings(*config, feed_ids, kUserAgent);
  settings.keep_success = true;
  ArticleFetcher fetcher(io, client, politeness_gate(queue), pool.get_executor(), store_strand, store->db(), rules,
                         std::move(settings));
  auto work = asio::make_work_guard(io);
  std::size_t total = jobs->size();
  fetcher.enqueue(std::move(*jobs));
  fetcher.when_idle([&] { work.reset(); });
  io.run();
  pool.join();
  const ArticleStats& stats = fetcher.stats();
  log::info("refetch: {} of {} items extracted, {} failed{}", stats.fetched, total, stats.failed,
            stats.dropped ? fmt::format(", {} not stored", stats.dropped) : std::string());

  if (!opts.no_render) {
    std::string base = config->daemon.public_url;
    if (base.empty() && !config->daemon.listen.empty()) base = "http://" + config->daemon.listen;
    Publisher publisher(base, config->daemon.websub_hub);
    auto docs = publisher.render(*store, *config, feed_ids, unix_now());
    if (!docs) {
      log::error("{}", docs.error().message);
      return 1;
    }
    log::info("refetch: outputs rendered in {}", config->daemon.output_dir);
  }
  return stats.dropped > 0 ? 1 : 0;
}

}  // namespace

void add_refetch_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "refetch", "Fetch stored items' pages again and re-extract their articles (after site rules changed)");
  cmd->add_option("--config,-c", opts->config, "Config file")->capture_default_str();
  cmd->add_option("--feed", opts->feeds, "Only this feed (as configured; repeatable); default: every full-text feed");
  cmd->add_option("--since", opts->since,
                  "Only items published since DATE (2024-06-01, RFC 3339) or for a duration (7d); "
                  "default: [full_text] max_age");
  cmd->add_flag("--no-render", opts->no_render, "Do not render the outputs afterwards");
  cmd->add_flag("--verbose,-v", opts->verbose, "Log debug messages");
  cmd->callback([opts, &exit_code] { exit_code = refetch(*opts); });
}

}  // namespace tributary::daemon::cli
