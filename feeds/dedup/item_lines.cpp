#include "feeds/dedup/item_lines.h"

#include <cmath>
#include <string>
#include <unordered_map>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

namespace tributary::feeds::dedup {
namespace {

// Milliseconds either side of 1970 that a JavaScript Date can hold; far
// from overflowing the deduplicator's sums of times and windows.
constexpr double kMaxMillis = 8.64e15;

// How a text member was found: absent (or null), ok (a string or a number,
// its text stored in `out`) or bad (any other type).
enum class Field { absent, ok, bad };

Field text_field(const boost::json::object& o, std::string_view name, std::string& out) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return Field::absent;
  if (v->is_string()) {
    out = v->get_string();
  } else if (v->is_int64()) {
    out = std::to_string(v->get_int64());
  } else if (v->is_uint64()) {
    out = std::to_string(v->get_uint64());
  } else if (v->is_double()) {
    out = boost::json::serialize(*v);
  } else {
    return Field::bad;
  }
  return Field::ok;
}

}  // namespace

Result<std::vector<Item>> parse_item_lines(std::string_view text) {
  std::vector<Item> items;
  std::unordered_map<std::string, std::size_t> line_of_id;
  boost::json::monotonic_resource memory;
  boost::json::parser parser(&memory);
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto bad = [&](const std::string& why) {
      return fail(Errc::invalid_input, "dedup: line " + std::to_string(line_number) + ": " + why);
    };
    parser.reset(&memory);
    boost::system::error_code ec;
    parser.write(line.data(), line.size(), ec);
    if (ec) return bad(ec.message());
    boost::json::value value = parser.release();
    if (!value.is_object()) return bad("not a JSON object");
    const boost::json::object& o = value.get_object();

    Item item;
    struct Member {
      std::string_view name;
      std::string* out;
      bool required;
    };
    const Member members[] = {{"id", &item.id, true},      {"title", &item.title, true},
                              {"link", &item.link, false}, {"summary", &item.summary, false},
                              {"feed", &item.feed, false}, {"guid", &item.guid, false}};
    for (const auto& m : members) {
      Field f = text_field(o, m.name, *m.out);
      if (f == Field::bad) return bad("\"" + std::string(m.name) + "\" must be a string");
      if (f == Field::absent && m.required) return bad("missing \"" + std::string(m.name) + "\"");
    }
    auto [first, fresh] = line_of_id.try_emplace(item.id, line_number);
    if (!fresh) return bad("duplicate id (first on line " + std::to_string(first->second) + ")");

    if (const boost::json::value* v = o.if_contains("published"); v != nullptr && !v->is_null()) {
      if (!v->is_number()) return bad("\"published\" must be a number (Unix time)");
      double x = v->to_number<double>();
      double ms = x > 1e11 ? x : x * 1000.0;
      if (!std::isfinite(ms) || std::abs(ms) > kMaxMillis) return bad("\"published\" is out of range");
      item.published = Millis(std::chrono::milliseconds(static_cast<std::int64_t>(ms)));
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace tributary::feeds::dedup
