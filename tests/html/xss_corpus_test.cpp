// Runs the shared XSS payload corpus (../shared/hostile/xss) through
// feeds::html::sanitize and has the corpus's own checker judge the result.
//
// make_feeds.py embeds every payload in several places ("units", named like
// xss-042.rd); this test builds the Atom feed an aggregator would publish
// after sanitizing those embeddings: for html payloads the description /
// content:encoded / Atom content (rd, rc, ah) and the HTML titles (rt, at,
// "[unit] payload"), for url payloads the HTML link+image description (rh),
// for xhtml payloads the Atom content and summary (ax, ay). Bare link fields
// (rl, re, al, ae) and the feed-structure specials are not the sanitizer's
// job and are left to the parser/writer tests; the checker lists them as
// missing, which it counts as safe. The test then runs
//
//   python3 check_sanitized.py FEED -q
//
// and requires "N passed, 0 failed". It also checks that the benign control
// payloads keep their text and links.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "feeds/html/sanitize.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using tributary::feeds::html::html_to_text;
using tributary::feeds::html::sanitize;

const fs::path kXss = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "hostile" / "xss";
constexpr std::string_view kBase = "https://example.com/";

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
  return s;
}

std::string entry(std::string_view unit, std::string_view title_element, std::string_view content_html) {
  std::string e = "<entry>\n";
  e += title_element;
  e += "\n<id>urn:tributary-xss:" + std::string(unit) + "</id>\n<updated>2024-01-01T00:00:00Z</updated>\n";
  e += "<link href=\"https://example.com/xss/" + std::string(unit) + "\"/>\n";
  e += "<content type=\"html\">" + xml_escape(content_html) + "</content>\n</entry>\n";
  return e;
}

std::string text_title(std::string_view unit) {
  return "<title type=\"text\">[" + std::string(unit) + "] sanitized</title>";
}

json::value read_json(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  return json::parse(text);
}

TEST(XssCorpus, CheckerFindsNothingInSanitizedPayloads) {
  const fs::path payloads = kXss / "payloads.json";
  const fs::path checker = kXss / "check_sanitized.py";
  if (!fs::exists(payloads) || !fs::exists(checker)) GTEST_SKIP() << "XSS corpus not found: " << kXss;
  if (std::system("python3 -c pass >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 not available";

  std::string feed =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "<title>tributary sanitizer output</title>\n<id>urn:tributary-xss:sanitizer</id>\n"
      "<updated>2024-01-01T00:00:00Z</updated>\n<link href=\"https://example.com/\"/>\n";
  int units = 0;
  const json::value corpus = read_json(payloads);
  for (const json::value& v : corpus.at("payloads").as_array()) {
    const json::object& p = v.as_object();
    const std::string id(p.at("id").as_string());
    const std::string context(p.at("context").as_string());
    const std::string payload(p.at("payload").as_string());
    if (context == "html") {
      for (std::string_view emb : {"rd", "rc", "ah"}) {
        const std::string unit = id + "." + std::string(emb);
        feed += entry(unit, text_title(unit), sanitize(payload, kBase));
        ++units;
      }
      for (std::string_view emb : {"rt", "at"}) {
        const std::string unit = id + "." + std::string(emb);
        const std::string title = sanitize("[" + unit + "] " + payload, kBase);
        feed += entry(unit, "<title type=\"html\">" + xml_escape(title) + "</title>", "payload is in the title");
        ++units;
      }
    } else if (context == "url") {
      const std::string unit = id + ".rh";
      const std::string quoted = replace_all(payload, "\"", "&quot;");
      const std::string html = "<a href=\"" + quoted + "\">link</a> <img src=\"" + quoted + "\">";
      feed += entry(unit, text_title(unit), sanitize(html, kBase));
      ++units;
    } else if (context == "xhtml") {
      for (std::string_view emb : {"ax", "ay"}) {
        const std::string unit = id + "." + std::string(emb);
        feed += entry(unit, text_title(unit), sanitize(payload, kBase));
        ++units;
      }
    }
  }
  feed += "</feed>\n";

  const fs::path out = fs::temp_directory_path() / ("tributary_xss_" + std::to_string(::getpid()) + ".atom");
  {
    std::ofstream f(out, std::ios::binary);
    f << feed;
  }
  const std::string command = "python3 '" + checker.string() + "' '" + out.string() + "' -q 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string report;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) report += buffer;
  ::pclose(pipe);
  fs::remove(out);

  std::printf("%s", report.c_str());
  int passed = -1, failed = -1;
  const std::size_t last = report.rfind('\n', report.size() >= 2 ? report.size() - 2 : 0);
  std::sscanf(report.c_str() + (last == std::string::npos ? 0 : last + 1), "%d passed, %d failed", &passed,
              &failed);
  EXPECT_EQ(failed, 0) << report;
  EXPECT_EQ(passed, units);
}

TEST(XssCorpus, BenignControlsKeepTheirTextAndLinks) {
  const fs::path payloads = kXss / "payloads.json";
  if (!fs::exists(payloads)) GTEST_SKIP() << "XSS corpus not found: " << kXss;
  int checked = 0;
  const json::value corpus = read_json(payloads);
  for (const json::value& v : corpus.at("payloads").as_array()) {
    const json::object& p = v.as_object();
    if (!p.at("benign").as_bool() || p.at("context").as_string() == "url") continue;
    const std::string payload(p.at("payload").as_string());
    SCOPED_TRACE(payload);
    const std::string out = sanitize(payload, kBase);
    EXPECT_EQ(html_to_text(out), html_to_text(payload));
    for (std::string_view attr : {"href=", "src="}) {
      if (payload.find(attr) != std::string::npos) {
        EXPECT_NE(out.find(attr), std::string::npos) << attr << " lost";
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
