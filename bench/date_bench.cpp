// Google Benchmark for feeds::parse_date on the shapes feeds write most
// (fast paths) and on the variants that take the general parsers.
//
//   cmake --build build/<dir> --target date_bench && build/<dir>/bench/date_bench

#include <chrono>
#include <string_view>

#include <benchmark/benchmark.h>

#include "feeds/date.h"

namespace {

using tributary::feeds::parse_date;

void parse(benchmark::State& state, std::string_view text) {
  for (auto _ : state) {
    auto t = parse_date(text);
    benchmark::DoNotOptimize(t);
  }
}

BENCHMARK_CAPTURE(parse, rfc3339_z, std::string_view("2003-12-31T10:14:55Z"));
BENCHMARK_CAPTURE(parse, rfc3339_offset_fraction, std::string_view("2007-04-23T23:25:47.538+10:00"));
BENCHMARK_CAPTURE(parse, rfc822_numeric, std::string_view("Wed, 31 Dec 2003 10:14:55 +0000"));
BENCHMARK_CAPTURE(parse, rfc822_gmt, std::string_view("Thu, 01 Jan 2004 19:48:21 GMT"));
BENCHMARK_CAPTURE(parse, rfc822_est, std::string_view("Wed, 31 Dec 2003 10:14:55 EST"));
BENCHMARK_CAPTURE(parse, rfc822_no_seconds, std::string_view("Thu, 1 Jan 2004 19:48 +0100"));
BENCHMARK_CAPTURE(parse, w3dtf_date_only, std::string_view("2003-12-31"));
BENCHMARK_CAPTURE(parse, mssql, std::string_view("2004-07-08 23:56:58.0"));
BENCHMARK_CAPTURE(parse, german, std::string_view("Mi, 31 Dezember 2003 10:14:55 +0100"));
BENCHMARK_CAPTURE(parse, russian, std::string_view("Ср, 31 дек 2003 10:14:55 +0300"));
BENCHMARK_CAPTURE(parse, twelve_hour, std::string_view("Sat, 1 Jun 2024 3:05 PM"));
BENCHMARK_CAPTURE(parse, garbage, std::string_view("not a date at all"));

void format_rfc3339(benchmark::State& state) {
  const std::chrono::sys_seconds t{std::chrono::seconds{1072865695}};
  for (auto _ : state) benchmark::DoNotOptimize(tributary::feeds::format_rfc3339(t));
}
BENCHMARK(format_rfc3339);

}  // namespace

BENCHMARK_MAIN();
