// Routes: a method and a path template ("/api/v1/tasks/{id}") to a handler. Matching is by
// whole segments; `{name}` matches one non-empty, percent-decoded segment.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace planwatch::http {

template <typename Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    std::vector<std::string> segments;
  };

  struct Match {
    const Route* route = nullptr;      // null: no route for this method
    std::vector<std::string> params;   // values of the {…} segments, in order
    std::vector<std::string> allowed;  // methods the path supports (for 405's Allow)
  };

  void Add(std::string method, std::string pattern, Handler handler) {
    Route r{std::move(method), std::move(pattern), std::move(handler), {}};
    r.segments = Split(r.pattern);
    routes_.push_back(std::move(r));
  }

  // `segments`: the request path split at '/' and percent-decoded.
  Match Find(std::string_view method, const std::vector<std::string>& segments) const {
    Match m;
    for (const Route& r : routes_) {
      std::vector<std::string> params;
      if (!Matches(r.segments, segments, params)) continue;
      m.allowed.push_back(r.method);
      if (r.method == method || (method == "HEAD" && r.method == "GET")) {
        m.route = &r;
        m.params = std::move(params);
      }
    }
    return m;
  }

  const std::vector<Route>& routes() const { return routes_; }

  static std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
      std::size_t slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      out.emplace_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    return out;
  }

 private:
  static bool Matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& segments, std::vector<std::string>& params) {
    if (pattern.size() != segments.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i].starts_with('{')) {
        if (segments[i].empty()) return false;
        params.push_back(segments[i]);
      } else if (pattern[i] != segments[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace planwatch::http
