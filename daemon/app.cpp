#include "daemon/app.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "daemon/http_client.h"
#include "daemon/http_server.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/publisher.h"
#include "daemon/refresh.h"
#include "daemon/store.h"
#include "daemon/websub.h"
#include "feeds/parse.h"

namespace tributary::daemon {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

namespace {

constexpr const char* kUserAgent =
    "tributary/0.1 (feed aggregator; +https://github.com/tributary/tributary)";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

// The delay before the next poll: the interval after a success; after
// failures, the interval doubled per consecutive error up to a day.
std::chrono::seconds poll_delay(std::chrono::seconds interval, int errors) {
  constexpr std::chrono::seconds kMaxBackoff{24 * 3600};
  if (errors <= 0) return interval;
  auto d = interval;
  for (int i = 0; i < errors && d < kMaxBackoff; ++i) d *= 2;
  return std::min(d, std::max(kMaxBackoff, interval));
}

}  // namespace

class App::Impl {
 public:
  Impl(config::Config config, RunOptions options)
      : config_(std::move(config)),
        options_(options),
        pool_(std::max(2u, std::thread::hardware_concurrency())),
        store_strand_(asio::make_strand(pool_)),
        client_(io_, ClientLimits{}, allowed_origins()),
        server_(io_),
        signals_(io_, SIGTERM, SIGINT),
        render_timer_(io_),
        publisher_(public_url(), config_.daemon.websub_hub) {}

  int run() {
    std::error_code ec;
    fs::create_directories(config_.daemon.state_dir, ec);
    if (ec) {
      log::error("store: cannot create state directory {}: {}", config_.daemon.state_dir, ec.message());
      return 1;
    }
    std::string db_path = (fs::path(config_.daemon.state_dir) / "tributary.db").string();
    auto store = Store::open(db_path, dedup_settings(config_.dedup));
    if (!store) {
      log::error("{}", store.error().message);
      return 1;
    }
    store_.emplace(std::move(*store));
    for (const auto& f : config_.feeds) {
      if (!f.enabled) continue;
      auto state = store_->feed(f.url);
      if (!state) {
        log::error("{}", state.error().message);
        return 1;
      }
      auto task = std::make_unique<FeedTask>(io_);
      task->config = f;
      task->state = *state;
      feed_ids_[f.url] = state->id;
      tasks_.push_back(std::move(task));
    }

    if (!options_.once) {
      server_.route("/healthz", [](const Request&) { return Response{200, "text/plain; charset=utf-8", "ok\n"}; });
      if (!config_.daemon.listen.empty()) {
        if (auto r = server_.listen(config_.daemon.listen); !r) {
          log::error("{}", r.error().message);
          return 1;
        }
        log::info("serving outputs on http://{}/feeds/", listen_display());
      }
      if (!config_.daemon.socket.empty()) {
        if (auto r = server_.listen_unix(config_.daemon.socket); !r) {
          log::error("{}", r.error().message);
          return 1;
        }
        log::info("serving outputs on unix:{}", config_.daemon.socket);
      }
    }

    work_.emplace(io_.get_executor());
    signals_.async_wait([this](boost::system::error_code ec2, int signo) {
      if (!ec2) {
        log::info("received signal {}, shutting down", signo);
        stop();
      }
    });
    if (!options_.once) render();  // serve what the store has right away

    log::info("tributary started: {} feeds, store {}", tasks_.size(), db_path);
    remaining_ = static_cast<int>(tasks_.size());
    schedule_initial();
    if (options_.once && tasks_.empty()) render();
    notify::ready();
    io_.run();
    pool_.join();
    if (options_.once) {
      log::info("polled {} feeds: {} new items, {} merged, {} not modified, {} errors, {} bytes",
                stats_.feeds_polled, stats_.items_added, stats_.items_merged, stats_.not_modified,
                stats_.errors, stats_.bytes);
    }
    return 0;
  }

  void request_stop() {
    asio::post(io_, [this] { stop(); });
  }

  unsigned short port() const { return server_.port(); }
  RunStats stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
  }

 private:
  struct FeedTask {
    explicit FeedTask(asio::io_context& io) : timer(io) {}
    config::FeedConfig config;
    FeedState state;
    asio::steady_timer timer;
    bool in_flight = false;
  };

  std::vector<Origin> allowed_origins() const {
    std::vector<Origin> out;
    for (const auto& o : config_.daemon.allow_private) {
      if (auto parsed = Origin::parse(o)) out.push_back(*parsed);
    }
    return out;
  }

  std::string listen_display() const { return config_.daemon.listen; }

  // The base URL outputs link to themselves with: [daemon] public_url, else
  // the listen address.
  std::string public_url() const {
    if (!config_.daemon.public_url.empty()) return config_.daemon.public_url;
    if (config_.daemon.listen.empty()) return {};
    return "http://" + config_.daemon.listen;
  }

  void schedule_initial() {
    std::int64_t now = unix_now();
    std::size_t index = 0;
    for (auto& task : tasks_) {
      std::chrono::milliseconds delay{0};
      if (!options_.once) {
        // Spread the first polls a little, and honour a stored next poll.
        delay = std::chrono::milliseconds(static_cast<std::int64_t>(index) * 20);
        if (task->state.next_poll && *task->state.next_poll > now) {
          delay = std::chrono::seconds(*task->state.next_poll - now);
        }
      }
      ++index;
      schedule(*task, delay);
    }
  }

  void schedule(FeedTask& task, std::chrono::milliseconds delay) {
    task.timer.expires_after(delay);
    task.timer.async_wait([this, &task](boost::system::error_code ec) {
      if (!ec && !stopping_) poll(task);
    });
  }

  void poll(FeedTask& task) {
    if (task.in_flight) return;
    task.in_flight = true;
    FetchRequest req;
    req.url = task.state.effective_url.empty() ? task.config.url : task.state.effective_url;
    req.etag = task.state.etag;
    req.last_modified = task.state.last_modified;
    req.user_agent = !task.config.user_agent.empty() ? task.config.user_agent
                     : !config_.daemon.user_agent.empty() ? config_.daemon.user_agent
                                                          : kUserAgent;
    req.headers = task.config.headers;
    // A feed written in the config may always reach its own origin.
    if (auto o = Origin::parse(task.config.url)) req.allow_private.push_back(*o);
    client_.fetch(std::move(req), [this, &task](FetchResult r) { fetched(task, std::move(r)); });
  }

  void fetched(FeedTask& task, FetchResult r) {
    if (stopping_) {
      task.in_flight = false;
      return;
    }
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.feeds_polled;
      stats_.bytes += r.wire_bytes;
    }
    // Parsing is CPU work: off the io thread. Storing is on the store strand.
    asio::post(pool_, [this, &task, r = std::move(r)]() mutable {
      std::optional<Result<feeds::Feed>> parsed;
      if (r.status == FetchStatus::ok) {
        feeds::Source src{r.effective_url, r.content_type, r.content_location, r.content_language};
        parsed = feeds::parse(r.body, src);
        r.body.clear();
        r.body.shrink_to_fit();
      }
      asio::post(store_strand_, [this, &task, r = std::move(r), parsed = std::move(parsed)]() mutable {
        stored(task, r, parsed);
      });
    });
  }

  // On the store strand.
  void stored(FeedTask& task, const FetchResult& r, std::optional<Result<feeds::Feed>>& parsed) {
    std::int64_t now = unix_now();
    PollRecord rec;
    rec.status = static_cast<int>(r.http_status);
    rec.polled_at = now;
    SaveStats saved;
    bool changed = false;
    const std::string& url = task.config.url;
    if (r.status == FetchStatus::failed) {
      rec.error = r.error.message;
      log::warning("feed {}: {}", url, r.error.message);
    } else if (r.status == FetchStatus::not_modified) {
      rec.etag = r.etag;
      rec.last_modified = r.last_modified;
      log::debug("feed {}: not modified", url);
    } else if (parsed && !*parsed) {
      rec.error = "parse error: " + parsed->error().message;
      log::warning("feed {}: {}", url, rec.error);
    } else {
      const feeds::Feed& feed = **parsed;
      if (feed.bozo) log::debug("feed {}: recovered from: {}", url, feed.bozo_reason);
      auto items = new_items(feed);
      auto s = store_->save(task.state.id, feed.meta, items, now);
      if (!s) {
        rec.error = s.error().message;
        log::error("feed {}: {}", url, s.error().message);
      } else {
        saved = *s;
        changed = saved.added > 0 || saved.merged > 0;
        rec.etag = r.etag;
        rec.last_modified = r.last_modified;
        if (!r.permanent_url.empty() && r.permanent_url != url) {
          rec.effective_url = r.permanent_url;
          log::warning("feed {}: moved permanently to {} (update the config)", url, r.permanent_url);
        }
        log::info("feed {}: {} new, {} merged, {} known", url, saved.added, saved.merged, saved.unchanged);
      }
    }
    int errors = rec.error.empty() ? 0 : task.state.error_count + 1;
    auto delay = poll_delay(config::effective_interval(config_.daemon, task.config), errors);
    rec.next_poll = now + delay.count();
    if (auto w = store_->record_poll(task.state.id, rec); !w) log::error("feed {}: {}", url, w.error().message);
    {
      std::lock_guard lock(stats_mutex_);
      if (r.status == FetchStatus::not_modified) ++stats_.not_modified;
      if (!rec.error.empty()) ++stats_.errors;
      stats_.items_added += saved.added;
      stats_.items_merged += saved.merged;
    }
    asio::post(io_, [this, &task, rec, errors, changed, delay] {
      task.in_flight = false;
      task.state.error_count = errors;
      if (!rec.etag.empty()) task.state.etag = rec.etag;
      if (!rec.last_modified.empty()) task.state.last_modified = rec.last_modified;
      if (!rec.effective_url.empty()) task.state.effective_url = rec.effective_url;
      if (changed) dirty_ = true;
      if (options_.once) {
        if (--remaining_ == 0) render();
        return;
      }
      schedule(task, delay);
      if (changed) render_soon();
    });
  }

  // Debounce: many feeds finishing together cause one render.
  void render_soon() {
    if (render_pending_) return;
    render_pending_ = true;
    render_timer_.expires_after(std::chrono::seconds(2));
    render_timer_.async_wait([this](boost::system::error_code ec) {
      render_pending_ = false;
      if (!ec && !stopping_) render();
    });
  }

  void render() {
    asio::post(store_strand_, [this] {
      auto docs = publisher_.render(*store_, config_, feed_ids_, unix_now());
      if (!docs) log::error("{}", docs.error().message);
      std::vector<std::string> topics = docs ? publisher_.changed_topics() : std::vector<std::string>{};
      asio::post(io_, [this, docs = std::move(docs), topics = std::move(topics)] {
        if (docs) server_.publish(*docs);
        // WebSub: tell the hub which outputs changed (not for --once, which
        // stops and cancels transfers right away).
        if (!topics.empty() && !config_.daemon.websub_hub.empty() && !options_.once && !stopping_) {
          ping_hub(client_, config_.daemon.websub_hub, topics,
                   config_.daemon.user_agent.empty() ? "tributary/0.1 (WebSub publisher)"
                                                     : config_.daemon.user_agent);
        }
        if (options_.once) stop();
      });
    });
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    if (!options_.once) notify::stopping();
    boost::system::error_code ec;
    signals_.cancel(ec);
    render_timer_.cancel();
    for (auto& t : tasks_) t->timer.cancel();
    server_.stop();
    client_.cancel_all();
    work_.reset();
  }

  config::Config config_;
  RunOptions options_;
  asio::io_context io_;
  asio::thread_pool pool_;
  asio::strand<asio::thread_pool::executor_type> store_strand_;
  HttpClient client_;
  HttpServer server_;
  asio::signal_set signals_;
  asio::steady_timer render_timer_;
  Publisher publisher_;
  std::optional<Store> store_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<FeedTask>> tasks_;
  std::map<std::string, std::int64_t> feed_ids_;
  int remaining_ = 0;
  bool stopping_ = false;
  bool dirty_ = false;
  bool render_pending_ = false;
  mutable std::mutex stats_mutex_;
  RunStats stats_;
};

App::App(config::Config config, RunOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), options)) {}
App::~App() = default;
int App::run() { return impl_->run(); }
void App::request_stop() { impl_->request_stop(); }
unsigned short App::port() const { return impl_->port(); }
RunStats App::stats() const { return impl_->stats(); }

}  // namespace tributary::daemon
