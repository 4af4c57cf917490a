#pragma once

// Internal to the Atom and RSS writers: appends XML to a string, escaping
// every text and attribute value with append_xml_escaped. Elements are
// written one per line, without indentation (feeds are read by programs).

#include <string>
#include <string_view>

#include "feeds/writer.h"

namespace tributary::feeds::detail {

class XmlWriter {
 public:
  std::string out;

  // <name attrs...>: call attribute() between open_start() and end_start().
  void open_start(std::string_view name) {
    out += '<';
    out += name;
  }
  void attribute(std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    append_xml_escaped(out, value);
    out += '"';
  }
  // Writes the attribute only when `value` is not empty.
  void optional_attribute(std::string_view name, std::string_view value) {
    if (!value.empty()) attribute(name, value);
  }
  void end_start() { out += '>'; }
  void end_empty() { out += "/>\n"; }

  void open(std::string_view name) {
    open_start(name);
    end_start();
    out += '\n';
  }
  void close(std::string_view name) {
    out += "</";
    out += name;
    out += ">\n";
  }

  // <name>escaped value</name>, always written.
  void element(std::string_view name, std::string_view value) {
    open_start(name);
    end_start();
    append_xml_escaped(out, value);
    close(name);
  }
  // Written only when `value` is not empty.
  void optional_element(std::string_view name, std::string_view value) {
    if (!value.empty()) element(name, value);
  }
  // <name>text as HTML (append_html_text), then XML-escaped</name>.
  void html_text_element(std::string_view name, std::string_view text) {
    std::string html;
    append_html_text(html, text);
    element(name, html);
  }
};

}  // namespace tributary::feeds::detail
