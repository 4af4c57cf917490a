#include "feeds/parse_context.h"

#include <charconv>
#include <vector>

#include "feeds/html/entities.h"
#include "feeds/html/sanitize.h"
#include "feeds/url.h"
#include "feeds/xml.h"

namespace tributary::feeds::detail {

std::string ParseContext::base_at(pugi::xml_node node) const {
  std::vector<std::string_view> bases;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute("xml:base")) bases.push_back(a.value());
  }
  std::string base = document_base_;
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    std::string next = resolve_url(base, *it);
    // An unsafe xml:base (javascript:) must never become a base.
    if (is_safe_url(next)) base = std::move(next);
  }
  return base;
}

std::string ParseContext::resolve(pugi::xml_node node, std::string_view ref) const {
  return resolve_url(base_at(node), xml::trim(ref));
}

Text ParseContext::text_construct(pugi::xml_node node, std::string_view default_type) const {
  Text t;
  std::string_view type = node.attribute("type").value();
  if (type.empty() || type == "text" || type == "text/plain") {
    t.type = type.empty() ? std::string(default_type) : kTextPlain;
  } else if (type == "html" || type == "text/html" || type == "escaped") {
    t.type = kTextHtml;
  } else if (type == "xhtml" || type == "application/xhtml+xml") {
    t.type = kXhtml;
  } else {
    t.type = std::string(type);
  }

  std::string raw;
  if (t.type == kXhtml || (t.type != kTextPlain && xml::has_element_children(node))) {
    // Inline markup: Atom xhtml (whose wrapping <div> is not content) or
    // unescaped HTML that a careless RSS producer left in the element.
    pugi::xml_node div = node.child("xhtml:div");
    if (t.type == kXhtml && div && !div.next_sibling("xhtml:div")) {
      raw = xml::inner_markup(div);
    } else {
      raw = xml::inner_markup(node);
    }
    if (t.type == kXhtml) t.type = kTextHtml;
  } else {
    raw = xml::text(node);
  }

  if (t.type == kTextHtml) {
    t.value = html::sanitize(raw, base_at(node));
  } else if (t.type == kTextPlain) {
    t.value = std::string(xml::trim(raw));
  } else {
    t.value = std::move(raw);
  }
  return t;
}

Person ParseContext::person_from_text(std::string_view text) {
  Person p;
  text = xml::trim(text);
  auto open = text.find('(');
  auto close = text.rfind(')');
  auto looks_like_email = [](std::string_view s) {
    return s.find('@') != std::string_view::npos && s.find(' ') == std::string_view::npos;
  };
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    std::string_view outside = xml::trim(text.substr(0, open));
    std::string_view inside = xml::trim(text.substr(open + 1, close - open - 1));
    if (looks_like_email(outside)) {
      p.email = outside;
      p.name = inside;
      return p;
    }
    if (looks_like_email(inside)) {
      p.name = outside;
      p.email = inside;
      return p;
    }
  }
  if (looks_like_email(text)) {
    std::string_view email = text;
    if (email.starts_with("mailto:")) email.remove_prefix(7);
    p.email = email;
  } else {
    p.name = text;
  }
  return p;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  s = xml::trim(s);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace tributary::feeds::detail
