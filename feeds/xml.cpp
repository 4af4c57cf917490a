#include "feeds/xml.h"

#include <array>
#include <cstring>
#include <utility>
#include <vector>

namespace tributary::feeds::xml {
namespace {

struct KnownNamespace {
  std::string_view uri;
  std::string_view prefix;  // "" = no prefix
};

// Invariant: URIs compare exactly; a few feeds use variant spellings, listed
// separately.
constexpr KnownNamespace kKnown[] = {
    {ns::kAtom10, "atom"},
    {ns::kAtom03, "atom"},
    {"http://purl.org/atom/ns#draft-ietf-atompub-format-08", "atom"},
    {ns::kRss090, ""},
    {ns::kRss10, ""},
    {"http://backend.userland.com/rss2", ""},
    {"http://blogs.law.harvard.edu/tech/rss", ""},
    {ns::kRdf, "rdf"},
    {ns::kXhtml, "xhtml"},
    {"http://purl.org/rss/1.0/modules/content/", "content"},
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://purl.org/dc/terms/", "dcterms"},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://www.itunes.com/DTDs/Podcast-1.0.dtd", "itunes"},
    {"http://search.yahoo.com/mrss/", "media"},
    {"http://search.yahoo.com/mrss", "media"},
    {"http://purl.org/rss/1.0/modules/slash/", "slash"},
    {"http://purl.org/rss/1.0/modules/syndication/", "sy"},
    {"http://wellformedweb.org/CommentAPI/", "wfw"},
    {"http://www.georss.org/georss", "georss"},
    {"http://www.w3.org/2003/01/geo/wgs84_pos#", "geo"},
    {"http://purl.org/syndication/thread/1.0", "thr"},
    {"http://rssnamespace.org/feedburner/ext/1.0", "feedburner"},
    {"http://purl.org/rss/1.0/modules/image/", "image"},
    {"http://webns.net/mvcb/", "admin"},
    {"http://purl.org/rss/1.0/modules/taxonomy/", "taxo"},
    {"http://www.w3.org/XML/1998/namespace", "xml"},
    {"http://purl.org/rss/1.0/modules/rss091#", ""},
    {"http://www.w3.org/2005/Atom/", "atom"},
    {"http://purl.org/net/rss1.1#", ""},
    {"http://www.microsoft.com/schemas/rss/core/2005", "cf"},
    {"http://purl.org/creativeCommons/ns#", "cc"},
    {"http://backend.userland.com/creativeCommonsRssModule", "creativeCommons"},
    {"http://purl.org/syndication/history/1.0", "fh"},
    {"http://podlove.org/simple-chapters", "psc"},
    {"https://podcastindex.org/namespace/1.0", "podcast"},
};

struct Binding {
  std::string prefix;  // "" = default namespace
  std::string canonical;
};

class Canonicalizer {
 public:
  NamespaceInfo info;

  // Walks the tree in document order without recursion (documents can nest
  // 100k levels deep), keeping the namespace bindings in scope on a stack.
  void run(pugi::xml_node root) {
    std::vector<std::size_t> marks;  // bindings_.size() when each open element was entered
    pugi::xml_node node = root.first_child();
    while (node) {
      if (node.type() == pugi::node_element) {
        std::size_t mark = bindings_.size();
        enter(node);
        if (node.first_child()) {
          marks.push_back(mark);
          node = node.first_child();
          continue;
        }
        bindings_.resize(mark);
      }
      while (!node.next_sibling()) {
        node = node.parent();
        if (!node || node == root) return;
        bindings_.resize(marks.back());
        marks.pop_back();
      }
      node = node.next_sibling();
    }
  }

 private:
  std::vector<Binding> bindings_;
  int unknown_ = 0;
  std::string scratch_;

  std::string canonical_for(std::string_view uri) {
    for (const auto& k : kKnown) {
      if (k.uri == uri) {
        if (uri == ns::kAtom10) info.atom10 = true;
        if (uri == ns::kAtom03) info.atom03 = true;
        if (uri == ns::kRss090) info.rss090 = true;
        if (uri == ns::kRss10) info.rss10 = true;
        return std::string(k.prefix);
      }
    }
    if (uri.empty()) return {};
    return "x-" + std::to_string(++unknown_);
  }

  const Binding* lookup(std::string_view prefix) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->prefix == prefix) return &*it;
    }
    return nullptr;
  }

  // Returns the canonical name for a qualified `name`, or nullopt-like empty
  // `changed` when it stays as is.
  bool rename(std::string_view name, bool is_attribute, std::string& out) {
    auto colon = name.find(':');
    std::string_view prefix = colon == std::string_view::npos ? "" : name.substr(0, colon);
    std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
    if (prefix == "xml") return false;
    // Unprefixed attributes are in no namespace.
    if (is_attribute && prefix.empty()) return false;
    const Binding* b = lookup(prefix);
    std::string_view canonical;
    if (b) {
      canonical = b->canonical;
    } else if (!prefix.empty()) {
      info.undeclared_prefix = true;
      return false;  // keep as written
    }
    if (canonical == prefix) return false;
    out.assign(canonical);
    if (!out.empty()) out += ':';
    out.append(local);
    return true;
  }

  void enter(pugi::xml_node node) {
    // Declarations first: they apply to the element that carries them.
    for (pugi::xml_attribute a = node.first_attribute(); a;) {
      pugi::xml_attribute next = a.next_attribute();
      std::string_view name = a.name();
      if (name == "xmlns" || name.starts_with("xmlns:")) {
        std::string prefix(name == "xmlns" ? "" : name.substr(6));
        bindings_.push_back({prefix, canonical_for(a.value())});
        node.remove_attribute(a);
      }
      a = next;
    }
    if (rename(node.name(), false, scratch_)) node.set_name(scratch_.c_str());
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      if (std::strchr(a.name(), ':') && rename(a.name(), true, scratch_)) {
        a.set_name(scratch_.c_str());
      }
    }
  }
};

void escape(std::string& out, std::string_view s, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
}

void serialize(std::string& out, pugi::xml_node node) {
  // Iterative to survive deep nesting.
  struct Frame {
    pugi::xml_node node;
    std::string_view name;
  };
  std::vector<Frame> open;
  pugi::xml_node n = node.first_child();
  while (n) {
    bool descend = false;
    switch (n.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata: escape(out, n.value(), false); break;
      case pugi::node_element: {
        std::string_view name = n.name();
        if (name.starts_with("xhtml:")) {
          name.remove_prefix(6);
        } else if (name.find(':') != std::string_view::npos) {
          break;  // foreign element: dropped with its content
        }
        out += '<';
        out.append(name);
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
          out += ' ';
          out += a.name();
          out += "=\"";
          escape(out, a.value(), true);
          out += '"';
        }
        out += '>';
        open.push_back({n, name});
        descend = true;
        break;
      }
      default: break;
    }
    if (descend && n.first_child()) {
      n = n.first_child();
      continue;
    }
    if (descend) {
      out += "</";
      out.append(open.back().name);
      out += '>';
      open.pop_back();
    }
    while (!n.next_sibling()) {
      n = n.parent();
      if (n == node || !n) return;
      out += "</";
      out.append(open.back().name);
      out += '>';
      open.pop_back();
    }
    n = n.next_sibling();
  }
}

}  // namespace

NamespaceInfo canonicalize_names(pugi::xml_node root) {
  Canonicalizer c;
  c.run(root);
  return c.info;
}

std::string text(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

bool has_element_children(pugi::xml_node node) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return true;
  }
  return false;
}

std::string inner_markup(pugi::xml_node node) {
  std::string out;
  serialize(out, node);
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

}  // namespace tributary::feeds::xml
