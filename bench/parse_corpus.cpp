// parse_corpus: feeds::parse_document over a corpus of feed files in one
// process, timed in CPU seconds.
//
//   parse_corpus [--json] [--repeat N] CORPUS_DIR|FILE...
//
// With a directory, the files are those CORPUS_DIR/feeds.txt lists (the layout
// of shared/bench/gen_feeds.py). The files are read one at a time into one
// buffer reused for all of them, as `tributary parse` reads them (and as
// sfeed reads its input): memory stays at the size of the largest file, and
// the CPU time includes the read(2) calls, not page faults of a corpus-sized
// copy. The full model is built (charset decoding, recovery, every dialect's
// fields, dates, URL resolution, HTML sanitizing). --json also serializes
// each feed as `tributary parse --json` prints it.
// Prints files, bytes, items, bozo count, CPU seconds (user+sys of this
// process while reading and parsing), MB/s and items/s on CPU time, and peak
// RSS.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "feeds/json_dump.h"
#include "feeds/parse.h"

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Reads the file into `out`, reusing its capacity.
bool read_file(const std::string& path, std::string& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = fstat(fd, &st) == 0;
  out.resize(ok ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t got = 0;
  while (ok && got < out.size()) {
    ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n < 0) ok = false;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fd);
  out.resize(got);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false;
  int repeat = 1;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: parse_corpus [--json] [--repeat N] CORPUS_DIR|FILE...\n");
    return 2;
  }
  if (paths.size() == 1) {
    std::ifstream list(paths[0] + "/feeds.txt");
    if (list) {
      std::string dir = paths[0];
      paths.clear();
      for (std::string line; std::getline(list, line);) {
        if (!line.empty()) paths.push_back(dir + "/" + line);
      }
    }
  }
  tributary::feeds::Source source;
  std::string doc;
  std::size_t bytes = 0;
  std::size_t items = 0;
  std::size_t bozo = 0;
  std::size_t json_bytes = 0;
  double start = cpu_seconds();
  for (int r = 0; r < repeat; ++r) {
    for (const std::string& path : paths) {
      if (!read_file(path, doc)) {
        std::fprintf(stderr, "parse_corpus: cannot read %s\n", path.c_str());
        return 1;
      }
      if (r == 0) bytes += doc.size();
      tributary::feeds::Feed feed = tributary::feeds::parse_document(doc, source);
      items += feed.entries.size();
      bozo += feed.bozo ? 1 : 0;
      if (json) json_bytes += boost::json::serialize(tributary::feeds::to_json(feed)).size();
    }
  }
  double cpu = cpu_seconds() - start;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double total = static_cast<double>(bytes) * repeat;
  std::printf(
      "tributary parse_corpus%s: files=%zu bytes=%zu items=%zu bozo=%zu cpu=%.3fs MB/s=%.1f "
      "items/s=%.0f peak_rss_kb=%ld%s\n",
      json ? " --json" : "", paths.size(), bytes, items / static_cast<std::size_t>(repeat),
      bozo / static_cast<std::size_t>(repeat), cpu, total / 1e6 / cpu,
      static_cast<double>(items) / cpu, ru.ru_maxrss,
      json ? (" json_bytes=" + std::to_string(json_bytes / static_cast<std::size_t>(repeat))).c_str()
           : "");
  return 0;
}
