#include "planwatch/http/message.h"

#include <algorithm>

namespace planwatch::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

std::string_view Request::HeaderValue(std::string_view name) const {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

bool Request::HasHeader(std::string_view name) const {
  return std::ranges::any_of(headers,
                             [&](const Header& h) { return EqualsIgnoreCase(h.name, name); });
}

void Response::SetHeader(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const Header& h) { return EqualsIgnoreCase(h.name, name); });
  headers.push_back({std::string(name), std::move(value)});
}

std::string_view Response::HeaderValue(std::string_view name) const {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

}  // namespace planwatch::http
