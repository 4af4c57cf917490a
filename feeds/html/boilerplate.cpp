#include "feeds/html/boilerplate.h"

namespace tributary::feeds::html {

void strip_boilerplate(Node* content) { (void)content; }

}  // namespace tributary::feeds::html
