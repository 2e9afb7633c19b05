#include "planwatch/domain/org_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_set>

namespace planwatch {
namespace {

// How many problems an error message quotes; the details carry all of them.
constexpr std::size_t kQuotedProblems = 3;
// How many codes a cycle message lists before eliding the rest.
constexpr std::size_t kListedCycleCodes = 20;

std::string Summarize(std::string_view what, const std::vector<ErrorDetail>& problems) {
  std::string out =
      fmt::format("{}: {} problem{}", what, problems.size(), problems.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < problems.size() && i < kQuotedProblems; ++i) {
    out += i == 0 ? ": " : "; ";
    out += problems[i].message;
  }
  if (problems.size() > kQuotedProblems) out += "; …";
  return out;
}

// "in force from 2020-01-01 to 2025-06-30", "in force until 2025-06-30", "always in force", …
std::string Validity(const OrgUnit& u) {
  if (u.valid_from && u.valid_to) {
    return fmt::format("in force from {} to {}", u.valid_from->ToString(), u.valid_to->ToString());
  }
  if (u.valid_from) return fmt::format("in force from {}", u.valid_from->ToString());
  if (u.valid_to) return fmt::format("in force until {}", u.valid_to->ToString());
  return "always in force";
}

// Sorts positions and turns them into ids.
std::vector<OrgUnitId> SortedIds(std::vector<int> positions, std::span<const OrgUnit> units) {
  std::sort(positions.begin(), positions.end());
  std::vector<OrgUnitId> ids;
  ids.reserve(positions.size());
  for (int p : positions) ids.push_back(units[p].id);
  return ids;
}

}  // namespace

Result<OrgTree> OrgTree::Build(std::vector<OrgUnit> units, std::vector<Succession> successions) {
  const int n = static_cast<int>(units.size());
  std::vector<ErrorDetail> problems;
  auto problem = [&problems](std::string field, std::string message) {
    problems.push_back(ErrorDetail{0, std::move(field), std::move(message)});
  };
  auto at = [&units](int i) -> OrgUnit& { return units[i]; };

  // Ids and codes resolve to the first unit that carries them, so a later duplicate is never a
  // parent and cannot lie on a cycle.
  std::unordered_map<OrgUnitId, int> by_id;
  std::unordered_map<std::string_view, int> first_with_code;
  by_id.reserve(units.size());
  first_with_code.reserve(units.size());
  for (int i = 0; i < n; ++i) {
    const OrgUnit& u = at(i);
    if (u.code.empty()) problem("", fmt::format("unit with id {} has an empty code", u.id.value));
    if (!u.id) {
      problem(u.code, fmt::format("unit '{}' has no id", u.code));
    } else if (auto [it, inserted] = by_id.emplace(u.id, i); !inserted) {
      problem(u.code, fmt::format("duplicate id {}: units '{}' and '{}'", u.id.value,
                                  at(it->second).code, u.code));
    }
    if (!u.code.empty()) {
      if (auto [it, inserted] = first_with_code.emplace(u.code, i); !inserted) {
        problem(u.code, fmt::format("duplicate code '{}' (ids {} and {})", u.code,
                                    at(it->second).id.value, u.id.value));
      }
    }
    if (u.valid_from && u.valid_to && *u.valid_to < *u.valid_from) {
      problem(u.code, fmt::format("unit '{}' has valid_to {} before valid_from {}", u.code,
                                  u.valid_to->ToString(), u.valid_from->ToString()));
    }
  }

  std::vector<int> parent(units.size(), -1);
  for (int i = 0; i < n; ++i) {
    const OrgUnit& u = at(i);
    if (!u.parent) continue;
    if (u.parent == u.id) {
      problem(u.code, fmt::format("unit '{}' is its own parent", u.code));
    } else if (auto it = by_id.find(u.parent); it == by_id.end()) {
      problem(u.code, fmt::format("unit '{}' has unknown parent id {}", u.code, u.parent.value));
    } else {
      parent[i] = it->second;
    }
  }

  // Cycles: walk up from each unvisited unit; meeting the current walk again closes a cycle.
  {
    enum class Mark : char { kNew, kOnWalk, kDone };
    std::vector<Mark> mark(units.size(), Mark::kNew);
    std::vector<int> walk;
    for (int start = 0; start < n; ++start) {
      walk.clear();
      int v = start;
      while (v != -1 && mark[v] == Mark::kNew) {
        mark[v] = Mark::kOnWalk;
        walk.push_back(v);
        v = parent[v];
      }
      if (v != -1 && mark[v] == Mark::kOnWalk) {
        std::vector<int> cycle(std::find(walk.begin(), walk.end(), v), walk.end());
        auto smallest = std::min_element(cycle.begin(), cycle.end(),
                                         [&](int a, int b) { return at(a).code < at(b).code; });
        std::rotate(cycle.begin(), smallest, cycle.end());
        std::string path;
        for (std::size_t c = 0; c < cycle.size() && c < kListedCycleCodes; ++c) {
          path += at(cycle[c]).code + " -> ";
        }
        if (cycle.size() > kListedCycleCodes) {
          path += fmt::format("… ({} more) -> ", cycle.size() - kListedCycleCodes);
        }
        path += at(cycle.front()).code;
        problem(at(cycle.front()).code, fmt::format("cycle in parent links: {}", path));
      }
      for (int w : walk) mark[w] = Mark::kDone;
    }
  }

  std::set<std::pair<OrgUnitId, OrgUnitId>> seen_edges;
  for (const Succession& s : successions) {
    auto pred = by_id.find(s.predecessor);
    auto succ = by_id.find(s.successor);
    if (pred == by_id.end() || succ == by_id.end()) {
      const std::string field = pred != by_id.end()   ? at(pred->second).code
                                : succ != by_id.end() ? at(succ->second).code
                                                      : std::string();
      const OrgUnitId unknown = pred == by_id.end() ? s.predecessor : s.successor;
      problem(field, fmt::format("succession from id {} to id {} names unknown unit id {}",
                                 s.predecessor.value, s.successor.value, unknown.value));
      continue;
    }
    const OrgUnit& p = at(pred->second);
    const OrgUnit& q = at(succ->second);
    if (s.predecessor == s.successor) {
      problem(p.code, fmt::format("unit '{}' cannot succeed itself", p.code));
      continue;
    }
    if (!seen_edges.emplace(s.predecessor, s.successor).second) {
      problem(p.code, fmt::format("succession from '{}' to '{}' is repeated", p.code, q.code));
      continue;
    }
    if (!p.valid_to) {
      problem(p.code, fmt::format("'{}' is succeeded by '{}' on {} but has no valid_to", p.code,
                                  q.code, s.effective_on.ToString()));
    } else if (p.valid_to->AddDays(1) != s.effective_on) {
      problem(p.code,
              fmt::format("'{}' is succeeded by '{}' on {} but its valid_to is {}: a succession "
                          "takes effect the day after valid_to ({})",
                          p.code, q.code, s.effective_on.ToString(), p.valid_to->ToString(),
                          p.valid_to->AddDays(1).ToString()));
    }
    if (!q.ActiveOn(s.effective_on)) {
      problem(q.code, fmt::format("'{}' succeeds '{}' on {} but is {}", q.code, p.code,
                                  s.effective_on.ToString(), Validity(q)));
    }
  }

  if (!problems.empty()) {
    std::string message = Summarize("invalid org unit tree", problems);
    return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(problems));
  }

  // Children lists (compressed) filled in code order, so each list is ordered by code.
  std::vector<int> sorted(units.size());
  for (int i = 0; i < n; ++i) sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return at(a).code < at(b).code; });
  std::vector<int> child_begin(units.size() + 2, 0);  // slot 0 holds the roots
  for (int i = 0; i < n; ++i) ++child_begin[parent[i] + 2];
  for (std::size_t k = 1; k < child_begin.size(); ++k) child_begin[k] += child_begin[k - 1];
  std::vector<int> children(units.size());
  {
    std::vector<int> fill(child_begin.begin(), child_begin.end() - 1);
    for (int i : sorted) {
      children[fill[parent[i] + 1]++] = i;
    }
  }
  auto child_range = [&](int p) {  // p == -1: the roots
    const auto b = children.begin() + child_begin[p + 1];
    const auto e = children.begin() + child_begin[p + 2];
    return std::pair(b, e);
  };

  // Iterative pre-order: an explicit stack, so depth does not matter.
  std::vector<int> order;
  order.reserve(units.size());
  std::vector<int> stack;
  {
    auto [b, e] = child_range(-1);
    stack.assign(std::make_reverse_iterator(e), std::make_reverse_iterator(b));
  }
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    order.push_back(v);
    auto [b, e] = child_range(v);
    stack.insert(stack.end(), std::make_reverse_iterator(e), std::make_reverse_iterator(b));
  }
  if (static_cast<int>(order.size()) != n) {
    return Internal("org unit tree: pre-order did not reach every unit");
  }

  std::vector<int> position(units.size());
  for (int k = 0; k < n; ++k) position[order[k]] = k;

  OrgTree tree;
  tree.units_.reserve(units.size());
  tree.parent_.resize(units.size());
  tree.level_.resize(units.size());
  tree.subtree_size_.assign(units.size(), 1);
  tree.index_.reserve(units.size());
  for (int k = 0; k < n; ++k) {
    const int i = order[k];
    const int p = parent[i] == -1 ? -1 : position[parent[i]];
    tree.parent_[k] = p;
    tree.level_[k] = p == -1 ? 0 : tree.level_[p] + 1;
    tree.index_.emplace(at(i).id, k);
    tree.units_.push_back(std::move(at(i)));
  }
  for (int k = n - 1; k > 0; --k) {
    const int p = tree.parent_[k];
    if (p != -1) tree.subtree_size_[p] += tree.subtree_size_[k];
  }
  tree.by_code_.reserve(units.size());
  for (int i : sorted) tree.by_code_.push_back(position[i]);

  // Succession adjacency in both directions, in input order within each unit.
  tree.successions_ = std::move(successions);
  auto build_edges = [&tree, n](bool outgoing, std::vector<int>& begin, std::vector<Edge>& edges) {
    begin.assign(static_cast<std::size_t>(n) + 1, 0);
    edges.resize(tree.successions_.size());
    auto ends = [&tree, outgoing](const Succession& s) {
      const int from = tree.index_.at(outgoing ? s.predecessor : s.successor);
      const int to = tree.index_.at(outgoing ? s.successor : s.predecessor);
      return std::pair(from, to);
    };
    for (const Succession& s : tree.successions_) ++begin[ends(s).first + 1];
    for (std::size_t k = 1; k < begin.size(); ++k) begin[k] += begin[k - 1];
    std::vector<int> fill(begin.begin(), begin.end() - 1);
    for (std::size_t k = 0; k < tree.successions_.size(); ++k) {
      const Succession& s = tree.successions_[k];
      auto [from, to] = ends(s);
      edges[fill[from]++] = Edge{to, s.effective_on, static_cast<int>(k)};
    }
  };
  build_edges(true, tree.out_begin_, tree.out_);
  build_edges(false, tree.in_begin_, tree.in_);
  return tree;
}

const OrgUnit* OrgTree::Find(OrgUnitId id) const {
  const int i = Index(id);
  return i < 0 ? nullptr : &units_[i];
}

const OrgUnit* OrgTree::FindByCode(std::string_view code) const {
  auto it = std::lower_bound(by_code_.begin(), by_code_.end(), code,
                             [this](int k, std::string_view c) { return units_[k].code < c; });
  if (it == by_code_.end() || units_[*it].code != code) return nullptr;
  return &units_[*it];
}

int OrgTree::Index(OrgUnitId id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

int OrgTree::SubtreeSize(OrgUnitId id) const {
  const int i = Index(id);
  return i < 0 ? 0 : subtree_size_[i];
}

bool OrgTree::InSubtree(OrgUnitId unit, OrgUnitId root) const {
  const int u = Index(unit);
  const int r = Index(root);
  return u >= 0 && r >= 0 && r <= u && u < r + subtree_size_[r];
}

std::vector<OrgUnitId> OrgTree::Subtree(OrgUnitId root) const {
  const int r = Index(root);
  std::vector<OrgUnitId> out;
  if (r < 0) return out;
  const int end = r + subtree_size_[r];
  out.reserve(static_cast<std::size_t>(end - r));
  for (int k = r; k < end; ++k) out.push_back(units_[k].id);
  return out;
}

std::vector<OrgUnitId> OrgTree::Children(OrgUnitId id) const {
  const int p = Index(id);
  std::vector<OrgUnitId> out;
  if (p < 0) return out;
  // In pre-order the first child follows its parent and each sibling follows the previous
  // sibling's subtree.
  const int end = p + subtree_size_[p];
  for (int c = p + 1; c < end; c += subtree_size_[c]) {
    out.push_back(units_[c].id);
  }
  return out;
}

std::vector<OrgUnitId> OrgTree::Ancestors(OrgUnitId id) const {
  std::vector<OrgUnitId> out;
  const int i = Index(id);
  if (i < 0) return out;
  for (int p = parent_[i]; p != -1; p = parent_[p]) {
    out.push_back(units_[p].id);
  }
  return out;
}

int OrgTree::Level(OrgUnitId id) const {
  const int i = Index(id);
  return i < 0 ? -1 : level_[i];
}

std::vector<OrgUnitId> OrgTree::Roots() const {
  std::vector<OrgUnitId> out;
  for (std::size_t k = 0; k < units_.size(); k += static_cast<std::size_t>(subtree_size_[k])) {
    out.push_back(units_[k].id);
  }
  return out;
}

std::vector<OrgUnitId> OrgTree::ActiveOn(Date d) const {
  std::vector<OrgUnitId> out;
  for (const OrgUnit& u : units_) {
    if (u.ActiveOn(d)) out.push_back(u.id);
  }
  return out;
}

std::vector<Succession> OrgTree::SuccessionsFrom(OrgUnitId unit) const {
  std::vector<Succession> out;
  const int i = Index(unit);
  if (i < 0) return out;
  for (int e = out_begin_[i]; e < out_begin_[i + 1]; ++e) {
    out.push_back(successions_[out_[e].succession]);
  }
  return out;
}

std::vector<Succession> OrgTree::SuccessionsTo(OrgUnitId unit) const {
  std::vector<Succession> out;
  const int i = Index(unit);
  if (i < 0) return out;
  for (int e = in_begin_[i]; e < in_begin_[i + 1]; ++e) {
    out.push_back(successions_[in_[e].succession]);
  }
  return out;
}

std::vector<OrgUnitId> OrgTree::SuccessorsOn(OrgUnitId unit, Date d) const {
  const int start = Index(unit);
  if (start < 0) return {};
  if (units_[start].ActiveOn(d)) return {unit};
  // Build() guarantees a successor is in force when its succession takes effect, so valid_to
  // grows along every edge and the walk ends; `seen` removes diamonds (a split then a merge).
  std::vector<int> found;
  std::unordered_set<int> seen{start};
  std::vector<int> stack{start};
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    for (int e = out_begin_[v]; e < out_begin_[v + 1]; ++e) {
      const Edge& edge = out_[e];
      if (d < edge.effective_on || !seen.insert(edge.unit).second) continue;
      if (units_[edge.unit].ActiveOn(d)) {
        found.push_back(edge.unit);
      } else {
        stack.push_back(edge.unit);
      }
    }
  }
  return SortedIds(std::move(found), units_);
}

std::vector<OrgUnitId> OrgTree::Predecessors(OrgUnitId unit) const {
  const int start = Index(unit);
  if (start < 0) return {};
  std::vector<int> found;
  std::unordered_set<int> seen{start};
  std::vector<int> stack{start};
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    for (int e = in_begin_[v]; e < in_begin_[v + 1]; ++e) {
      const int p = in_[e].unit;
      if (!seen.insert(p).second) continue;
      found.push_back(p);
      stack.push_back(p);
    }
  }
  return SortedIds(std::move(found), units_);
}

// ---------------------------------------------------------------------------------------------
// Restructures

Status Restructure::AssignIds(std::span<const OrgUnitId> ids) {
  if (ids.size() != opened.size()) {
    return InvalidArgument(
        fmt::format("expected {} ids for the new units, got {}", opened.size(), ids.size()));
  }
  std::unordered_set<OrgUnitId> distinct;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].value <= 0) {
      return InvalidArgument(
          fmt::format("id {} for new unit '{}' is not a stored id (must be positive)", ids[i].value,
                      opened[i].code));
    }
    if (!distinct.insert(ids[i]).second) {
      return InvalidArgument(fmt::format("id {} is given to more than one new unit", ids[i].value));
    }
  }
  auto resolve = [&](OrgUnitId& id) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (id == PlaceholderId(i)) {
        id = ids[i];
        return;
      }
    }
  };
  for (OrgUnit& u : opened) resolve(u.id);
  for (OrgUnit& u : moved) resolve(u.parent);
  for (Succession& s : successions) resolve(s.successor);
  return {};
}

namespace {

// Collects the problems of one restructure; the code of the error follows the kind of problem.
class RestructureCheck {
 public:
  RestructureCheck(const OrgTree& tree, Date effective_on)
      : tree_(tree), effective_on_(effective_on) {}

  void Invalid(std::string field, std::string message) {
    invalid_.push_back(ErrorDetail{0, std::move(field), std::move(message)});
  }

  // Checks a unit to be closed; nullptr when it cannot be.
  const OrgUnit* Predecessor(OrgUnitId id) {
    const OrgUnit* p = tree_.Find(id);
    if (p == nullptr) {
      Invalid("", fmt::format("predecessor id {} is unknown", id.value));
      return nullptr;
    }
    const Date last_day = effective_on_.AddDays(-1);
    if (!p->ActiveOn(last_day)) {
      Invalid(p->code, fmt::format("predecessor '{}' is not in force on {} ({})", p->code,
                                   last_day.ToString(), Validity(*p)));
    }
    if (!tree_.SuccessionsFrom(id).empty()) {
      Invalid(p->code, fmt::format("predecessor '{}' already has successors", p->code));
    }
    return p;
  }

  // `predecessors` must be checked and final before successors are resolved.
  void SetPredecessors(std::vector<const OrgUnit*> predecessors) {
    predecessors_ = std::move(predecessors);
  }

  // The predecessor whose subtree holds `unit` (itself included), or nullptr.
  const OrgUnit* ClosingAbove(OrgUnitId unit) const {
    for (const OrgUnit* p : predecessors_) {
      if (tree_.InSubtree(unit, p->id)) return p;
    }
    return nullptr;
  }

  // Checks a successor and returns the id that refers to it (a placeholder for a new unit, which
  // is appended to `opened`). `default_parent` is the parent of a new successor without one;
  // `parent_problem` is reported instead when there is no single default.
  OrgUnitId Successor(const OrgUnit& successor, std::optional<OrgUnitId> default_parent,
                      std::string_view parent_problem, std::vector<OrgUnit>& opened) {
    if (successor.id) {
      const OrgUnit* s = tree_.Find(successor.id);
      if (s == nullptr) {
        Invalid("", fmt::format("successor id {} is unknown", successor.id.value));
      } else if (const OrgUnit* p = ClosingAbove(s->id); p == s) {
        Invalid(s->code, fmt::format("successor '{}' is also a predecessor", s->code));
      } else if (p != nullptr) {
        Invalid(s->code, fmt::format("successor '{}' lies under predecessor '{}', which closes",
                                     s->code, p->code));
      } else if (!s->ActiveOn(effective_on_)) {
        Invalid(s->code, fmt::format("successor '{}' is not in force on {}", s->code,
                                     effective_on_.ToString()));
      } else if (!existing_.insert(s->id).second) {
        Invalid(s->code, fmt::format("successor '{}' is named twice", s->code));
      }
      return successor.id;
    }

    OrgUnit unit = successor;
    if (unit.code.empty()) {
      Invalid("", unit.name_vi.empty()
                      ? std::string("a new successor has an empty code")
                      : fmt::format("new successor '{}' has an empty code", unit.name_vi));
    } else if (!new_codes_.insert(unit.code).second) {
      Invalid(unit.code, fmt::format("new successor code '{}' is given twice", unit.code));
    } else if (tree_.FindByCode(unit.code) != nullptr) {
      clashes_.push_back(ErrorDetail{
          0, unit.code, fmt::format("code '{}' is already used by another unit", unit.code)});
    }
    if (unit.valid_from && *unit.valid_from != effective_on_) {
      Invalid(unit.code,
              fmt::format("new successor '{}' has valid_from {}, not the effective date {}",
                          unit.code, unit.valid_from->ToString(), effective_on_.ToString()));
    }
    if (unit.valid_to && *unit.valid_to < effective_on_) {
      Invalid(unit.code,
              fmt::format("new successor '{}' has valid_to {}, before the effective date {}",
                          unit.code, unit.valid_to->ToString(), effective_on_.ToString()));
    }
    if (!unit.parent) {
      if (default_parent) {
        unit.parent = *default_parent;
      } else {
        Invalid(unit.code,
                fmt::format("new successor '{}' has no parent and {}", unit.code, parent_problem));
      }
    }
    if (unit.parent) {
      const OrgUnit* parent = tree_.Find(unit.parent);
      if (parent == nullptr) {
        Invalid(unit.code, fmt::format("new successor '{}' has unknown parent id {}", unit.code,
                                       unit.parent.value));
      } else if (const OrgUnit* p = ClosingAbove(parent->id); p == parent) {
        Invalid(unit.code, fmt::format("new successor '{}' would be under '{}', which closes",
                                       unit.code, parent->code));
      } else if (p != nullptr) {
        Invalid(unit.code,
                fmt::format("new successor '{}' would be under '{}', which lies under closing '{}'",
                            unit.code, parent->code, p->code));
      } else if (!parent->ActiveOn(effective_on_)) {
        Invalid(unit.code,
                fmt::format("new successor '{}' would be under '{}', which is not in force on {}",
                            unit.code, parent->code, effective_on_.ToString()));
      }
    }
    unit.id = Restructure::PlaceholderId(opened.size());
    unit.valid_from = effective_on_;
    opened.push_back(std::move(unit));
    return opened.back().id;
  }

  // Children of `unit` that are still in force on or after the effective date, in pre-order.
  std::vector<const OrgUnit*> ContinuingChildren(OrgUnitId unit) const {
    std::vector<const OrgUnit*> out;
    for (OrgUnitId c : tree_.Children(unit)) {
      const OrgUnit* child = tree_.Find(c);
      if (!child->valid_to || *child->valid_to >= effective_on_) out.push_back(child);
    }
    return out;
  }

  // The error for what was collected, or none.
  std::optional<Error> Outcome(std::string_view what) {
    if (!invalid_.empty()) {
      return Error{ErrorCode::kInvalidArgument, Summarize(what, invalid_), std::move(invalid_)};
    }
    if (!clashes_.empty()) {
      return Error{ErrorCode::kConflict, Summarize(what, clashes_), std::move(clashes_)};
    }
    return std::nullopt;
  }

 private:
  const OrgTree& tree_;
  Date effective_on_;
  std::vector<const OrgUnit*> predecessors_;
  std::unordered_set<OrgUnitId> existing_;
  std::set<std::string> new_codes_;
  std::vector<ErrorDetail> invalid_;
  std::vector<ErrorDetail> clashes_;
};

OrgUnit Closed(const OrgUnit& unit, Date effective_on) {
  OrgUnit out = unit;
  out.valid_to = effective_on.AddDays(-1);
  return out;
}

OrgUnit Moved(const OrgUnit& unit, OrgUnitId parent) {
  OrgUnit out = unit;
  out.parent = parent;
  return out;
}

}  // namespace

Result<Restructure> PlanMerge(const OrgTree& tree, std::span<const OrgUnitId> predecessors,
                              const OrgUnit& successor, Date effective_on) {
  RestructureCheck check(tree, effective_on);
  const std::string what = fmt::format(
      "cannot merge into '{}' on {}",
      successor.id && tree.Find(successor.id) ? tree.Find(successor.id)->code : successor.code,
      effective_on.ToString());
  if (predecessors.empty()) check.Invalid(successor.code, "a merge needs at least one predecessor");

  std::vector<const OrgUnit*> closing;
  std::unordered_set<OrgUnitId> distinct;
  for (OrgUnitId id : predecessors) {
    if (!distinct.insert(id).second) {
      const OrgUnit* p = tree.Find(id);
      check.Invalid(p ? p->code : "", fmt::format("predecessor '{}' is named twice",
                                                  p ? p->code : std::to_string(id.value)));
      continue;
    }
    if (const OrgUnit* p = check.Predecessor(id)) closing.push_back(p);
  }
  for (const OrgUnit* p : closing) {
    for (OrgUnitId a : tree.Ancestors(p->id)) {
      if (distinct.contains(a)) {
        check.Invalid(p->code, fmt::format("predecessor '{}' lies under predecessor '{}'", p->code,
                                           tree.Find(a)->code));
        break;
      }
    }
  }
  check.SetPredecessors(closing);

  // A new successor without a parent takes the predecessors' parent, if they share one.
  // Without a usable predecessor the merge already fails; a root default adds no noise.
  std::optional<OrgUnitId> common_parent = OrgUnitId{};
  std::string parent_problem;
  if (!closing.empty()) {
    common_parent = closing.front()->parent;
    for (const OrgUnit* p : closing) {
      if (p->parent != *common_parent) {
        common_parent.reset();
        const OrgUnit* a = tree.Find(closing.front()->parent);
        const OrgUnit* b = tree.Find(p->parent);
        parent_problem = fmt::format(
            "the predecessors have different parents ('{}' under '{}', '{}' under '{}')",
            closing.front()->code, a ? a->code : "none", p->code, b ? b->code : "none");
        break;
      }
    }
  }

  Restructure r;
  r.effective_on = effective_on;
  const OrgUnitId to = check.Successor(successor, common_parent, parent_problem, r.opened);
  for (const OrgUnit* p : closing) {
    r.closed.push_back(Closed(*p, effective_on));
    r.successions.push_back(Succession{p->id, to, effective_on});
  }
  std::vector<const OrgUnit*> moving;
  for (const OrgUnit* p : closing) {
    for (const OrgUnit* c : check.ContinuingChildren(p->id)) {
      if (!distinct.contains(c->id)) moving.push_back(c);
    }
  }
  std::sort(moving.begin(), moving.end(), [&tree](const OrgUnit* a, const OrgUnit* b) {
    return tree.Index(a->id) < tree.Index(b->id);
  });
  for (const OrgUnit* c : moving) r.moved.push_back(Moved(*c, to));

  if (auto error = check.Outcome(what)) return std::unexpected(std::move(*error));
  return r;
}

Result<Restructure> PlanSplit(
    const OrgTree& tree, OrgUnitId predecessor, std::span<const OrgUnit> successors,
    const std::vector<std::pair<OrgUnitId, std::size_t>>& child_assignment, Date effective_on) {
  RestructureCheck check(tree, effective_on);
  const OrgUnit* p = check.Predecessor(predecessor);
  const std::string what =
      fmt::format("cannot split '{}' on {}", p ? p->code : std::to_string(predecessor.value),
                  effective_on.ToString());
  if (p == nullptr) {
    auto error = check.Outcome(what);
    return std::unexpected(std::move(*error));
  }
  check.SetPredecessors({p});
  if (successors.empty()) {
    check.Invalid(p->code, "a split needs at least one successor");
    auto error = check.Outcome(what);
    return std::unexpected(std::move(*error));
  }

  Restructure r;
  r.effective_on = effective_on;
  std::vector<OrgUnitId> to;
  for (const OrgUnit& s : successors) to.push_back(check.Successor(s, p->parent, "", r.opened));
  for (OrgUnitId s : to) r.successions.push_back(Succession{p->id, s, effective_on});
  r.closed.push_back(Closed(*p, effective_on));

  const std::vector<const OrgUnit*> children = check.ContinuingChildren(p->id);
  std::unordered_set<OrgUnitId> child_ids;
  for (const OrgUnit* c : children) child_ids.insert(c->id);
  // A child mentioned at all is not also reported as unassigned.
  std::unordered_set<OrgUnitId> mentioned;
  std::unordered_map<OrgUnitId, std::size_t> assigned;
  for (const auto& [child, index] : child_assignment) {
    const OrgUnit* c = tree.Find(child);
    if (!child_ids.contains(child)) {
      const std::string name = c ? fmt::format("'{}'", c->code) : fmt::format("id {}", child.value);
      check.Invalid(c ? c->code : "",
                    fmt::format("{} is assigned but is not a child of '{}' in force on {}", name,
                                p->code, effective_on.ToString()));
    } else if (!mentioned.insert(child).second) {
      check.Invalid(c->code, fmt::format("'{}' is assigned twice", c->code));
    } else if (index >= successors.size()) {
      check.Invalid(c->code, fmt::format("'{}' is assigned to successor {}, but there are only {}",
                                         c->code, index, successors.size()));
    } else {
      assigned.emplace(child, index);
    }
  }
  for (const OrgUnit* c : children) {
    if (auto it = assigned.find(c->id); it != assigned.end()) {
      r.moved.push_back(Moved(*c, to[it->second]));
    } else if (!mentioned.contains(c->id)) {
      check.Invalid(c->code, fmt::format("child '{}' of '{}' is not assigned to a successor",
                                         c->code, p->code));
    }
  }

  if (auto error = check.Outcome(what)) return std::unexpected(std::move(*error));
  return r;
}

Result<OrgTree> ApplyRestructure(const OrgTree& tree, const Restructure& restructure) {
  std::vector<OrgUnit> units(tree.units().begin(), tree.units().end());
  std::vector<ErrorDetail> problems;
  for (const auto* rows : {&restructure.closed, &restructure.moved}) {
    for (const OrgUnit& row : *rows) {
      const int i = tree.Index(row.id);
      if (i < 0) {
        problems.push_back(ErrorDetail{
            0, row.code,
            fmt::format("restructure changes unknown unit '{}' (id {})", row.code, row.id.value)});
      } else {
        units[i] = row;
      }
    }
  }
  if (!problems.empty()) {
    std::string message = Summarize("cannot apply restructure", problems);
    return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(problems));
  }
  units.insert(units.end(), restructure.opened.begin(), restructure.opened.end());
  std::vector<Succession> successions(tree.successions().begin(), tree.successions().end());
  successions.insert(successions.end(), restructure.successions.begin(),
                     restructure.successions.end());
  return OrgTree::Build(std::move(units), std::move(successions));
}

}  // namespace planwatch
