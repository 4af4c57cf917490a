#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <gumbo.h>

namespace tributary::feeds::html {

// A small mutable HTML tree built from gumbo's parse output, for the
// extraction passes that move, rename and remove nodes (gumbo's own tree is
// awkward to mutate and its destructor recurses). Nodes live in the owning
// Document's arena: pointers stay valid for the Document's lifetime, and a
// removed node is merely unlinked.
//
// Element names are lower case; `tag` is gumbo's enum (GUMBO_TAG_UNKNOWN for
// custom and foreign elements such as svg children, whose `name` is kept).
// Text nodes hold decoded UTF-8; comments are dropped while building.

enum class NodeType : unsigned char { document, element, text };

struct Attribute {
  std::string name;
  std::string value;
};

struct Node {
  NodeType type = NodeType::element;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  std::string name;  // element name, lower case
  std::string text;  // text nodes only
  std::vector<Attribute> attrs;

  Node* parent = nullptr;
  Node* first_child = nullptr;
  Node* last_child = nullptr;
  Node* prev = nullptr;
  Node* next = nullptr;

  // Scratch space for the extraction passes.
  double score = 0;
  bool scored = false;
  bool data_table = false;

  bool is_element() const { return type == NodeType::element; }
  bool is_text() const { return type == NodeType::text; }
  bool is(GumboTag t) const { return type == NodeType::element && tag == t; }

  // The attribute's value, or "" when absent.
  std::string_view attr(std::string_view attr_name) const;
  bool has_attr(std::string_view attr_name) const;
  void set_attr(std::string_view attr_name, std::string_view value);
  void remove_attr(std::string_view attr_name);

  Node* first_element_child() const;
  Node* next_element_sibling() const;
  Node* prev_element_sibling() const;
  std::size_t element_child_count() const;
};

class Document {
 public:
  Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  // Moving keeps every node's address (std::deque moves its blocks).
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;

  Node* root() { return &nodes_.front(); }
  const Node* root() const { return &nodes_.front(); }
  // <html>, <head> and <body>; null only for a document built by hand.
  Node* html() const { return html_; }
  Node* head() const { return head_; }
  Node* body() const { return body_; }

  Node* create_element(GumboTag tag);
  Node* create_element(std::string_view name);
  Node* create_text(std::string_view text);

 private:
  friend struct DocumentBuilder;
  std::deque<Node> nodes_;
  Node* html_ = nullptr;
  Node* head_ = nullptr;
  Node* body_ = nullptr;
};

// Tree surgery. Every function keeps the parent/sibling links consistent.
void append_child(Node* parent, Node* child);
void insert_before(Node* reference, Node* node);
void remove_node(Node* node);
void replace_node(Node* old_node, Node* new_node);
// Deep copy of `node` (owned by `doc`), detached.
Node* clone_subtree(Document& doc, const Node* node);
// Moves every child of `from` to the end of `to`.
void move_children(Node* from, Node* to);
// Renames an element in place (attributes, children and scratch kept).
void set_tag(Node* element, GumboTag tag);

// Depth-first, document-order successor of `node` inside `scope` (which is
// never left), or null. With `skip_children`, the node's subtree is skipped.
Node* next_in_tree(const Node* node, const Node* scope, bool skip_children = false);

// Like next_in_tree, visiting elements only.
Node* next_element(const Node* node, const Node* scope, bool skip_children = false);
// True when `ancestor` is a proper ancestor of `node`.
bool is_ancestor(const Node* ancestor, const Node* node);

// Concatenated text of the subtree, as DOM textContent.
std::string text_content(const Node* node);
void append_text_content(const Node* node, std::string& out);

// Elements of the subtree (excluding `node` itself) with the given tag, in
// document order.
std::vector<Node*> elements_by_tag(const Node* node, GumboTag tag);
std::size_t count_tag(const Node* node, GumboTag tag);

// Serializes the children of `node` as HTML (innerHTML) with text and
// attribute values escaped.
std::string inner_html(const Node* node);
std::string outer_html(const Node* node);

bool is_void_element(GumboTag tag);

// Parses an HTML5 document (UTF-8; invalid bytes become U+FFFD; a meta
// charset is ignored) with gumbo into a Document. The input is first passed
// through prepare_html (prescan.h), so scripts, styles, comments and inline
// SVG never reach the tree and nesting is capped; JSON-LD blocks found on the
// way are returned beside the tree. Never fails: any input yields a document
// with <html>, <head> and <body>.
struct ParsedHtml {
  Document document;
  std::vector<std::string> json_ld;
};
ParsedHtml parse_html(std::string_view html);

}  // namespace tributary::feeds::html
