#include "feeds/html/xpath.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "feeds/html/text.h"

namespace tributary::feeds::html {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------- tokens

enum class Tok { end, slash, dslash, lparen, rparen, lbrack, rbrack, dot, ddot, at, comma, pipe, eq, neq, lt, le, gt,
                 ge, axis_sep, star, minus, literal, number, name };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  double number = 0;
};

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto push = [&](Tok k, std::size_t width) {
    out.push_back({k, std::string(s.substr(i, width)), 0});
    i += width;
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::string_view rest = s.substr(i);
    if (rest.starts_with("//")) { push(Tok::dslash, 2); continue; }
    if (rest.starts_with("..")) { push(Tok::ddot, 2); continue; }
    if (rest.starts_with("::")) { push(Tok::axis_sep, 2); continue; }
    if (rest.starts_with("!=")) { push(Tok::neq, 2); continue; }
    if (rest.starts_with("<=")) { push(Tok::le, 2); continue; }
    if (rest.starts_with(">=")) { push(Tok::ge, 2); continue; }
    switch (c) {
      case '/': push(Tok::slash, 1); continue;
      case '(': push(Tok::lparen, 1); continue;
      case ')': push(Tok::rparen, 1); continue;
      case '[': push(Tok::lbrack, 1); continue;
      case ']': push(Tok::rbrack, 1); continue;
      case '@': push(Tok::at, 1); continue;
      case ',': push(Tok::comma, 1); continue;
      case '|': push(Tok::pipe, 1); continue;
      case '=': push(Tok::eq, 1); continue;
      case '<': push(Tok::lt, 1); continue;
      case '>': push(Tok::gt, 1); continue;
      case '*': push(Tok::star, 1); continue;
      case '-': push(Tok::minus, 1); continue;
      default: break;
    }
    if (c == '\'' || c == '"') {
      std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) return fail(Errc::invalid_input, "xpath: unterminated string literal");
      out.push_back({Tok::literal, std::string(s.substr(i + 1, close - i - 1)), 0});
      i = close + 1;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      Token t{Tok::number, std::string(s.substr(i, j - i)), 0};
      t.number = std::strtod(t.text.c_str(), nullptr);
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (c == '.') { push(Tok::dot, 1); continue; }
    if (is_name_start(c)) {
      std::size_t j = i + 1;
      while (j < s.size() && is_name_char(s[j])) ++j;
      // A prefixed name (xml:lang) but not an axis separator.
      if (j + 1 < s.size() && s[j] == ':' && s[j + 1] != ':' && is_name_start(s[j + 1])) {
        ++j;
        while (j < s.size() && is_name_char(s[j])) ++j;
      }
      out.push_back({Tok::name, std::string(s.substr(i, j - i)), 0});
      i = j;
      continue;
    }
    return fail(Errc::invalid_input, "xpath: unexpected character '" + std::string(1, c) + "'");
  }
  out.push_back({Tok::end, "", 0});
  return out;
}

}  // namespace

// ---------------------------------------------------------------- AST

enum class Axis { child, descendant, descendant_or_self, self, parent, ancestor, ancestor_or_self,
                  following_sibling, preceding_sibling, attribute };
enum class TestKind { name, any, text, node };

struct Step;

struct XPath::Expr {
  enum class Kind { path, literal, number, function, binary, negate, filter };
  Kind kind = Kind::path;
  // path: steps applied to the context (relative), the root (absolute), or
  // the node set of `base` (a filter expression followed by a path).
  bool absolute = false;
  std::vector<Step> steps;
  std::shared_ptr<const Expr> base;
  // literal / number / function
  std::string text;
  double number = 0;
  std::vector<std::shared_ptr<const Expr>> args;
  // binary: op in {or, and, =, !=, <, <=, >, >=, |}
  std::string op;
  std::shared_ptr<const Expr> lhs, rhs;
  // filter: base with predicates
  std::vector<std::shared_ptr<const Expr>> predicates;
};

struct Step {
  Axis axis = Axis::child;
  TestKind test = TestKind::node;
  std::string name;  // lower case
  std::vector<std::shared_ptr<const XPath::Expr>> predicates;
};

namespace {

using ExprPtr = std::shared_ptr<const XPath::Expr>;
using Expr = XPath::Expr;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<ExprPtr> parse() {
    auto e = parse_or();
    if (!e) return e;
    if (peek().kind != Tok::end) return error("unexpected '" + peek().text + "'");
    return e;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  const Token& take() { return t_[std::min(i_++, t_.size() - 1)]; }
  bool accept(Tok k) {
    if (peek().kind != k) return false;
    ++i_;
    return true;
  }
  tl::unexpected<Error> error(const std::string& what) { return fail(Errc::invalid_input, "xpath: " + what); }

  static ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::binary;
    e->op = std::move(op);
    e->lhs = std::move(l);
    e->rhs = std::move(r);
    return e;
  }

  Result<ExprPtr> parse_or() {
    auto l = parse_and();
    if (!l) return l;
    while (peek().kind == Tok::name && peek().text == "or") {
      take();
      auto r = parse_and();
      if (!r) return r;
      l = binary("or", *l, *r);
    }
    return l;
  }
  Result<ExprPtr> parse_and() {
    auto l = parse_equality();
    if (!l) return l;
    while (peek().kind == Tok::name && peek().text == "and") {
      take();
      auto r = parse_equality();
      if (!r) return r;
      l = binary("and", *l, *r);
    }
    return l;
  }
  Result<ExprPtr> parse_equality() {
    auto l = parse_relational();
    if (!l) return l;
    while (peek().kind == Tok::eq || peek().kind == Tok::neq) {
      std::string op = take().text;
      auto r = parse_relational();
      if (!r) return r;
      l = binary(op, *l, *r);
    }
    return l;
  }
  Result<ExprPtr> parse_relational() {
    auto l = parse_unary();
    if (!l) return l;
    while (peek().kind == Tok::lt || peek().kind == Tok::le || peek().kind == Tok::gt || peek().kind == Tok::ge) {
      std::string op = take().text;
      auto r = parse_unary();
      if (!r) return r;
      l = binary(op, *l, *r);
    }
    return l;
  }
  Result<ExprPtr> parse_unary() {
    if (accept(Tok::minus)) {
      auto inner = parse_unary();
      if (!inner) return inner;
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::negate;
      e->lhs = *inner;
      return ExprPtr(e);
    }
    return parse_union();
  }
  Result<ExprPtr> parse_union() {
    auto l = parse_path_expr();
    if (!l) return l;
    while (accept(Tok::pipe)) {
      auto r = parse_path_expr();
      if (!r) return r;
      l = binary("|", *l, *r);
    }
    return l;
  }

  bool starts_primary() const {
    const Token& t = peek();
    if (t.kind == Tok::literal || t.kind == Tok::number || t.kind == Tok::lparen) return true;
    if (t.kind == Tok::name && peek(1).kind == Tok::lparen) {
      // node tests look like calls
      return t.text != "text" && t.text != "node" && t.text != "comment" && t.text != "processing-instruction";
    }
    return false;
  }

  Result<ExprPtr> parse_path_expr() {
    if (starts_primary()) {
      auto primary = parse_primary();
      if (!primary) return primary;
      ExprPtr base = *primary;
      if (peek().kind == Tok::lbrack) {
        auto f = std::make_shared<Expr>();
        f->kind = Expr::Kind::filter;
        f->base = base;
        while (accept(Tok::lbrack)) {
          auto p = parse_or();
          if (!p) return p;
          if (!accept(Tok::rbrack)) return error("expected ']'");
          f->predicates.push_back(*p);
        }
        base = f;
      }
      if (peek().kind == Tok::slash || peek().kind == Tok::dslash) {
        auto path = std::make_shared<Expr>();
        path->kind = Expr::Kind::path;
        path->base = base;
        auto ok = parse_steps(*path, true);
        if (!ok) return tl::unexpected(ok.error());
        return ExprPtr(path);
      }
      return base;
    }
    auto path = std::make_shared<Expr>();
    path->kind = Expr::Kind::path;
    if (peek().kind == Tok::slash || peek().kind == Tok::dslash) {
      path->absolute = true;
      if (peek().kind == Tok::slash && !starts_step(peek(1))) {
        take();
        return ExprPtr(path);  // "/" alone: the root
      }
      auto ok = parse_steps(*path, true);
      if (!ok) return tl::unexpected(ok.error());
      return ExprPtr(path);
    }
    auto ok = parse_steps(*path, false);
    if (!ok) return tl::unexpected(ok.error());
    return ExprPtr(path);
  }

  static bool starts_step(const Token& t) {
    return t.kind == Tok::name || t.kind == Tok::star || t.kind == Tok::at || t.kind == Tok::dot ||
           t.kind == Tok::ddot;
  }

  // Steps, optionally starting with a separator.
  Result<bool> parse_steps(Expr& path, bool leading_separator) {
    bool first = true;
    while (true) {
      if (!first || leading_separator) {
        if (accept(Tok::dslash)) {
          Step any;
          any.axis = Axis::descendant_or_self;
          any.test = TestKind::node;
          path.steps.push_back(std::move(any));
        } else if (!accept(Tok::slash)) {
          break;
        }
      }
      auto step = parse_step();
      if (!step) return tl::unexpected(step.error());
      path.steps.push_back(std::move(*step));
      first = false;
      if (peek().kind != Tok::slash && peek().kind != Tok::dslash) break;
    }
    if (path.steps.empty()) return error("expected a location step");
    return true;
  }

  Result<Step> parse_step() {
    Step step;
    if (accept(Tok::dot)) {
      step.axis = Axis::self;
      step.test = TestKind::node;
      return step;
    }
    if (accept(Tok::ddot)) {
      step.axis = Axis::parent;
      step.test = TestKind::node;
      return step;
    }
    if (accept(Tok::at)) {
      step.axis = Axis::attribute;
    } else if (peek().kind == Tok::name && peek(1).kind == Tok::axis_sep) {
      static const std::pair<std::string_view, Axis> kAxes[] = {
          {"child", Axis::child},
          {"descendant", Axis::descendant},
          {"descendant-or-self", Axis::descendant_or_self},
          {"self", Axis::self},
          {"parent", Axis::parent},
          {"ancestor", Axis::ancestor},
          {"ancestor-or-self", Axis::ancestor_or_self},
          {"following-sibling", Axis::following_sibling},
          {"preceding-sibling", Axis::preceding_sibling},
          {"attribute", Axis::attribute},
      };
      std::string name = take().text;
      take();
      auto it = std::find_if(std::begin(kAxes), std::end(kAxes), [&](const auto& a) { return a.first == name; });
      if (it == std::end(kAxes)) return error("unsupported axis '" + name + "'");
      step.axis = it->second;
    }
    if (accept(Tok::star)) {
      step.test = TestKind::any;
    } else if (peek().kind == Tok::name) {
      std::string name = take().text;
      if (peek().kind == Tok::lparen) {
        take();
        if (!accept(Tok::rparen)) return error("expected ')' after " + name + "(");
        if (name == "text") {
          step.test = TestKind::text;
        } else if (name == "node") {
          step.test = TestKind::node;
        } else {
          return error("unsupported node test '" + name + "()'");
        }
      } else {
        step.test = TestKind::name;
        step.name = lower(name);
      }
    } else {
      return error("expected a node test");
    }
    while (accept(Tok::lbrack)) {
      auto p = parse_or();
      if (!p) return tl::unexpected(p.error());
      if (!accept(Tok::rbrack)) return error("expected ']'");
      step.predicates.push_back(*p);
    }
    return step;
  }

  Result<ExprPtr> parse_primary() {
    const Token& t = peek();
    auto e = std::make_shared<Expr>();
    if (t.kind == Tok::literal) {
      e->kind = Expr::Kind::literal;
      e->text = take().text;
      return ExprPtr(e);
    }
    if (t.kind == Tok::number) {
      e->kind = Expr::Kind::number;
      e->number = take().number;
      return ExprPtr(e);
    }
    if (accept(Tok::lparen)) {
      auto inner = parse_or();
      if (!inner) return inner;
      if (!accept(Tok::rparen)) return error("expected ')'");
      return inner;
    }
    // function call
    static constexpr std::string_view kFunctions[] = {
        "contains", "starts-with", "ends-with", "normalize-space", "concat", "translate", "lower-case", "not",
        "string", "string-length", "count", "position", "last", "name", "local-name", "true", "false",
        "substring-before", "substring-after"};
    std::string name = take().text;
    if (std::find(std::begin(kFunctions), std::end(kFunctions), name) == std::end(kFunctions)) {
      return error("unsupported function '" + name + "()'");
    }
    take();  // '('
    e->kind = Expr::Kind::function;
    e->text = name;
    if (!accept(Tok::rparen)) {
      while (true) {
        auto arg = parse_or();
        if (!arg) return arg;
        e->args.push_back(*arg);
        if (accept(Tok::rparen)) break;
        if (!accept(Tok::comma)) return error("expected ',' or ')' in " + name + "()");
      }
    }
    return ExprPtr(e);
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
};

// ---------------------------------------------------------------- values

using Item = XPath::Item;

struct Value {
  enum class Kind { nodes, string, number, boolean };
  Kind kind = Kind::nodes;
  std::vector<Item> nodes;
  std::string s;
  double n = 0;
  bool b = false;

  static Value of(std::string v) {
    Value x;
    x.kind = Kind::string;
    x.s = std::move(v);
    return x;
  }
  static Value of(double v) {
    Value x;
    x.kind = Kind::number;
    x.n = v;
    return x;
  }
  static Value of(bool v) {
    Value x;
    x.kind = Kind::boolean;
    x.b = v;
    return x;
  }
};

double to_number(std::string_view s) {
  std::string t = normalize_space(s);
  if (t.empty()) return std::nan("");
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nan("");
  return v;
}

std::string to_string(const Value& v) {
  switch (v.kind) {
    case Value::Kind::nodes: return v.nodes.empty() ? std::string() : string_value(v.nodes.front());
    case Value::Kind::string: return v.s;
    case Value::Kind::boolean: return v.b ? "true" : "false";
    case Value::Kind::number: {
      if (std::isnan(v.n)) return "NaN";
      if (v.n == std::floor(v.n) && std::fabs(v.n) < 1e15) return std::to_string(static_cast<long long>(v.n));
      return std::to_string(v.n);
    }
  }
  return {};
}

double to_number(const Value& v) {
  switch (v.kind) {
    case Value::Kind::number: return v.n;
    case Value::Kind::boolean: return v.b ? 1 : 0;
    default: return to_number(to_string(v));
  }
}

bool to_boolean(const Value& v) {
  switch (v.kind) {
    case Value::Kind::nodes: return !v.nodes.empty();
    case Value::Kind::string: return !v.s.empty();
    case Value::Kind::number: return v.n != 0 && !std::isnan(v.n);
    case Value::Kind::boolean: return v.b;
  }
  return false;
}

struct Context {
  Item item;
  std::size_t position = 1;
  std::size_t size = 1;
};

class Evaluator {
 public:
  explicit Evaluator(const Document& doc) : doc_(doc) {
    std::uint32_t i = 0;
    const Node* root = doc.root();
    order_[root] = i++;
    for (const Node* n = root->first_child; n; n = next_in_tree(n, root)) order_[n] = i++;
  }

  Value eval(const Expr& e, const Context& ctx) {
    switch (e.kind) {
      case Expr::Kind::literal: return Value::of(e.text);
      case Expr::Kind::number: return Value::of(e.number);
      case Expr::Kind::negate: return Value::of(-to_number(eval(*e.lhs, ctx)));
      case Expr::Kind::function: return call(e, ctx);
      case Expr::Kind::binary: return binary(e, ctx);
      case Expr::Kind::filter: {
        Value base = eval(*e.base, ctx);
        if (base.kind != Value::Kind::nodes) return base;
        for (const auto& p : e.predicates) base.nodes = filter(base.nodes, *p);
        return base;
      }
      case Expr::Kind::path: return path(e, ctx);
    }
    return {};
  }

  void sort_unique(std::vector<Item>& items) {
    auto key = [&](const Item& it) {
      std::uint64_t k = static_cast<std::uint64_t>(order_of(it.node)) << 16;
      if (it.attribute) k += 1 + static_cast<std::uint64_t>(it.attribute - it.node->attrs.data());
      return k;
    };
    std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) { return key(a) < key(b); });
    items.erase(std::unique(items.begin(), items.end(),
                            [](const Item& a, const Item& b) { return a.node == b.node && a.attribute == b.attribute; }),
                items.end());
  }

 private:
  std::uint32_t order_of(const Node* n) {
    auto it = order_.find(n);
    return it == order_.end() ? 0 : it->second;
  }

  static bool matches(const Step& s, const Node* n) {
    switch (s.test) {
      case TestKind::node: return true;
      case TestKind::text: return n->is_text();
      case TestKind::any: return n->is_element();
      case TestKind::name: return n->is_element() && n->name == s.name;
    }
    return false;
  }

  // Nodes on `axis` from `n`, in axis order (reverse axes nearest first).
  void axis_nodes(const Step& s, const Item& from, std::vector<Item>& out) {
    Node* n = from.node;
    if (from.attribute) {
      // Attributes have only parent/self/ancestor axes here.
      if (s.axis == Axis::parent) {
        if (s.test == TestKind::node || matches(s, n)) out.push_back({n, nullptr});
      } else if (s.axis == Axis::self) {
        if (s.test == TestKind::node) out.push_back(from);
      }
      return;
    }
    switch (s.axis) {
      case Axis::child:
        for (Node* c = n->first_child; c; c = c->next) {
          if (matches(s, c)) out.push_back({c, nullptr});
        }
        break;
      case Axis::descendant:
      case Axis::descendant_or_self:
        if (s.axis == Axis::descendant_or_self && matches(s, n)) out.push_back({n, nullptr});
        for (Node* d = n->first_child; d; d = next_in_tree(d, n)) {
          if (matches(s, d)) out.push_back({d, nullptr});
        }
        break;
      case Axis::self:
        if (matches(s, n)) out.push_back({n, nullptr});
        break;
      case Axis::parent:
        if (n->parent && (s.test == TestKind::node || matches(s, n->parent))) out.push_back({n->parent, nullptr});
        break;
      case Axis::ancestor:
      case Axis::ancestor_or_self:
        if (s.axis == Axis::ancestor_or_self && matches(s, n)) out.push_back({n, nullptr});
        for (Node* a = n->parent; a; a = a->parent) {
          if (s.test == TestKind::node || matches(s, a)) out.push_back({a, nullptr});
        }
        break;
      case Axis::following_sibling:
        for (Node* c = n->next; c; c = c->next) {
          if (matches(s, c)) out.push_back({c, nullptr});
        }
        break;
      case Axis::preceding_sibling:
        for (Node* c = n->prev; c; c = c->prev) {
          if (matches(s, c)) out.push_back({c, nullptr});
        }
        break;
      case Axis::attribute:
        if (!n->is_element()) break;
        for (const auto& a : n->attrs) {
          if (s.test == TestKind::any || s.test == TestKind::node || (s.test == TestKind::name && lower(a.name) == s.name)) {
            out.push_back({n, &a});
          }
        }
        break;
    }
  }

  std::vector<Item> filter(const std::vector<Item>& items, const Expr& predicate) {
    std::vector<Item> kept;
    for (std::size_t i = 0; i < items.size(); ++i) {
      Context c{items[i], i + 1, items.size()};
      Value v = eval(predicate, c);
      bool keep = v.kind == Value::Kind::number ? v.n == static_cast<double>(i + 1) : to_boolean(v);
      if (keep) kept.push_back(items[i]);
    }
    return kept;
  }

  Value path(const Expr& e, const Context& ctx) {
    std::vector<Item> current;
    if (e.base) {
      Value base = eval(*e.base, ctx);
      if (base.kind != Value::Kind::nodes) return Value{};
      current = std::move(base.nodes);
    } else if (e.absolute) {
      current.push_back({const_cast<Node*>(doc_.root()), nullptr});
    } else {
      current.push_back(ctx.item);
    }
    for (std::size_t si = 0; si < e.steps.size(); ++si) {
      const Step& step = e.steps[si];
      // "//name" without positional predicates: one descendant walk instead
      // of a child step from every node of the document.
      if (step.axis == Axis::descendant_or_self && step.test == TestKind::node && step.predicates.empty() &&
          si + 1 < e.steps.size() && e.steps[si + 1].axis == Axis::child && !positional(e.steps[si + 1])) {
        Step merged = e.steps[si + 1];
        merged.axis = Axis::descendant;
        current = apply_step(merged, current);
        ++si;
        continue;
      }
      current = apply_step(step, current);
    }
    Value v;
    v.nodes = std::move(current);
    return v;
  }

  static bool uses_position(const Expr& e) {
    if (e.kind == Expr::Kind::number) return true;
    if (e.kind == Expr::Kind::function && (e.text == "position" || e.text == "last")) return true;
    for (const auto& a : e.args) {
      if (uses_position(*a)) return true;
    }
    if (e.lhs && uses_position(*e.lhs)) return true;
    if (e.rhs && uses_position(*e.rhs)) return true;
    return false;
  }
  static bool positional(const Step& s) {
    return std::any_of(s.predicates.begin(), s.predicates.end(), [](const auto& p) { return uses_position(*p); });
  }

  std::vector<Item> apply_step(const Step& step, const std::vector<Item>& from) {
    std::vector<Item> result;
    std::vector<Item> scratch;
    for (const Item& it : from) {
      scratch.clear();
      axis_nodes(step, it, scratch);
      for (const auto& p : step.predicates) scratch = filter(scratch, *p);
      result.insert(result.end(), scratch.begin(), scratch.end());
    }
    if (from.size() > 1 || step.axis == Axis::ancestor || step.axis == Axis::ancestor_or_self ||
        step.axis == Axis::preceding_sibling) {
      sort_unique(result);
    }
    return result;
  }

  Value binary(const Expr& e, const Context& ctx) {
    if (e.op == "or") return Value::of(to_boolean(eval(*e.lhs, ctx)) || to_boolean(eval(*e.rhs, ctx)));
    if (e.op == "and") return Value::of(to_boolean(eval(*e.lhs, ctx)) && to_boolean(eval(*e.rhs, ctx)));
    Value l = eval(*e.lhs, ctx);
    Value r = eval(*e.rhs, ctx);
    if (e.op == "|") {
      Value u;
      if (l.kind == Value::Kind::nodes) u.nodes = std::move(l.nodes);
      if (r.kind == Value::Kind::nodes) u.nodes.insert(u.nodes.end(), r.nodes.begin(), r.nodes.end());
      sort_unique(u.nodes);
      return u;
    }
    return Value::of(compare(e.op, l, r));
  }

  static bool compare_atoms(const std::string& op, const Value& l, const Value& r) {
    if (op == "=" || op == "!=") {
      bool eq;
      if (l.kind == Value::Kind::boolean || r.kind == Value::Kind::boolean) {
        eq = to_boolean(l) == to_boolean(r);
      } else if (l.kind == Value::Kind::number || r.kind == Value::Kind::number) {
        eq = to_number(l) == to_number(r);
      } else {
        eq = to_string(l) == to_string(r);
      }
      return op == "=" ? eq : !eq;
    }
    double a = to_number(l);
    double b = to_number(r);
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    return a >= b;
  }

  static bool compare(const std::string& op, const Value& l, const Value& r) {
    // XPath 1.0 §3.4: a node set compares true when any of its nodes does.
    if (l.kind == Value::Kind::nodes && r.kind == Value::Kind::boolean) {
      return compare_atoms(op, Value::of(to_boolean(l)), r);
    }
    if (r.kind == Value::Kind::nodes && l.kind == Value::Kind::boolean) {
      return compare_atoms(op, l, Value::of(to_boolean(r)));
    }
    if (l.kind == Value::Kind::nodes) {
      for (const auto& it : l.nodes) {
        Value lv = Value::of(string_value(it));
        if (r.kind == Value::Kind::nodes) {
          for (const auto& jt : r.nodes) {
            if (compare_atoms(op, lv, Value::of(string_value(jt)))) return true;
          }
        } else if (compare_atoms(op, r.kind == Value::Kind::number ? Value::of(to_number(lv)) : lv, r)) {
          return true;
        }
      }
      return false;
    }
    if (r.kind == Value::Kind::nodes) {
      for (const auto& jt : r.nodes) {
        Value rv = Value::of(string_value(jt));
        if (compare_atoms(op, l, l.kind == Value::Kind::number ? Value::of(to_number(rv)) : rv)) return true;
      }
      return false;
    }
    return compare_atoms(op, l, r);
  }

  std::string arg_string(const Expr& e, std::size_t i, const Context& ctx) {
    if (i >= e.args.size()) return string_value(ctx.item);
    return to_string(eval(*e.args[i], ctx));
  }

  Value call(const Expr& e, const Context& ctx) {
    const std::string& f = e.text;
    if (f == "true") return Value::of(true);
    if (f == "false") return Value::of(false);
    if (f == "position") return Value::of(static_cast<double>(ctx.position));
    if (f == "last") return Value::of(static_cast<double>(ctx.size));
    if (f == "not") return Value::of(e.args.empty() ? true : !to_boolean(eval(*e.args[0], ctx)));
    if (f == "count") {
      if (e.args.empty()) return Value::of(0.0);
      Value v = eval(*e.args[0], ctx);
      return Value::of(static_cast<double>(v.kind == Value::Kind::nodes ? v.nodes.size() : 0));
    }
    if (f == "name" || f == "local-name") {
      Item it = ctx.item;
      if (!e.args.empty()) {
        Value v = eval(*e.args[0], ctx);
        if (v.kind != Value::Kind::nodes || v.nodes.empty()) return Value::of(std::string());
        it = v.nodes.front();
      }
      if (it.attribute) return Value::of(it.attribute->name);
      return Value::of(it.node->is_element() ? it.node->name : std::string());
    }
    if (f == "string") return Value::of(arg_string(e, 0, ctx));
    if (f == "string-length") return Value::of(static_cast<double>(char_count(arg_string(e, 0, ctx))));
    if (f == "normalize-space") return Value::of(normalize_space(arg_string(e, 0, ctx)));
    if (f == "lower-case") return Value::of(lower(arg_string(e, 0, ctx)));
    if (f == "concat") {
      std::string out;
      for (std::size_t i = 0; i < e.args.size(); ++i) out += arg_string(e, i, ctx);
      return Value::of(out);
    }
    if (e.args.size() < 2) return Value::of(false);
    std::string a = arg_string(e, 0, ctx);
    std::string b = arg_string(e, 1, ctx);
    if (f == "contains") return Value::of(a.find(b) != std::string::npos);
    if (f == "starts-with") return Value::of(a.starts_with(b));
    if (f == "ends-with") return Value::of(a.ends_with(b));
    if (f == "substring-before" || f == "substring-after") {
      std::size_t pos = a.find(b);
      if (pos == std::string::npos) return Value::of(std::string());
      return Value::of(f == "substring-before" ? a.substr(0, pos) : a.substr(pos + b.size()));
    }
    if (f == "translate") {
      std::string to = arg_string(e, 2, ctx);
      std::string out;
      for (char c : a) {
        std::size_t pos = b.find(c);
        if (pos == std::string::npos) {
          out += c;
        } else if (pos < to.size()) {
          out += to[pos];
        }
      }
      return Value::of(out);
    }
    return Value::of(false);
  }

  const Document& doc_;
  std::unordered_map<const Node*, std::uint32_t> order_;
};

}  // namespace

std::string string_value(const XPath::Item& item) {
  if (item.attribute) return item.attribute->value;
  if (!item.node) return {};
  return text_content(item.node);
}

Result<XPath> XPath::compile(std::string_view expression) {
  auto tokens = tokenize(expression);
  if (!tokens) return tl::unexpected(tokens.error());
  Parser parser(std::move(*tokens));
  auto root = parser.parse();
  if (!root) return tl::unexpected(root.error());
  XPath x;
  x.source_ = std::string(expression);
  x.root_ = *root;
  return x;
}

std::vector<XPath::Item> XPath::select(const Document& doc, Node* context) const {
  Evaluator ev(doc);
  Value v = ev.eval(*root_, Context{{context, nullptr}, 1, 1});
  if (v.kind != Value::Kind::nodes) return {};
  ev.sort_unique(v.nodes);
  return v.nodes;
}

std::vector<XPath::Item> XPath::select(const Document& doc) const {
  return select(doc, const_cast<Node*>(doc.root()));
}

std::string XPath::evaluate_string(const Document& doc) const {
  Evaluator ev(doc);
  Value v = ev.eval(*root_, Context{{const_cast<Node*>(doc.root()), nullptr}, 1, 1});
  return to_string(v);
}

}  // namespace tributary::feeds::html
