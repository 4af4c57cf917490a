// Runs feedparser's own sanitizer conformance cases (tests/wellformed/sanitize
// of kurtmckee/feedparser, copied read-only to ../shared/corpora/feedparser)
// through feeds::html::sanitize. Each case is a small feed whose leading
// comment says, as a Python expression, what the sanitized value of one
// element must be:
//
//   Expect:  not bozo and entries[0]['description'] == '<a href="">safe</a>'
//
// The test reads the element's raw HTML with pugixml (escaped text, CDATA,
// base64 or inline XHTML), sanitizes it with an empty base, and compares by
// meaning: both sides entity-decoded and whitespace-collapsed, since
// feedparser writes &#39; where we write ', and keeps runs of blank lines.
// Cases where tributary deliberately differs are listed in kDeviations with
// the reason; every other case must pass, and the whole set must pass at
// ≥ 95 %.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "feeds/html/entities.h"
#include "feeds/html/sanitize.h"

namespace {

namespace fs = std::filesystem;
using tributary::feeds::html::decode_entities;
using tributary::feeds::html::sanitize;

const fs::path kCorpus = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "corpora" / "feedparser" /
                         "wellformed" / "sanitize";

// Deliberate differences from feedparser, by part of the file name.
const std::map<std::string, std::string, std::less<>> kDeviations = {
    {"acceptable_element_form", "<form> is dropped (phishing; the XSS checker flags it)"},
    {"feed_title_unacceptable_uri", "an unsafe href is removed, not emptied: href=\"\" is a link to the document "
                                    "itself, which moves wherever the content is republished"},
    {"acceptable_element_command", "<command> is not a void element in HTML5 browsers"},
    {"_crazy", "comments and the text of a <script> opened as `<script\\n\\n>` are dropped (feedparser keeps both)"},
    {"xml_malicious_comment", "an HTML5 comment without --> runs to the end (feedparser resumes at >)"},
    {"item_content_encoded_script_nested_cdata", "<![CDATA[ in HTML is a bogus comment (HTML5), not text"},
    {"xml_declaration_unexpected_character", "an unterminated <!DOCTYPE is dropped, as browsers do"},
};

bool is_deviation(std::string_view name) {
  return std::any_of(kDeviations.begin(), kDeviations.end(),
                     [&](const auto& d) { return name.find(d.first) != std::string_view::npos; });
}

// --- the Expect expression

// Parses the Python string expression after "==": literals ('..', "..",
// u'..') joined by '+'. Returns false when it is not of that shape.
bool parse_python_string(std::string_view s, std::string& out) {
  out.clear();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  for (;;) {
    skip_space();
    if (i < s.size() && s[i] == 'u') ++i;
    if (i >= s.size() || (s[i] != '\'' && s[i] != '"')) return false;
    const char quote = s[i++];
    while (i < s.size() && s[i] != quote) {
      char c = s[i++];
      if (c != '\\' || i >= s.size()) {
        out += c;
        continue;
      }
      c = s[i++];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'x':
        case 'u': {
          const std::size_t len = c == 'x' ? 2 : 4;
          const auto cp = static_cast<char32_t>(std::stoul(std::string(s.substr(i, len)), nullptr, 16));
          tributary::feeds::html::append_utf8(out, cp);
          i += len;
          break;
        }
        default: out += c;
      }
    }
    if (i >= s.size()) return false;
    ++i;
    skip_space();
    if (i >= s.size()) return true;
    if (s[i] != '+') return false;
    ++i;
  }
}

struct Expectation {
  bool feed_level = false;  // feed['x'] rather than entries[0]['x']
  std::string key;          // title, description, content, ...
  std::string value;
};

bool parse_expect(const std::string& doc, Expectation& e) {
  const std::size_t at = doc.find("Expect:");
  if (at == std::string::npos) return false;
  std::string line = doc.substr(at, doc.find('\n', at) - at);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  const std::size_t eq = line.find("==");
  if (eq == std::string::npos) return false;
  const std::string lhs = line.substr(0, eq);
  e.feed_level = lhs.find("feed[") != std::string::npos;
  const std::size_t k = lhs.find(e.feed_level ? "feed['" : "entries[0]['");
  if (k == std::string::npos) return false;
  const std::size_t kb = lhs.find('\'', k) + 1;
  e.key = lhs.substr(kb, lhs.find('\'', kb) - kb);
  return parse_python_string(std::string_view(line).substr(eq + 2), e.value);
}

// --- the element's raw HTML

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node find_descendant(const pugi::xml_node& root, std::string_view local) {
  for (pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) == local) return n;
    if (auto d = find_descendant(n, local)) return d;
  }
  return {};
}

pugi::xml_node find_child(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node n : parent.children()) {
    if (n.type() == pugi::node_element && local_name(n) == local) return n;
  }
  return {};
}

std::string base64_decode(std::string_view in) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : in) {
    int d = (c >= 'A' && c <= 'Z')   ? c - 'A'
            : (c >= 'a' && c <= 'z') ? c - 'a' + 26
            : (c >= '0' && c <= '9') ? c - '0' + 52
            : c == '+'               ? 62
            : c == '/'               ? 63
                                     : -1;
    if (d < 0) continue;
    value = (value << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

std::string raw_html(const pugi::xml_node& el) {
  std::string_view mode = el.attribute("mode").value();
  std::string_view type = el.attribute("type").value();
  bool has_elements = false;
  std::string text;
  for (pugi::xml_node c : el.children()) {
    if (c.type() == pugi::node_element) has_elements = true;
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  }
  if (mode == "base64") return base64_decode(text);
  if (!has_elements) return text;
  // Inline XML: serialize the children. Atom 1.0 type="xhtml" wraps them in
  // one <div> that is not part of the content.
  pugi::xml_node scope = el;
  if (type == "xhtml") {
    if (auto div = find_child(el, "div")) scope = div;
  }
  std::ostringstream xml;
  // Written as HTML would be: <applet ...></applet>, never <applet/>.
  for (pugi::xml_node c : scope.children()) {
    c.print(xml, "", pugi::format_raw | pugi::format_no_empty_element_tags);
  }
  return xml.str();
}

pugi::xml_node target_element(const pugi::xml_document& doc, const Expectation& e) {
  pugi::xml_node root = doc.document_element();
  pugi::xml_node scope;
  if (e.feed_level) {
    scope = local_name(root) == "feed" ? root : find_descendant(root, "channel");
  } else {
    scope = find_descendant(root, "entry");
    if (!scope) scope = find_descendant(root, "item");
  }
  if (!scope) return {};
  static const std::map<std::string, std::vector<std::string>, std::less<>> kCandidates = {
      {"title", {"title"}},
      {"description", {"summary", "description", "tagline", "subtitle", "content", "encoded", "body", "fullitem"}},
      {"summary", {"summary", "description", "content", "encoded", "body", "fullitem"}},
      {"content", {"content", "encoded", "body", "fullitem", "description"}},
      {"tagline", {"tagline", "subtitle", "description"}},
      {"subtitle", {"subtitle", "tagline", "description"}},
      {"info", {"info"}},
      {"copyright", {"copyright", "rights"}},
      {"rights", {"rights", "copyright"}},
  };
  auto it = kCandidates.find(e.key);
  if (it == kCandidates.end()) return {};
  for (const std::string& name : it->second) {
    if (auto n = find_child(scope, name)) return n;
  }
  return {};
}

// Compare by meaning: entities decoded, whitespace runs collapsed, trimmed.
std::string normalized(std::string_view html) {
  const std::string decoded = decode_entities(html);
  std::string out;
  bool space = false;
  for (char c : decoded) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FeedparserSanitizeCorpus, MatchesFeedparserExceptDocumentedDeviations) {
  if (!fs::is_directory(kCorpus)) GTEST_SKIP() << "corpus not found: " << kCorpus;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".xml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  int passed = 0, failed = 0, deviations_passing = 0, smoke = 0;
  std::vector<std::string> failures;
  for (const fs::path& path : files) {
    const std::string name = path.stem().string();
    const std::string doc = read_file(path);
    pugi::xml_document xml;
    ASSERT_TRUE(xml.load_buffer(doc.data(), doc.size())) << name;
    Expectation e;
    if (!parse_expect(doc, e)) {
      // "not bozo" only (e.g. the pathological-CSS feed): every text must
      // sanitize without trouble, twice to the same result.
      ++smoke;
      for (pugi::xpath_node n : xml.select_nodes("//*[text()]")) {
        const std::string once = sanitize(n.node().text().get(), "");
        EXPECT_EQ(sanitize(once, ""), once) << name;
      }
      continue;
    }
    const pugi::xml_node el = target_element(xml, e);
    ASSERT_TRUE(el) << name << ": no element for key " << e.key;
    const std::string got = sanitize(raw_html(el), "");
    const bool ok = normalized(got) == normalized(e.value);
    if (ok) {
      ++passed;
      if (is_deviation(name)) ++deviations_passing;
    } else {
      ++failed;
      failures.push_back(name);
      if (!is_deviation(name)) {
        ADD_FAILURE() << name << "\n  expected: " << e.value << "\n  got:      " << got;
      }
    }
  }
  std::printf("feedparser sanitize cases: %d passed, %d failed (%zu documented deviations), %d smoke-only\n",
              passed, failed, kDeviations.size(), smoke);
  for (const std::string& f : failures) std::printf("  failed: %s\n", f.c_str());
  EXPECT_EQ(deviations_passing, 0) << "a documented deviation now passes: update kDeviations";
  EXPECT_GE(passed * 100, (passed + failed) * 95) << "pass rate below 95 %";
}

}  // namespace
