#pragma once
// Text put into HTML or SVG (element content and quoted attributes) as it
// reads: &, <, > and " escaped.
#include <string>

namespace vigil::html {

std::string html_escape(const std::string& s);

}  // namespace vigil::html
