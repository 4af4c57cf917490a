#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html/dom.h"
#include "feeds/result.h"

namespace tributary::feeds::html {

// The XPath 1.0 subset that site-rule files use, over the html::Document
// tree:
//  - location paths, absolute or relative, with the abbreviations / // . ..
//    @ and the axes child, descendant, descendant-or-self, self, parent,
//    ancestor, ancestor-or-self, following-sibling, preceding-sibling,
//    attribute;
//  - node tests: names (case-insensitive, as HTML), *, text(), node();
//  - predicates with positions ([1], [last()]) and expressions: or, and,
//    = != < <= > >=, unions (|), parentheses, string and number literals;
//  - functions: contains, starts-with, ends-with, normalize-space, concat,
//    translate, lower-case, not, string, string-length, count, position,
//    last, name, local-name, true, false, substring-before, substring-after.
// Anything else fails to compile with Errc::invalid_input.
class XPath {
 public:
  // One result: an element or text node, or an attribute of `node` when
  // `attribute` is set.
  struct Item {
    Node* node = nullptr;
    const Attribute* attribute = nullptr;
  };

  static Result<XPath> compile(std::string_view expression);

  // Nodes selected from the document, in document order without
  // duplicates. A non-node-set expression selects nothing.
  std::vector<Item> select(const Document& doc) const;
  // Nodes selected with `context` as the context node.
  std::vector<Item> select(const Document& doc, Node* context) const;
  // The expression's string value (the first node's string value for node
  // sets, as XPath string()).
  std::string evaluate_string(const Document& doc) const;

  const std::string& source() const { return source_; }

  struct Expr;

 private:
  std::string source_;
  std::shared_ptr<const Expr> root_;
};

// The string value of an item: the attribute value, the text of a text
// node, or the text content of an element.
std::string string_value(const XPath::Item& item);

}  // namespace tributary::feeds::html
