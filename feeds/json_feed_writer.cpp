// JSON Feed 1.1 writer (https://jsonfeed.org/version/1.1). Strings are
// cleaned like XML text (valid UTF-8, no control characters) so that the
// same entry reads the same in every format; Boost.JSON does the escaping.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "feeds/date.h"
#include "feeds/writer.h"

namespace tributary::feeds {
namespace {

namespace json = boost::json;

void put_text(json::object& o, std::string_view key, std::string_view value) {
  if (!value.empty()) o[key] = clean_text(value);
}

void put_url(json::object& o, std::string_view key, std::string_view value) {
  if (auto url = writable_url(value)) o[key] = *url;
}

json::array authors(const std::vector<Person>& people) {
  json::array out;
  for (const auto& p : people) {
    if (p.name.empty() && p.email.empty() && p.url.empty()) continue;
    json::object a;
    put_text(a, "name", p.name.empty() ? p.email : p.name);
    if (auto url = writable_url(p.url)) {
      a["url"] = *url;
    } else if (p.email.find('@') != std::string::npos) {
      put_url(a, "url", "mailto:" + p.email);
    }
    if (!a.empty()) out.push_back(std::move(a));
  }
  return out;
}

json::object item(const OutputEntry& oe, Time fallback) {
  const Entry& e = oe.entry;
  json::object o;
  o["id"] = clean_text(e.id);
  put_url(o, "url", e.link);
  if (e.title) put_text(o, "title", plain_text(*e.title));
  // One of content_html / content_text is required.
  if (e.content && !e.content->value.empty()) {
    o[e.content->is_html() ? "content_html" : "content_text"] = clean_text(e.content->value);
  } else if (e.summary && !e.summary->value.empty()) {
    o[e.summary->is_html() ? "content_html" : "content_text"] = clean_text(e.summary->value);
  } else {
    o["content_text"] = "";
  }
  if (e.summary) put_text(o, "summary", plain_text(*e.summary));
  if (e.image) put_url(o, "image", e.image->url);
  if (e.published) o["date_published"] = format_rfc3339(*e.published);
  o["date_modified"] = format_rfc3339(e.updated.value_or(e.published.value_or(fallback)));
  if (auto a = authors(e.authors); !a.empty()) o["authors"] = std::move(a);
  json::array tags;
  for (const auto& c : e.categories) {
    if (!c.term.empty()) tags.push_back(json::string(clean_text(c.term)));
  }
  if (!tags.empty()) o["tags"] = std::move(tags);
  if (is_language_tag(e.language)) o["language"] = e.language;
  json::array attachments;
  for (const auto& enc : e.enclosures) {
    auto url = writable_url(enc.url);
    if (!url) continue;
    json::object a;
    a["url"] = *url;
    a["mime_type"] = is_media_type(enc.type) ? enc.type : "application/octet-stream";
    if (enc.length && *enc.length > 0) a["size_in_bytes"] = *enc.length;
    attachments.push_back(std::move(a));
  }
  if (!attachments.empty()) o["attachments"] = std::move(attachments);

  json::object ext;
  json::array sources;
  for (const auto& s : oe.sources) {
    json::object so;
    if (s.title) put_text(so, "title", s.title->value);
    put_url(so, "feed_url", s.id);
    put_url(so, "home_page_url", s.link);
    if (!so.empty()) sources.push_back(std::move(so));
  }
  if (!sources.empty()) ext["sources"] = std::move(sources);
  json::array related;
  for (const auto& r : oe.related) {
    json::object ro;
    put_text(ro, "id", r.id);
    put_text(ro, "title", r.title);
    put_url(ro, "url", r.link);
    put_text(ro, "source_title", r.source_title);
    put_url(ro, "source_url", r.source_link);
    if (!ro.empty()) related.push_back(std::move(ro));
  }
  if (!related.empty()) ext["related"] = std::move(related);
  if (auto comments = writable_url(e.comments)) ext["comments"] = *comments;
  if (!ext.empty()) o["_tributary"] = std::move(ext);
  return o;
}

}  // namespace

std::string write_json_feed(const OutputFeed& feed) {
  json::object root;
  root["version"] = "https://jsonfeed.org/version/1.1";
  root["title"] = clean_text(feed.title.empty() ? std::string_view("tributary") : feed.title);
  put_url(root, "home_page_url", feed.alternate_url);
  put_url(root, "feed_url", feed.self_url);
  put_text(root, "description", feed.subtitle);
  if (is_language_tag(feed.language)) root["language"] = feed.language;
  if (auto hub = writable_url(feed.hub)) {
    json::array hubs;
    hubs.push_back(json::object{{"type", "WebSub"}, {"url", *hub}});
    root["hubs"] = std::move(hubs);
  }
  json::array items;
  items.reserve(feed.entries.size());
  for (const auto& oe : feed.entries) items.push_back(item(oe, feed.updated));
  root["items"] = std::move(items);
  std::string out = json::serialize(root);
  out += '\n';
  return out;
}

}  // namespace tributary::feeds
