// Google Benchmark for the daemon's per-article CPU work: process_article
// (daemon/articles.h) on raw page bytes as a fetch returns them, i.e. the
// HTML check, charset decoding (feeds::html::decode_page), extraction and
// sanitizing, and the length checks. Pages are the aeb corpus in ../shared.
//
//   cmake --build build/<dir> --target article_bench && build/<dir>/bench/article_bench
//
// `pages_per_cpu_second` is pages divided by the process CPU time (user +
// sys) of the timed loop; compare with extract_bench's extract-only figure.

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "daemon/articles.h"
#include "feeds/html/decode_page.h"

namespace {

namespace fs = std::filesystem;
using namespace tributary::daemon;

std::vector<std::string> load_aeb() {
  std::vector<std::string> pages;
  fs::path dir = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "corpora" / "extraction" / "aeb" / "html";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return pages;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".html") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    pages.push_back(s.str());
  }
  return pages;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class Fn>
void run(benchmark::State& state, Fn fn) {
  static const std::vector<std::string> pages = load_aeb();
  if (pages.empty()) {
    state.SkipWithError("the aeb corpus is not present (../shared missing?)");
    return;
  }
  std::size_t done = 0, bytes = 0;
  double start = cpu_seconds();
  for (auto _ : state) {
    for (const auto& p : pages) {
      fn(p);
      bytes += p.size();
    }
    done += pages.size();
  }
  double cpu = cpu_seconds() - start;
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["pages"] = static_cast<double>(pages.size());
  state.counters["pages_per_cpu_second"] = cpu > 0 ? static_cast<double>(done) / cpu : 0;
}

void process_article_aeb(benchmark::State& state) {
  ArticlePolicy policy;
  ArticleJob job{1, "https://example.com/article", 1, 0, 0, {}};
  run(state, [&](const std::string& page) {
    FetchResult fetched;
    fetched.status = FetchStatus::ok;
    fetched.http_status = 200;
    fetched.content_type = "text/html";
    fetched.effective_url = job.url;
    fetched.body = page;  // the copy stands for the body a fetch hands over
    ArticleRecord r = process_article(job, std::move(fetched), policy, nullptr, 0);
    benchmark::DoNotOptimize(r);
  });
}

void decode_page_aeb(benchmark::State& state) {
  run(state, [](const std::string& page) {
    auto decoded = tributary::feeds::html::decode_page(page, "text/html");
    benchmark::DoNotOptimize(decoded);
  });
}

BENCHMARK(process_article_aeb)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(decode_page_aeb)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
