// Google Benchmark for feeds::html::extract (parse, score, clean, sanitize)
// over the article-extraction corpora in ../shared when they are present,
// else over the golden fixture pages in tests/fixtures/html.
//
//   cmake --build build/<dir> --target extract_bench && build/<dir>/bench/extract_bench
//
// The `pages_per_cpu_second` counter is pages divided by the process CPU
// time (user + sys) spent in the timed loop: the project's speed figure.
// Stage benchmarks (parse_only, ...) show where the time goes.

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "feeds/html/dom.h"
#include "feeds/html/extract.h"
#include "feeds/html/prescan.h"

namespace {

namespace fs = std::filesystem;
namespace html = tributary::feeds::html;

struct Page {
  std::string html;
  std::string url;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// aeb pages (html/<id>.html), Readability test pages (test-pages/*/source.html),
// or the fixtures.
std::vector<Page> load_pages(const std::string& which) {
  std::vector<Page> pages;
  fs::path shared = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "corpora" / "extraction";
  std::error_code ec;
  if (which == "aeb" && fs::is_directory(shared / "aeb" / "html", ec)) {
    for (const auto& e : fs::directory_iterator(shared / "aeb" / "html")) {
      if (e.path().extension() == ".html") pages.push_back({read_file(e.path()), "https://example.com/article"});
    }
  } else if (which == "readability" && fs::is_directory(shared / "readability" / "test-pages", ec)) {
    for (const auto& e : fs::directory_iterator(shared / "readability" / "test-pages")) {
      fs::path source = e.path() / "source.html";
      if (fs::exists(source)) pages.push_back({read_file(source), "http://fakehost/test/page.html"});
    }
  } else if (which == "fixtures") {
    for (const auto& e : fs::directory_iterator(fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "fixtures" / "html")) {
      if (e.path().extension() == ".html") pages.push_back({read_file(e.path()), "https://example.com/page"});
    }
  }
  return pages;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class Fn>
void run_corpus(benchmark::State& state, const std::string& which, Fn fn) {
  static std::vector<Page> pages;
  static std::string loaded;
  if (loaded != which) {
    pages = load_pages(which);
    loaded = which;
  }
  if (pages.empty()) {
    state.SkipWithError(("corpus '" + which + "' not present (../shared missing?)").c_str());
    return;
  }
  std::size_t done = 0;
  std::size_t bytes = 0;
  double cpu_start = cpu_seconds();
  for (auto _ : state) {
    for (const auto& p : pages) {
      fn(p);
      bytes += p.html.size();
    }
    done += pages.size();
  }
  double cpu = cpu_seconds() - cpu_start;
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["pages"] = static_cast<double>(pages.size());
  state.counters["pages_per_cpu_second"] = cpu > 0 ? static_cast<double>(done) / cpu : 0;
}

void extract_pages(benchmark::State& state, const std::string& which) {
  run_corpus(state, which, [](const Page& p) {
    auto a = html::extract(p.html, p.url);
    benchmark::DoNotOptimize(a);
  });
}

void parse_only(benchmark::State& state, const std::string& which) {
  run_corpus(state, which, [](const Page& p) {
    auto parsed = html::parse_html(p.html);
    benchmark::DoNotOptimize(parsed);
  });
}

void prescan_only(benchmark::State& state, const std::string& which) {
  run_corpus(state, which, [](const Page& p) {
    auto prepared = html::prepare_html(p.html);
    benchmark::DoNotOptimize(prepared);
  });
}

BENCHMARK_CAPTURE(extract_pages, aeb, std::string("aeb"))->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(extract_pages, readability, std::string("readability"))->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(extract_pages, fixtures, std::string("fixtures"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_only, aeb, std::string("aeb"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prescan_only, aeb, std::string("aeb"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
