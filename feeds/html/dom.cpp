#include "feeds/html/dom.h"

#include <algorithm>
#include <utility>

#include "feeds/html/prescan.h"

namespace tributary::feeds::html {

std::string_view Node::attr(std::string_view attr_name) const {
  for (const auto& a : attrs) {
    if (a.name == attr_name) return a.value;
  }
  return {};
}

bool Node::has_attr(std::string_view attr_name) const {
  return std::any_of(attrs.begin(), attrs.end(), [&](const Attribute& a) { return a.name == attr_name; });
}

void Node::set_attr(std::string_view attr_name, std::string_view value) {
  for (auto& a : attrs) {
    if (a.name == attr_name) {
      a.value = value;
      return;
    }
  }
  attrs.push_back(Attribute{std::string(attr_name), std::string(value)});
}

void Node::remove_attr(std::string_view attr_name) {
  std::erase_if(attrs, [&](const Attribute& a) { return a.name == attr_name; });
}

Node* Node::first_element_child() const {
  Node* c = first_child;
  while (c && !c->is_element()) c = c->next;
  return c;
}

Node* Node::next_element_sibling() const {
  Node* c = next;
  while (c && !c->is_element()) c = c->next;
  return c;
}

Node* Node::prev_element_sibling() const {
  Node* c = prev;
  while (c && !c->is_element()) c = c->prev;
  return c;
}

std::size_t Node::element_child_count() const {
  std::size_t n = 0;
  for (Node* c = first_child; c; c = c->next) n += c->is_element() ? 1 : 0;
  return n;
}

Document::Document() {
  nodes_.emplace_back();
  nodes_.back().type = NodeType::document;
}

Node* Document::create_element(GumboTag tag) {
  Node& n = nodes_.emplace_back();
  n.type = NodeType::element;
  n.tag = tag;
  n.name = gumbo_normalized_tagname(tag);
  return &n;
}

Node* Document::create_element(std::string_view name) {
  Node& n = nodes_.emplace_back();
  n.type = NodeType::element;
  n.name = name;
  n.tag = gumbo_tagn_enum(n.name.c_str(), static_cast<unsigned>(n.name.size()));
  return &n;
}

Node* Document::create_text(std::string_view text) {
  Node& n = nodes_.emplace_back();
  n.type = NodeType::text;
  n.text = text;
  return &n;
}

void append_child(Node* parent, Node* child) {
  if (child->parent) remove_node(child);
  child->parent = parent;
  child->prev = parent->last_child;
  child->next = nullptr;
  if (parent->last_child) {
    parent->last_child->next = child;
  } else {
    parent->first_child = child;
  }
  parent->last_child = child;
}

void insert_before(Node* reference, Node* node) {
  if (node->parent) remove_node(node);
  Node* parent = reference->parent;
  node->parent = parent;
  node->next = reference;
  node->prev = reference->prev;
  if (reference->prev) {
    reference->prev->next = node;
  } else {
    parent->first_child = node;
  }
  reference->prev = node;
}

void remove_node(Node* node) {
  Node* parent = node->parent;
  if (!parent) return;
  if (node->prev) {
    node->prev->next = node->next;
  } else {
    parent->first_child = node->next;
  }
  if (node->next) {
    node->next->prev = node->prev;
  } else {
    parent->last_child = node->prev;
  }
  node->parent = node->prev = node->next = nullptr;
}

void replace_node(Node* old_node, Node* new_node) {
  if (old_node == new_node || !old_node->parent) return;
  if (new_node->parent) remove_node(new_node);
  insert_before(old_node, new_node);
  remove_node(old_node);
}

void move_children(Node* from, Node* to) {
  while (from->first_child) append_child(to, from->first_child);
}

Node* clone_subtree(Document& doc, const Node* node) {
  auto copy_one = [&doc](const Node* src) {
    Node* c = src->is_text() ? doc.create_text(src->text) : doc.create_element(GUMBO_TAG_UNKNOWN);
    if (!src->is_text()) {
      c->type = src->type;
      c->tag = src->tag;
      c->name = src->name;
      c->attrs = src->attrs;
    }
    return c;
  };
  Node* top = copy_one(node);
  // Walk the source in document order, mirroring each node under the copy
  // of its parent.
  const Node* src = node->first_child;
  Node* dst_parent = top;
  while (src) {
    Node* c = copy_one(src);
    append_child(dst_parent, c);
    if (src->first_child) {
      src = src->first_child;
      dst_parent = c;
      continue;
    }
    while (src != node && !src->next) {
      src = src->parent;
      dst_parent = dst_parent->parent;
    }
    if (src == node) break;
    src = src->next;
  }
  return top;
}

Node* next_element(const Node* node, const Node* scope, bool skip_children) {
  Node* n = next_in_tree(node, scope, skip_children);
  while (n && !n->is_element()) n = next_in_tree(n, scope, false);
  return n;
}

bool is_ancestor(const Node* ancestor, const Node* node) {
  for (const Node* p = node->parent; p; p = p->parent) {
    if (p == ancestor) return true;
  }
  return false;
}

void set_tag(Node* element, GumboTag tag) {
  element->tag = tag;
  element->name = gumbo_normalized_tagname(tag);
}

Node* next_in_tree(const Node* node, const Node* scope, bool skip_children) {
  if (!skip_children && node->first_child) return node->first_child;
  while (node && node != scope) {
    if (node->next) return node->next;
    node = node->parent;
  }
  return nullptr;
}

void append_text_content(const Node* node, std::string& out) {
  if (node->is_text()) {
    out += node->text;
    return;
  }
  for (const Node* n = node->first_child; n; n = next_in_tree(n, node)) {
    if (n->is_text()) out += n->text;
  }
}

std::string text_content(const Node* node) {
  std::string out;
  append_text_content(node, out);
  return out;
}

std::vector<Node*> elements_by_tag(const Node* node, GumboTag tag) {
  std::vector<Node*> out;
  for (Node* n = node->first_child; n; n = next_in_tree(n, node)) {
    if (n->is(tag)) out.push_back(n);
  }
  return out;
}

std::size_t count_tag(const Node* node, GumboTag tag) {
  std::size_t count = 0;
  for (const Node* n = node->first_child; n; n = next_in_tree(n, node)) count += n->is(tag) ? 1 : 0;
  return count;
}

bool is_void_element(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

namespace {

void escape_into(std::string_view text, bool attribute, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
        } else {
          out += c;
        }
        break;
      default: out += c;
    }
  }
}

void open_tag(const Node* n, std::string& out) {
  out += '<';
  out += n->name;
  for (const auto& a : n->attrs) {
    out += ' ';
    out += a.name;
    out += "=\"";
    escape_into(a.value, true, out);
    out += '"';
  }
  out += '>';
}

// Iterative serialization: the tree can be deep.
void serialize_children(const Node* scope, std::string& out) {
  const Node* n = scope->first_child;
  while (n) {
    if (n->is_text()) {
      escape_into(n->text, false, out);
    } else if (n->is_element()) {
      open_tag(n, out);
      if (is_void_element(n->tag)) {
        // fall through to the sibling walk below
      } else if (n->first_child) {
        n = n->first_child;
        continue;
      } else {
        out += "</" + n->name + ">";
      }
    }
    // Climb while there is no next sibling, closing elements on the way.
    while (n != scope && !n->next) {
      n = n->parent;
      if (n == scope) break;
      out += "</" + n->name + ">";
    }
    if (n == scope) break;
    n = n->next;
  }
}

}  // namespace

std::string inner_html(const Node* node) {
  std::string out;
  serialize_children(node, out);
  return out;
}

std::string outer_html(const Node* node) {
  std::string out;
  if (node->is_text()) {
    escape_into(node->text, false, out);
    return out;
  }
  open_tag(node, out);
  if (!is_void_element(node->tag)) {
    serialize_children(node, out);
    out += "</" + node->name + ">";
  }
  return out;
}

// Copies gumbo's tree into a Document without recursion.
struct DocumentBuilder {
  static void build(Document& doc, const GumboNode* gumbo_root) {
    struct Frame {
      const GumboNode* source;
      Node* parent;
    };
    std::vector<Frame> stack;
    const GumboVector& top = gumbo_root->v.document.children;
    for (unsigned i = top.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(top.data[i]), doc.root()});
    }
    while (!stack.empty()) {
      Frame f = stack.back();
      stack.pop_back();
      const GumboNode* g = f.source;
      switch (g->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA: {
          Node* t = doc.create_text(g->v.text.text);
          append_child(f.parent, t);
          break;
        }
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          const GumboElement& e = g->v.element;
          Node* n = nullptr;
          if (e.tag == GUMBO_TAG_UNKNOWN || e.tag_namespace != GUMBO_NAMESPACE_HTML) {
            GumboStringPiece piece = e.original_tag;
            gumbo_tag_from_original_text(&piece);
            std::string name(piece.data ? piece.data : "", piece.length);
            for (char& c : name) {
              if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
            }
            if (e.tag != GUMBO_TAG_UNKNOWN && name.empty()) name = gumbo_normalized_tagname(e.tag);
            n = doc.create_element(GUMBO_TAG_UNKNOWN);
            n->tag = e.tag;
            n->name = std::move(name);
          } else {
            n = doc.create_element(e.tag);
          }
          n->attrs.reserve(e.attributes.length);
          for (unsigned i = 0; i < e.attributes.length; ++i) {
            const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
            n->attrs.push_back(Attribute{a->name, a->value});
          }
          append_child(f.parent, n);
          if (e.tag == GUMBO_TAG_HTML && !doc.html_) doc.html_ = n;
          if (e.tag == GUMBO_TAG_HEAD && !doc.head_) doc.head_ = n;
          if (e.tag == GUMBO_TAG_BODY && !doc.body_) doc.body_ = n;
          for (unsigned i = e.children.length; i-- > 0;) {
            stack.push_back({static_cast<const GumboNode*>(e.children.data[i]), n});
          }
          break;
        }
        default:
          break;
      }
    }
    if (!doc.html_) {
      doc.html_ = doc.create_element(GUMBO_TAG_HTML);
      append_child(doc.root(), doc.html_);
    }
    if (!doc.head_) {
      doc.head_ = doc.create_element(GUMBO_TAG_HEAD);
      append_child(doc.html_, doc.head_);
    }
    if (!doc.body_) {
      doc.body_ = doc.create_element(GUMBO_TAG_BODY);
      append_child(doc.html_, doc.body_);
    }
  }
};

namespace {

// Gumbo allocates every token and node separately; a bump arena makes the
// parse cheaper and lets the whole output go in one free, instead of
// gumbo_destroy_output's recursive walk (which overflows the stack on very
// deep trees).
class Arena {
 public:
  ~Arena() {
    for (char* b : blocks_) ::operator delete(b);
  }
  void* allocate(std::size_t n) {
    n = (n + 15) & ~std::size_t{15};
    if (n > kBlock / 4) {
      char* big = static_cast<char*>(::operator new(n));
      blocks_.push_back(big);
      return big;
    }
    if (used_ + n > kBlock || blocks_.empty() || !current_) {
      current_ = static_cast<char*>(::operator new(kBlock));
      blocks_.push_back(current_);
      used_ = 0;
    }
    void* p = current_ + used_;
    used_ += n;
    return p;
  }

 private:
  static constexpr std::size_t kBlock = 256 * 1024;
  std::vector<char*> blocks_;
  char* current_ = nullptr;
  std::size_t used_ = 0;
};

void* arena_allocate(void* userdata, size_t size) { return static_cast<Arena*>(userdata)->allocate(size); }
void arena_free(void*, void*) {}

}  // namespace

ParsedHtml parse_html(std::string_view html) {
  PreparedHtml prepared = prepare_html(html);
  ParsedHtml parsed;
  parsed.json_ld = std::move(prepared.json_ld);
  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = arena_allocate;
  options.deallocator = arena_free;
  options.userdata = &arena;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, prepared.html.data(), prepared.html.size());
  DocumentBuilder::build(parsed.document, output->document);
  // No gumbo_destroy_output: the arena releases everything at once.
  return parsed;
}

}  // namespace tributary::feeds::html
