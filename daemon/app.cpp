#include "daemon/app.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/resource.h>
#endif

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "daemon/article_fetcher.h"
#include "daemon/config_reload.h"
#include "daemon/http_client.h"
#include "daemon/http_server.h"
#include "daemon/log.h"
#include "daemon/maintenance.h"
#include "daemon/metrics.h"
#include "daemon/notify.h"
#include "daemon/ops_metrics.h"
#include "daemon/pipeline.h"
#include "daemon/politeness.h"
#include "daemon/progress.h"
#include "daemon/publisher.h"
#include "daemon/schedule.h"
#include "daemon/store.h"
#include "daemon/watchdog.h"
#include "daemon/websub.h"
#include "config/diff.h"
#include "feeds/date.h"

namespace tributary::daemon {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

namespace {

TimePoint wall_now() { return std::chrono::floor<std::chrono::seconds>(Clock::now()); }
std::int64_t unix_now() { return wall_now().time_since_epoch().count(); }

// Polls fetched but not yet stored, per pool thread: bounds the bodies,
// documents and parsed feeds in memory at once (fetches in flight are
// bounded separately by the fetch queue).
constexpr int kBacklogPerThread = 3;

// The store's write-ahead log is checkpointed on the pool, not on the store
// strand, once a commit leaves this many pages (64 MiB) in it.
constexpr int kCheckpointPages = 16384;

// Bodies above this size are parsed one at a time (on their own strand): a
// parse holds several times its document in memory, and two 15 MiB ones at
// once would double the daemon's peak.
constexpr std::size_t kLargeDocument = 1u << 20;

// A poll still unfinished this long after its transfer started (which the
// client ends within its 20 s timeout) means a stage has stalled: /healthz
// says so.
constexpr std::chrono::minutes kStuckPoll{5};

}  // namespace

class App::Impl {
 public:
  Impl(config::Config config, RunOptions options)
      : config_(std::move(config)),
        options_(options),
        threads_(std::max(2u, std::thread::hardware_concurrency())),
        pool_(threads_),
        store_strand_(asio::make_strand(pool_)),
        large_strand_(asio::make_strand(pool_)),
        client_(io_, client_limits(), allowed_origins()),
        queue_(io_, politeness_policy(), static_cast<int>(client_limits().max_connections)),
        server_(io_, server_limits()),
        signals_(io_, SIGTERM, SIGINT),
        render_timer_(io_),
        maintenance_timer_(io_),
        watchdog_(io_),
        // WebSub needs the topic's URL (rel="self") beside rel="hub".
        publisher_(public_url(), public_url().empty() ? std::string() : config_.daemon.websub_hub),
        jitter_(std::random_device{}()),
        progress_(options.once && progress_wanted_here()) {
    policy_.floor = config_.daemon.min_interval;
  }

  // ---- start-up -----------------------------------------------------------

  int run() {
#if defined(__GLIBC__)
    // Bodies and documents of up to 15 MiB come and go on three threads.
    // glibc raises its mmap threshold to the size of every mmapped block
    // freed, after which such buffers land in the per-thread heaps and their
    // memory stays with the process; a fixed threshold gives every large
    // buffer back when it is freed. One arena for all threads: with one per
    // thread, each kept its own freed memory (12-17 MB free in the arenas
    // at the peak of a 2000-feed cold run, whose peak RSS one arena lowers
    // from 63-65 to 58 MB).
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_ARENA_MAX, 1);
#endif
    if (!open_store()) return 1;
    if (!options_.once && !start_server()) return 1;

    work_.emplace(io_.get_executor());
    signals_.async_wait([this](boost::system::error_code ec, int signo) {
      if (!ec) {
        log::info("received signal {}, shutting down", signo);
        stop();
      }
    });
    if (!options_.once) render();  // serve what the store has right away

    log::info("tributary started: {} feeds, store {}", tasks_.size(), db_path_);
    schedule_initial();
    notify::ready();
    if (!options_.once) {
      watchdog_.start();
      start_reloader();
      schedule_maintenance(std::chrono::minutes(1));
    }
    io_.run();
    pool_.join();
    progress_.finish();
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
    FeedState state;       // as of the last stored poll; io thread only
    std::string domain;    // politeness group of the URL polled
    asio::steady_timer timer;
    bool busy = false;     // queued, fetching, parsing or storing
    std::optional<std::chrono::steady_clock::time_point> fetch_started;  // while busy past the queue
    bool removed = false;  // dropped by a reload while busy: freed when it finishes
  };

  // Processed polls waiting for the store strand, and their tasks. The
  // state and policy are copies: the strand never reads io-thread state.
  struct Pending {
    std::vector<FeedTask*> tasks;
    std::vector<PendingPoll> polls;
  };

  bool open_store() {
    std::error_code ec;
    fs::create_directories(config_.daemon.state_dir, ec);
    if (ec) {
      log::error("store: cannot create state directory {}: {}", config_.daemon.state_dir, ec.message());
      return false;
    }
    db_path_ = (fs::path(config_.daemon.state_dir) / "tributary.db").string();
    auto store = Store::open(db_path_, dedup_settings(config_.dedup));
    if (!store) {
      log::error("{}", store.error().message);
      return false;
    }
    store_.emplace(std::move(*store));
    auto checkpoint = sqlite::BackgroundCheckpoint::start(
        store_->db(), db_path_, kCheckpointPages, [this](std::function<void()> job) { asio::post(pool_, std::move(job)); });
    if (!checkpoint) {
      log::error("{}", checkpoint.error().message);
      return false;
    }
    checkpoint_.emplace(std::move(*checkpoint));
    if (auto n = store_->item_count()) metrics_.set("tributary_store_items", static_cast<double>(*n));
    metrics_.set("tributary_start_time_seconds", static_cast<double>(unix_now()));
    metrics_.set("tributary_config_generation", 1);
    for (const auto& f : config_.feeds) {
      if (!f.enabled) continue;
      auto state = store_->feed(f.url);
      if (!state) {
        log::error("{}", state.error().message);
        return false;
      }
      add_task(f, *state);
    }
    start_articles();
    return true;
  }

  FeedTask& add_task(const config::FeedConfig& f, const FeedState& state) {
    auto task = std::make_unique<FeedTask>(io_);
    task->config = f;
    task->state = state;
    task->domain = domain_of(*task);
    feed_ids_[f.url] = state.id;
    tasks_.push_back(std::move(task));
    return *tasks_.back();
  }

  // Full text (daemon/article_fetcher.h): article fetches share the client
  // and the per-domain politeness queue with feed polls, extract on the pool
  // and store on the store strand.
  void start_articles() {
    site_rules_.emplace(config_.full_text.site_rules,
                        [](const std::string& warning) { log::warning("site rules: {}", warning); });
    articles_.emplace(io_, client_, politeness_gate(queue_), pool_.get_executor(), store_strand_, store_->db(),
                      *site_rules_, article_settings(config_, feed_ids_, kUserAgent));
    articles_->on_stored([this](const ArticleJob&, const ArticleRecord& record) {
      metrics_.add("tributary_extractions_total", {{"outcome", record.ok ? "ok" : "failed"}});
      if (record.ok && !options_.once && !stopping_) render_soon();
    });
  }

  // Idle HTTP clients must not take the descriptors that polling and the
  // store need: the server keeps clear of the transfers' share (a socket
  // and its watched dup() each) and a margin. The soft limit is raised to
  // the hard one first: systemd's default soft limit (1024) is the
  // server's whole default connection limit.
  ServerLimits server_limits() const {
    ServerLimits limits;
    rlimit nofile{};
    if (::getrlimit(RLIMIT_NOFILE, &nofile) != 0) return limits;
    if (nofile.rlim_cur < nofile.rlim_max) {
      rlimit raised{nofile.rlim_max, nofile.rlim_max};
      if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) nofile = raised;
    }
    if (nofile.rlim_cur == RLIM_INFINITY) return limits;
    auto reserved = 2 * static_cast<std::uint64_t>(config_.daemon.max_connections) + 64;
    limits.max_connections = connections_within(limits.max_connections, nofile.rlim_cur, reserved);
    return limits;
  }

  ClientLimits client_limits() const {
    ClientLimits limits;
    limits.max_connections = config_.daemon.max_connections;
    // curl's own per-host cap backs up the per-domain one of the fetch queue.
    limits.max_host_connections = std::max<long>(limits.max_host_connections, config_.daemon.domain_connections);
    return limits;
  }

  PolitenessPolicy politeness_policy() const {
    return PolitenessPolicy{config_.daemon.domain_connections,
                            std::chrono::duration_cast<std::chrono::milliseconds>(config_.daemon.domain_spacing)};
  }

  std::vector<Origin> allowed_origins() const {
    std::vector<Origin> out;
    for (const auto& o : config_.daemon.allow_private) {
      if (auto parsed = Origin::parse(o)) out.push_back(*parsed);
    }
    return out;
  }

  // ---- outputs: server, render, publish ------------------------------------

  bool start_server() {
    add_ops_routes(server_, metrics_, [this] { refresh_gauges(); }, [this] { return health(); });
    if (!config_.daemon.listen.empty()) {
      if (auto r = server_.listen(config_.daemon.listen); !r) {
        log::error("{}", r.error().message);
        return false;
      }
      const std::string& listen = config_.daemon.listen;  // port 0: the one picked
      log::info("serving outputs on http://{}{}/feeds/", listen.substr(0, listen.rfind(':') + 1), server_.port());
    }
    if (!config_.daemon.socket.empty()) {
      if (auto r = server_.listen_unix(config_.daemon.socket); !r) {
        log::error("{}", r.error().message);
        return false;
      }
      log::info("serving outputs on unix:{}", config_.daemon.socket);
    }
    if (public_url().empty() && (!config_.daemon.listen.empty() || !config_.daemon.socket.empty())) {
      log::warning("outputs carry no self links{}: set [daemon] public_url to the URL readers use",
                   config_.daemon.websub_hub.empty() ? "" : " and WebSub is off");
    }
    return true;
  }

  // On the io thread, before /metrics renders.
  void refresh_gauges() {
    for (const auto& [status, count] : server_.responses()) {
      metrics_.set("tributary_http_responses_total", {{"code", std::to_string(status)}}, static_cast<double>(count));
    }
    metrics_.set("tributary_http_connections", static_cast<double>(server_.connections()));
    int failing = 0;
    for (const auto& t : tasks_) failing += t->state.error_count > 0 ? 1 : 0;
    std::size_t disabled = std::count_if(config_.feeds.begin(), config_.feeds.end(),
                                         [](const config::FeedConfig& f) { return !f.enabled; });
    metrics_.set("tributary_feeds", {{"state", "enabled"}}, static_cast<double>(tasks_.size()));
    metrics_.set("tributary_feeds", {{"state", "disabled"}}, static_cast<double>(disabled));
    metrics_.set("tributary_feeds", {{"state", "failing"}}, failing);
    metrics_.set("tributary_queue_size", {{"queue", "fetch"}}, static_cast<double>(queue_.queued()));
    metrics_.set("tributary_queue_size", {{"queue", "store"}}, backlog_);
    metrics_.set("tributary_watchdog_pings_total", {}, static_cast<double>(watchdog_.pings()));
  }

  // /healthz, on the io thread (which must be running to answer at all): 503
  // while stopping, after a failed store transaction, or with polls stalled.
  Health health() const {
    if (stopping_) return {false, "stopping"};
    {
      std::lock_guard lock(stats_mutex_);
      if (!store_error_.empty()) return {false, "store: " + store_error_};
    }
    auto now = std::chrono::steady_clock::now();
    int failing = 0;
    int stuck = 0;
    for (const auto& t : tasks_) {
      failing += t->state.error_count > 0 ? 1 : 0;
      stuck += t->busy && t->fetch_started && now - *t->fetch_started > kStuckPoll ? 1 : 0;
    }
    if (stuck > 0) return {false, fmt::format("{} polls unfinished {} min after their transfer started", stuck, kStuckPoll.count())};
    return {true, fmt::format("ok: {} feeds, {} failing, {} polls since start", tasks_.size(), failing, polls_finished_)};
  }

  // The base URL outputs link to themselves with ("" = none).
  std::string public_url() const { return config::base_url(config_.daemon); }

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

  // Renders on the store strand from a copy of the config and feed ids, so
  // that a reload on the io thread never changes them under it.
  void render() {
    asio::post(store_strand_, [this, config = config_, ids = feed_ids_] {
      auto docs = publisher_.render(*store_, config, ids, unix_now());
      if (!docs) log::error("{}", docs.error().message);
      std::vector<std::string> topics = docs ? publisher_.changed_topics() : std::vector<std::string>{};
      asio::post(io_, [this, docs = std::move(docs), topics = std::move(topics)] {
        if (docs) server_.publish(*docs);
        if (docs) metrics_.add("tributary_renders_total");
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

  // ---- polling: schedule -> queue -> fetch -> process -> store -------------

  static std::string domain_of(const FeedTask& task) {
    const std::string& url = task.state.effective_url.empty() ? task.config.url : task.state.effective_url;
    std::string key = domain_key(url);
    return key.empty() ? "(local)" : key;
  }

  Seconds interval_of(const FeedTask& task) const {
    return std::max(config::effective_interval(config_.daemon, task.config), policy_.floor);
  }

  // Feeds held back by a 410 or a Retry-After keep their time even in
  // --once runs; a server that asked us to wait is not polled early.
  bool held(const FeedTask& task, std::int64_t now) const {
    return !task.state.hold.empty() && task.state.next_poll && *task.state.next_poll > now;
  }

  void schedule_initial() {
    std::int64_t now = unix_now();
    std::size_t index = 0;
    for (auto& task : tasks_) {
      if (held(*task, now)) {
        log::info("feed {}: {} until {}, not polled", task->config.url,
                  task->state.hold == "gone" ? "gone (HTTP 410)" : "rate limited",
                  feeds::format_rfc3339(TimePoint{Seconds{*task->state.next_poll}}));
        if (!options_.once) schedule(*task, std::chrono::seconds(*task->state.next_poll - now));
        continue;
      }
      std::chrono::milliseconds delay{0};
      if (!options_.once && task->state.next_poll && *task->state.next_poll > now) {
        delay = std::chrono::seconds(*task->state.next_poll - now);
      } else if (!options_.once) {
        // Never-polled or overdue feeds: spread their starts a little.
        delay = std::chrono::milliseconds(static_cast<std::int64_t>(index++ % 1000) * 5);
      }
      ++remaining_;
      schedule(*task, delay);
    }
    progress_counts_.total = remaining_;
    if (options_.once && remaining_ == 0) render();
  }

  void schedule(FeedTask& task, std::chrono::milliseconds delay) {
    if (delay.count() <= 0 && options_.once) {
      due(task);
      return;
    }
    task.timer.expires_after(delay);
    task.timer.async_wait([this, &task](boost::system::error_code ec) {
      if (!ec && !stopping_) due(task);
    });
  }

  void due(FeedTask& task) {
    if (task.busy || stopping_) return;
    task.busy = true;
    queue_.push(task.domain, [this, &task] { fetch(task); });
  }

  void fetch(FeedTask& task) {
    if (task.removed) {  // queued before a reload dropped it
      queue_.done(task.domain);
      task.busy = false;
      drop_task(task);
      return;
    }
    task.fetch_started = std::chrono::steady_clock::now();
    FetchRequest req = poll_request(task.config.url, task.state,
                                    !task.config.user_agent.empty() ? task.config.user_agent
                                                                    : config_.daemon.user_agent,
                                    task.config.headers);
    PollContext context{task.config.url, req.url, allowed_origins_, kMaxItemsPerPoll};
    client_.fetch(std::move(req), [this, &task, context = std::move(context),
                                   domain = task.domain](FetchResult r) mutable {
      queue_.done(domain);
      if (stopping_) return;
      ++backlog_;
      update_backpressure();
      bool large = r.body.size() > kLargeDocument;
      auto process = [this, &task, context = std::move(context), r = std::move(r),
                      interval = interval_of(task), policy = policy_]() mutable {
        PollResult result = process_fetch(std::move(r), context, wall_now());
        enqueue_store(task, std::move(result), interval, policy);
      };
      if (large) {
        asio::post(large_strand_, std::move(process));
      } else {
        asio::post(pool_, std::move(process));
      }
    });
  }

  void update_backpressure() {
    queue_.set_paused(backlog_ >= kBacklogPerThread * static_cast<int>(threads_));
  }

  // On a pool thread: hands a processed poll to the store strand. Polls that
  // arrive while the strand is busy are stored together in one transaction.
  void enqueue_store(FeedTask& task, PollResult result, Seconds interval, const SchedulePolicy& policy) {
    bool start = false;
    {
      std::lock_guard lock(pending_mutex_);
      // The task's state is only written on the io thread, and not while the
      // task is busy: reading it here is safe.
      pending_.tasks.push_back(&task);
      pending_.polls.push_back(PendingPoll{task.state, std::move(result), interval, policy});
      start = !store_scheduled_;
      store_scheduled_ = true;
    }
    if (start) asio::post(store_strand_, [this] { store_batch(); });
  }

  // On the store strand.
  void store_batch() {
    Pending batch;
    {
      std::lock_guard lock(pending_mutex_);
      std::swap(batch, pending_);
      store_scheduled_ = false;
    }
    if (batch.polls.empty()) return;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (auto& p : batch.polls) p.jitter_sample = unit(jitter_);
    StoredBatch stored = store_polls(*store_, batch.polls, wall_now());
    if (!stored.rolled_back.empty()) {
      log::warning("store: a batch of {} polls rolled back ({}): stored them one by one",
                   batch.polls.size(), stored.rolled_back);
    }
    if (!stored.error.empty()) log::error("store: {}", stored.error);
    {
      std::lock_guard lock(stats_mutex_);
      store_error_ = stored.error;
    }
    for (std::size_t i = 0; i < batch.polls.size(); ++i) {
      asio::post(io_, [this, task = batch.tasks[i], result = std::move(batch.polls[i].result),
                       s = std::move(stored.polls[i])]() mutable { finished(*task, result, s); });
    }
  }

  // Back on the io thread: bookkeeping, the log line, the next poll.
  void finished(FeedTask& task, const PollResult& result, const StoredPoll& s) {
    --backlog_;
    update_backpressure();
    task.busy = false;
    task.fetch_started.reset();
    ++polls_finished_;
    record_poll(metrics_, result, s.saved);
    if (task.removed) {
      drop_task(task);
      return;
    }
    FeedState& st = task.state;
    st.error_count = s.errors;
    st.last_status = s.record.status;
    st.last_error = s.record.error;
    st.last_poll = s.record.polled_at;
    st.next_poll = s.record.next_poll;
    st.hold = s.record.hold;
    if (!s.record.etag.empty()) st.etag = s.record.etag;
    if (!s.record.last_modified.empty()) st.last_modified = s.record.last_modified;
    if (s.record.hint_interval) st.hint_interval = s.record.hint_interval;
    if (!s.record.effective_url.empty()) {
      st.effective_url = s.record.effective_url;
      task.domain = domain_of(task);
      log::warning("feed {}: moved permanently to {}: polling the new URL (update the config)",
                   task.config.url, st.effective_url);
    }
    if (!result.moved_rejected.empty()) {
      log::warning("feed {}: permanent redirect to {} not taken (not a public http(s) URL)",
                   task.config.url, result.moved_rejected);
    }
    const std::string& url = task.config.url;
    std::string line = describe(url, result, s.saved, s.next);
    bool failed = !s.record.error.empty();
    if (failed) {
      log::warning("{}", line);
    } else if (result.outcome == PollOutcome::not_modified || progress_.enabled()) {
      log::debug("{}", line);
    } else {
      log::info("{}", line);
    }
    if (result.recovered) log::debug("feed {}: recovered from: {}", url, result.recovered_reason);

    bool changed = s.saved.added > 0 || s.saved.merged > 0;
    // A parsed document may also have changed the feed's title or link.
    if (result.outcome == PollOutcome::fetched) fetched_any_ = true;
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.feeds_polled;
      stats_.bytes += result.wire_bytes;
      if (result.outcome == PollOutcome::not_modified) ++stats_.not_modified;
      if (failed) ++stats_.errors;
      stats_.items_added += s.saved.added;
      stats_.items_merged += s.saved.merged;
    }
    progress_counts_.done++;
    progress_counts_.new_items += s.saved.added;
    progress_counts_.duplicates += s.saved.merged;
    progress_counts_.errors += failed ? 1 : 0;
    progress_counts_.bytes += result.wire_bytes;
    // Full text: the pages of the feed's new items (and of any still pending
    // from earlier polls), at most per_poll of them, newest first.
    if (task.config.full_text && !failed) {
      articles_->enqueue_pending(st.id, full_text_since(config_.full_text, unix_now()), config_.full_text.per_poll);
    }
    if (options_.once) {
      progress_.update(progress_counts_, remaining_ == 1);
      if (--remaining_ == 0) {
        articles_->when_idle([this] {
          const ArticleStats& a = articles_->stats();
          if (a.fetched + a.failed > 0) log::info("full text: {} articles extracted, {} failed", a.fetched, a.failed);
          if (!fetched_any_ && a.fetched == 0 && outputs_current()) {
            // Every feed unchanged (304s and errors): the outputs on disk
            // are what a render would write.
            log::info("nothing new: outputs in {} left as they are", config_.daemon.output_dir);
            stop();
            return;
          }
          render();
        });
      }
      return;
    }
    std::int64_t wait = s.record.next_poll.value_or(unix_now()) - unix_now();
    schedule(task, std::chrono::seconds(std::max<std::int64_t>(wait, 1)));
    if (changed) render_soon();
  }

  // Every output file (and the index page) exists and is no older than the
  // config file: for --once runs in which no feed changed.
  bool outputs_current() const {
    if (config_.path.empty()) return false;
    std::error_code ec;
    auto config_time = fs::last_write_time(config_.path, ec);
    if (ec) return false;
    std::vector<std::string> files{"index.html"};
    for (const auto& o : config_.outputs) {
      for (const auto& f : output_formats()) {
        if (std::find(o.formats.begin(), o.formats.end(), f.name) != o.formats.end()) {
          files.push_back(fmt::format("{}.{}", o.name, f.extension));
        }
      }
    }
    return std::all_of(files.begin(), files.end(), [&](const std::string& file) {
      std::error_code e;
      auto t = fs::last_write_time(fs::path(config_.daemon.output_dir) / file, e);
      return !e && t >= config_time;
    });
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    if (!options_.once) notify::stopping();
    boost::system::error_code ec;
    signals_.cancel(ec);
    render_timer_.cancel();
    maintenance_timer_.cancel();
    watchdog_.stop();
    if (reloader_) reloader_->stop();
    for (auto& t : tasks_) t->timer.cancel();
    if (articles_) articles_->stop();
    queue_.clear();
    server_.stop();
    client_.cancel_all();
    work_.reset();
  }

  // ---- reload and maintenance ----------------------------------------------

  void start_reloader() {
    if (options_.config_path.empty()) return;
    reloader_.emplace(io_, options_.config_path, options_.config_text,
                      [this](config::Config next) { apply(std::move(next)); });
    reloader_->start(config_.daemon.reload_on_change);
  }

  // A reloaded config, on the io thread: feeds added start polling (with
  // the state the store kept if they were there before), feeds removed stop
  // and leave the outputs (their items stay stored), changed feeds keep
  // their state and take their new settings; the outputs render again.
  // [daemon] keys that shape the running process keep their values.
  void apply(config::Config next) {
    config::ConfigDiff d = config::diff(config_, next);
    for (const auto& key : d.needs_restart) {
      log::warning("config: {} changed: takes effect after a restart", key);
    }
    next.daemon.state_dir = config_.daemon.state_dir;
    next.daemon.output_dir = config_.daemon.output_dir;
    next.daemon.listen = config_.daemon.listen;
    next.daemon.socket = config_.daemon.socket;
    next.daemon.public_url = config_.daemon.public_url;
    next.daemon.allow_private = config_.daemon.allow_private;

    std::map<std::string, const config::FeedConfig*> wanted;
    for (const auto& f : next.feeds) {
      if (f.enabled) wanted[f.url] = &f;
    }
    const std::set<std::string> removed(d.removed.begin(), d.removed.end());
    const std::set<std::string> changed(d.changed.begin(), d.changed.end());
    for (auto& t : tasks_) {
      if (removed.contains(t->config.url)) {
        t->removed = true;
        t->timer.cancel();
        feed_ids_.erase(t->config.url);
      } else if (changed.contains(t->config.url)) {
        t->config = *wanted.at(t->config.url);
      }
    }
    std::erase_if(tasks_, [](const auto& t) { return t->removed && !t->busy; });
    config_ = std::move(next);
    metrics_.add("tributary_config_reloads_total", {{"result", "ok"}});
    metrics_.add("tributary_config_generation");
    policy_.floor = config_.daemon.min_interval;
    for (auto& t : tasks_) {
      if (changed.contains(t->config.url)) reschedule(*t);
    }

    std::vector<config::FeedConfig> added;
    for (const auto& url : d.added) added.push_back(*wanted.at(url));
    log::info("config: reloaded: {} added, {} removed, {} changed, {} unchanged", d.added.size(),
              d.removed.size(), d.changed.size(), d.unchanged.size());
    if (!added.empty()) {
      asio::post(store_strand_, [this, added = std::move(added)]() mutable {
        std::vector<std::pair<config::FeedConfig, Result<FeedState>>> states;
        for (auto& f : added) {
          auto state = store_->feed(f.url);
          states.emplace_back(std::move(f), std::move(state));
        }
        asio::post(io_, [this, states = std::move(states)] {
          if (stopping_) return;
          std::int64_t now = unix_now();
          for (const auto& [f, state] : states) {
            if (!state) {
              log::error("feed {}: {}", f.url, state.error().message);
              continue;
            }
            FeedTask& task = add_task(f, *state);
            std::int64_t wait = task.state.next_poll ? *task.state.next_poll - now : 0;
            schedule(task, std::chrono::seconds(std::max<std::int64_t>(wait, 0)));
          }
          render_soon();
        });
      });
    }
    if (d.feeds_changed() || d.outputs_changed) render_soon();
  }

  // A feed whose settings changed: when its new interval makes it due
  // sooner than planned (and it is not backing off or held), poll it then.
  void reschedule(FeedTask& task) {
    if (task.busy || task.state.error_count > 0 || !task.state.hold.empty() || !task.state.last_poll) return;
    auto due_at = std::chrono::steady_clock::now() +
                  std::chrono::seconds(*task.state.last_poll + interval_of(task).count() - unix_now());
    if (due_at >= task.timer.expiry()) return;
    schedule(task, std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::max(due_at - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration{})));
  }

  // A task a reload removed, once nothing refers to it any more.
  void drop_task(FeedTask& task) {
    std::erase_if(tasks_, [&task](const auto& t) { return t.get() == &task; });
  }

  // Retention ([retention]): a batch at a time on the store strand, hourly,
  // sooner while more are due.
  void schedule_maintenance(std::chrono::seconds delay) {
    maintenance_timer_.expires_after(delay);
    maintenance_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopping_) return;
      asio::post(store_strand_, [this, config = config_, ids = feed_ids_] {
        auto [retired_now, more_due] = retire_old_items(config, ids);
        asio::post(io_, [this, retired = retired_now, more = more_due] {
          if (stopping_) return;
          if (retired > 0) render_soon();
          schedule_maintenance(more ? std::chrono::seconds(1) : std::chrono::seconds(3600));
        });
      });
    });
  }

  // On the store strand: how many items were retired, and whether more are due.
  std::pair<std::size_t, bool> retire_old_items(const config::Config& config,
                                                const std::map<std::string, std::int64_t>& ids) {
    std::vector<OutputWindow> windows;
    for (const auto& o : config.outputs) windows.push_back(OutputWindow{o.limit, output_feed_ids(o, config, ids)});
    std::int64_t now = unix_now();
    auto plan = retention_plan(store_->db(), config.retention, windows, now);
    if (!plan) {
      log::error("retention: {}", plan.error().message);
      return {0, false};
    }
    if (plan->item_ids.empty()) return {0, false};
    if (auto r = store_->retire(plan->item_ids, now); !r) {
      log::error("retention: {}", r.error().message);
      return {0, false};
    }
    log::info("retention: {} old items deleted ({} more kept: listed in an output)", plan->item_ids.size(),
              plan->kept_for_outputs);
    metrics_.add("tributary_retention_deleted_total", {}, static_cast<double>(plan->item_ids.size()));
    metrics_.add("tributary_store_items", {}, -static_cast<double>(plan->item_ids.size()));
    return {plan->item_ids.size(), plan->more};
  }

  static constexpr std::size_t kMaxItemsPerPoll = 1000;
  config::Config config_;
  RunOptions options_;
  unsigned threads_;
  asio::io_context io_;
  asio::thread_pool pool_;
  asio::strand<asio::thread_pool::executor_type> store_strand_;
  asio::strand<asio::thread_pool::executor_type> large_strand_;  // parses of large documents
  Metrics metrics_;  // before server_, whose routes use it
  HttpClient client_;
  FetchQueue queue_;
  HttpServer server_;
  asio::signal_set signals_;
  asio::steady_timer render_timer_;
  asio::steady_timer maintenance_timer_;
  Watchdog watchdog_;
  std::optional<ConfigReloader> reloader_;
  Publisher publisher_;
  std::vector<Origin> allowed_origins_ = allowed_origins();
  SchedulePolicy policy_;
  std::mt19937_64 jitter_;  // store strand only
  std::string db_path_;
  std::optional<Store> store_;
  std::optional<sqlite::BackgroundCheckpoint> checkpoint_;  // of store_'s log; before store_ closes
  std::optional<SiteRuleLibrary> site_rules_;
  std::optional<ArticleFetcher> articles_;  // io thread; uses client_, queue_, store_
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<FeedTask>> tasks_;
  std::map<std::string, std::int64_t> feed_ids_;
  std::mutex pending_mutex_;
  Pending pending_;  // guarded by pending_mutex_
  bool store_scheduled_ = false;  // guarded by pending_mutex_
  int backlog_ = 0;               // fetched, not yet stored; io thread
  int remaining_ = 0;
  bool stopping_ = false;
  bool render_pending_ = false;
  bool fetched_any_ = false;  // some poll parsed a document (io thread)
  Progress progress_;
  ProgressCounts progress_counts_;
  mutable std::mutex stats_mutex_;
  RunStats stats_;
  std::string store_error_;  // of the last store transaction; guarded by stats_mutex_
  std::uint64_t polls_finished_ = 0;  // io thread
};

App::App(config::Config config, RunOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), options)) {}
App::~App() = default;
int App::run() { return impl_->run(); }
void App::request_stop() { impl_->request_stop(); }
unsigned short App::port() const { return impl_->port(); }
RunStats App::stats() const { return impl_->stats(); }

}  // namespace tributary::daemon
