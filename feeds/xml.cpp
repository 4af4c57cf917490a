#include "feeds/xml.h"

#include <vector>

#include "feeds/byte_scan.h"

namespace tributary::feeds::xml {

namespace {

// The content a CDATA node stands for: itself, or when it is a marker
// "\x01N" left by recover::repair_xml, the Nth moved section.
std::string_view cdata_text(const char* value, std::span<const std::string_view> cdata) {
  if (value[0] != '\x01') return value;
  std::size_t index = 0;
  const char* p = value + 1;
  for (; *p >= '0' && *p <= '9' && index <= cdata.size(); ++p) {
    index = index * 10 + static_cast<std::size_t>(*p - '0');
  }
  if (*p != '\0' || p == value + 1 || index >= cdata.size()) return value;
  return cdata[index];
}

}  // namespace

void walk(pugi::xml_node root, Handler& handler, std::span<const std::string_view> cdata) {
  std::vector<Attribute> attributes;
  // The names of the elements entered and not yet left, for their end
  // events (pugixml keeps no lengths: each name() costs a strlen).
  std::vector<std::string_view> open;
  pugi::xml_node node = root.first_child();
  while (node) {
    switch (node.type()) {
      case pugi::node_element: {
        const std::string_view name = node.name();
        attributes.clear();
        for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
          attributes.push_back({a.name(), a.value()});
        }
        handler.start_element(name, attributes);
        if (node.first_child()) {
          open.push_back(name);
          node = node.first_child();
          continue;
        }
        handler.end_element(name);
        break;
      }
      case pugi::node_pcdata: handler.characters(node.value()); break;
      case pugi::node_cdata: handler.characters(cdata_text(node.value(), cdata)); break;
      default: break;
    }
    // Climb until a node has a next sibling, closing the elements left.
    while (!node.next_sibling()) {
      node = node.parent();
      if (!node || node == root) return;
      handler.end_element(open.back());
      open.pop_back();
    }
    node = node.next_sibling();
  }
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

void append_escaped(std::string& out, std::string_view s, bool attribute) {
  std::size_t start = 0;
  const char quote = attribute ? '"' : '&';  // & again: no fourth byte outside attributes
  for (std::size_t i = find_escapable(s, 0, '&', '<', '>', quote); i < s.size();
       i = find_escapable(s, i + 1, '&', '<', '>', quote)) {
    out.append(s.substr(start, i - start));
    switch (s[i]) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      default: out.append("&quot;"); break;
    }
    start = i + 1;
  }
  out.append(s.substr(start));
}

}  // namespace tributary::feeds::xml
