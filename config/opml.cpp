#include "config/opml.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "feeds/decode.h"
#include "feeds/url.h"

namespace tributary::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Character references may name what UTF-8 cannot hold (&#xD800;), which
// pugixml writes out as it is: such bytes become U+FFFD.
std::string valid_utf8(std::string_view s) {
  if (feeds::is_valid_utf8(s)) return std::string(s);
  std::string out;
  bool had_errors = false;
  feeds::convert_to_utf8(s, "UTF-8", out, had_errors);
  return out;
}

// Attribute names differ in case between exporters (xmlUrl, xmlurl, XMLURL).
std::string attribute(const pugi::xml_node& node, std::string_view name) {
  for (const auto& a : node.attributes()) {
    if (iequals(a.name(), name)) return valid_utf8(trim(a.value()));
  }
  return {};
}

// Tags are single words in practice, but any non-empty text works as long as
// it has no line breaks (it becomes a TOML string and an output filter).
std::string clean_tag(std::string_view tag) {
  std::string out;
  for (char c : trim(tag)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

// Folder "Linux" and category "/linux" are one tag: the first spelling wins.
// `seen` holds the tags so far in lower case (a feed may carry thousands).
void add_tag(std::vector<std::string>& tags, std::set<std::string>& seen, std::string_view tag) {
  std::string t = clean_tag(tag);
  std::string folded = t;
  for (char& c : folded) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  if (!t.empty() && seen.insert(std::move(folded)).second) tags.push_back(std::move(t));
}

// Exports nest folders a level or two deep. The limit bounds the walk's
// recursion and the folders each feed inherits, whatever the file holds.
constexpr std::size_t kMaxDepth = 100;

// Walks outlines depth first; `folders` are the titles of the enclosing
// outlines that are not feeds themselves. Returns false when outlines nest
// deeper than kMaxDepth.
bool collect(const pugi::xml_node& parent, std::vector<std::string>& folders,
             std::vector<OpmlFeed>& out, std::size_t depth = 0) {
  if (depth > kMaxDepth) return false;
  for (const auto& node : parent.children()) {
    if (!iequals(node.name(), "outline")) continue;
    std::string url = attribute(node, "xmlUrl");
    std::string title = attribute(node, "title");
    if (title.empty()) title = attribute(node, "text");
    if (url.empty()) {
      // A folder: its title tags every feed inside it.
      bool named = !clean_tag(title).empty();
      if (named) folders.push_back(clean_tag(title));
      if (!collect(node, folders, out, depth + 1)) return false;
      if (named) folders.pop_back();
      continue;
    }
    auto scheme = feeds::url_scheme(url);
    if (scheme == "http" || scheme == "https") {
      OpmlFeed f;
      f.url = url;
      if (title != url) f.title = title;
      f.html_url = attribute(node, "htmlUrl");
      std::set<std::string> seen;
      for (const auto& folder : folders) add_tag(f.tags, seen, folder);
      // OPML 2.0: "a string of comma-separated slash-delimited category strings".
      const std::string categories = attribute(node, "category");
      std::string_view rest = categories;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view path = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (path.ends_with('/')) path.remove_suffix(1);
        auto slash = path.rfind('/');
        add_tag(f.tags, seen, slash == std::string_view::npos ? path : path.substr(slash + 1));
      }
      out.push_back(std::move(f));
    }
    // An outline with an xmlUrl may still nest others (rare, but seen).
    if (!collect(node, folders, out, depth + 1)) return false;
  }
  return true;
}

}  // namespace

std::string toml_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += fmt::format("\\u{:04X}", u);
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

Result<std::vector<OpmlFeed>> parse_opml(std::string_view xml) {
  // Exports come in any encoding (BOM, UTF-16, a declared windows-1251);
  // the feed decoder settles it, and every string below is valid UTF-8.
  feeds::Decoded decoded = feeds::decode_xml(xml, "");
  pugi::xml_document doc;
  // parse_default has no DTD processing: entities other than the five XML
  // ones and character references stay unexpanded.
  auto parsed = doc.load_buffer(decoded.text.data(), decoded.text.size(), pugi::parse_default,
                                pugi::encoding_utf8);
  if (!parsed) {
    return fail(Errc::invalid_input,
                fmt::format("opml: not well-formed XML at byte {}: {}", parsed.offset,
                            parsed.description()));
  }
  pugi::xml_node root = doc.document_element();
  if (!iequals(root.name(), "opml")) {
    return fail(Errc::invalid_input,
                fmt::format("opml: the root element is <{}>, not <opml>", root.name()));
  }
  std::vector<OpmlFeed> out;
  std::vector<std::string> folders;
  for (const auto& node : root.children()) {
    if (iequals(node.name(), "body") && !collect(node, folders, out)) {
      return fail(Errc::invalid_input, fmt::format("opml: outlines nested deeper than {} levels", kMaxDepth));
    }
  }
  return out;
}

std::string write_opml(const std::vector<OpmlFeed>& feeds, std::string_view title) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto opml = doc.append_child("opml");
  opml.append_attribute("version") = "2.0";
  opml.append_child("head").append_child("title").text().set(std::string(title).c_str());
  auto body = opml.append_child("body");

  auto add_feed = [](pugi::xml_node parent, const OpmlFeed& f) {
    auto o = parent.append_child("outline");
    const std::string& text = f.title.empty() ? f.url : f.title;
    o.append_attribute("type") = "rss";
    o.append_attribute("text") = text.c_str();
    o.append_attribute("title") = text.c_str();
    o.append_attribute("xmlUrl") = f.url.c_str();
    if (!f.html_url.empty()) o.append_attribute("htmlUrl") = f.html_url.c_str();
    if (!f.tags.empty()) {
      std::string category;
      for (const auto& t : f.tags) category += (category.empty() ? "/" : ",/") + t;
      o.append_attribute("category") = category.c_str();
    }
  };

  std::vector<std::string> folder_order;
  std::map<std::string, std::vector<const OpmlFeed*>> by_folder;
  for (const auto& f : feeds) {
    if (f.tags.empty()) {
      add_feed(body, f);
      continue;
    }
    auto [it, fresh] = by_folder.try_emplace(f.tags.front());
    if (fresh) folder_order.push_back(f.tags.front());
    it->second.push_back(&f);
  }
  for (const auto& name : folder_order) {
    auto folder = body.append_child("outline");
    folder.append_attribute("text") = name.c_str();
    folder.append_attribute("title") = name.c_str();
    for (const OpmlFeed* f : by_folder[name]) add_feed(folder, *f);
  }
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } writer;
  doc.save(writer, "  ", pugi::format_default, pugi::encoding_utf8);
  return std::move(writer.out);
}

std::vector<OpmlFeed> opml_feeds(const Config& config) {
  std::vector<OpmlFeed> out;
  out.reserve(config.feeds.size());
  for (const auto& f : config.feeds) out.push_back(OpmlFeed{f.url, f.title, "", f.tags});
  return out;
}

FeedsAppended append_feeds(std::string_view toml_text, const Config& existing,
                           const std::vector<OpmlFeed>& feeds, std::string_view comment) {
  FeedsAppended result;
  std::set<std::string> known;
  for (const auto& f : existing.feeds) known.insert(feed_identity(f.url));
  std::vector<std::string> tables;
  for (const auto& f : feeds) {
    if (auto problem = feed_url_problem(f.url); !problem.empty()) {
      result.rejected.push_back(f.url + ": " + problem);
      continue;
    }
    if (!known.insert(feed_identity(f.url)).second) {
      result.skipped.push_back(f.url);
      continue;
    }
    result.added.push_back(f.url);
    std::string table = "[[feed]]\nurl = " + toml_string(f.url) + "\n";
    if (!f.title.empty()) table += "title = " + toml_string(f.title) + "\n";
    if (!f.tags.empty()) {
      table += "tags = [";
      for (std::size_t i = 0; i < f.tags.size(); ++i) {
        table += (i ? ", " : "") + toml_string(f.tags[i]);
      }
      table += "]\n";
    }
    tables.push_back(std::move(table));
  }
  result.text = std::string(toml_text);
  if (tables.empty()) return result;
  if (!result.text.empty() && result.text.back() != '\n') result.text += '\n';
  if (!result.text.empty()) result.text += '\n';
  if (!comment.empty()) {
    result.text += "# ";
    for (char c : comment) result.text += (c == '\n' || c == '\r') ? ' ' : c;
    result.text += '\n';
  }
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i) result.text += '\n';
    result.text += tables[i];
  }
  return result;
}

}  // namespace tributary::config
