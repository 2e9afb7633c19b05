// The administration tree and its restructures (merges and splits), as pure values: no I/O.
//
// An OrgTree holds every unit ever (open and closed), each as its latest version, so its shape
// follows the current parent links. Units are numbered depth-first (pre-order, children ordered
// by code), which makes every subtree a contiguous range of the numbering: subtree membership is
// O(1) and a subtree is a slice of units().
//
// Restructures keep history queryable through succession edges (see Succession in org_unit.h):
// SuccessorsOn() resolves a closed unit to the units carrying on its work on a date, and
// Predecessors() lists every unit whose history a unit inherits. PlanMerge() and PlanSplit()
// compute what a restructure changes; storage persists the Restructure in one transaction.
//
// Thread-safety: an OrgTree is immutable after Build(); its const methods may be called from any
// number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/org_unit.h"

namespace planwatch {

class OrgTree {
 public:
  // An empty tree.
  OrgTree() = default;

  // Builds the tree from every unit ever (open and closed) and the succession edges, in
  // O(n log n) time and without recursion (a chain of 100,000 units is fine).
  //
  // invalid_argument, with one ErrorDetail per problem (units in input order, then parent cycles,
  // then successions in input order; `field` is the code of the unit concerned, empty when there
  // is none) and a message that quotes the first problems, for:
  //  - a unit with an empty code, or without an id (id none);
  //  - a duplicate id or a duplicate code (reported on the later unit);
  //  - valid_to before valid_from;
  //  - a unit that is its own parent, or whose parent id is unknown;
  //  - a cycle in the parent links (one detail per cycle; the message lists the codes on the
  //    cycle in parent order, starting from the smallest code: "A -> B -> C -> A" means A's
  //    parent is B, B's is C and C's is A; beyond 20 codes the rest is elided);
  //  - a succession naming an unknown unit, or the same unit on both sides, or repeated;
  //  - a succession whose predecessor has no valid_to, or whose effective_on is not the day
  //    after the predecessor's valid_to;
  //  - a succession whose successor is not in force on effective_on.
  // Codes compare byte-wise. Ids may be negative (placeholders, see Restructure), never none.
  // A parent's dates are not compared with its children's: a closed unit keeps the children it
  // had when it closed (PlanMerge/PlanSplit move the ones still in force).
  static Result<OrgTree> Build(std::vector<OrgUnit> units,
                               std::vector<Succession> successions = {});

  // The unit, or nullptr when unknown. The pointer stays valid until the tree is destroyed or
  // assigned to; moving the tree keeps it valid.
  const OrgUnit* Find(OrgUnitId id) const;
  const OrgUnit* FindByCode(std::string_view code) const;

  // Every unit, in depth-first pre-order; roots and the children of each unit ordered by code.
  std::span<const OrgUnit> units() const { return units_; }
  // The succession edges, in the order given to Build().
  std::span<const Succession> successions() const { return successions_; }
  std::size_t size() const { return units_.size(); }

  // Position of the unit in units(); -1 when unknown. The subtree of `id` is exactly
  // units()[Index(id), Index(id) + SubtreeSize(id)).
  int Index(OrgUnitId id) const;
  // Number of units in the subtree of `id`, itself included; 0 when unknown.
  int SubtreeSize(OrgUnitId id) const;
  // True when `unit` is `root` or lies beneath it; false when either is unknown. O(1).
  bool InSubtree(OrgUnitId unit, OrgUnitId root) const;
  // The subtree of `root` in pre-order, root first; empty when unknown.
  std::vector<OrgUnitId> Subtree(OrgUnitId root) const;
  // Direct children ordered by code (open and closed); empty when unknown or a leaf.
  std::vector<OrgUnitId> Children(OrgUnitId id) const;
  // Parent first, root last; empty for a root or an unknown unit.
  std::vector<OrgUnitId> Ancestors(OrgUnitId id) const;
  // Depth: roots are level 0; -1 when unknown.
  int Level(OrgUnitId id) const;
  // Units without a parent, ordered by code.
  std::vector<OrgUnitId> Roots() const;
  // Units in force on `d` (valid_from <= d <= valid_to, both inclusive), in pre-order.
  std::vector<OrgUnitId> ActiveOn(Date d) const;

  // Succession edges leaving / entering `unit`, in the order given to Build().
  std::vector<Succession> SuccessionsFrom(OrgUnitId unit) const;
  std::vector<Succession> SuccessionsTo(OrgUnitId unit) const;

  // The units that carry on `unit`'s work on `d`: the unit itself if it is in force on `d`;
  // otherwise its successors effective on or before `d`, followed transitively through units
  // that are themselves closed on `d` (a merged-then-split unit resolves to the final units).
  // In pre-order, without duplicates; empty when unknown, when `d` is before the unit existed,
  // or when the unit closed without successors.
  std::vector<OrgUnitId> SuccessorsOn(OrgUnitId unit, Date d) const;
  // Every unit whose history `unit` inherits: its predecessors, transitively, regardless of
  // dates. In pre-order, without duplicates, `unit` itself excluded; empty when unknown.
  std::vector<OrgUnitId> Predecessors(OrgUnitId unit) const;

 private:
  // One edge of a compressed adjacency list over unit positions.
  struct Edge {
    int unit = 0;  // the other end's position in units_
    Date effective_on;
    int succession = 0;  // position in successions_
  };

  // Invariants after Build(): units_ in pre-order; parent_[i] < i (or -1 for roots);
  // subtree i is [i, i + subtree_size_[i]); by_code_ holds every position sorted by code.
  std::vector<OrgUnit> units_;
  std::vector<int> parent_;
  std::vector<int> level_;
  std::vector<int> subtree_size_;
  std::vector<int> by_code_;
  std::unordered_map<OrgUnitId, int> index_;

  // Successions: out_[out_begin_[i] .. out_begin_[i + 1]) leave unit i, in_ likewise enter it.
  std::vector<Succession> successions_;
  std::vector<int> out_begin_;
  std::vector<Edge> out_;
  std::vector<int> in_begin_;
  std::vector<Edge> in_;
};

// What a restructure changes, computed purely; storage persists it in one transaction.
//
// New units have no id yet: opened[i] carries the placeholder id PlaceholderId(i) (negative),
// and so does every reference to it (moved[].parent, successions[].successor). Storage inserts
// the opened units, then calls AssignIds() with the ids they received before writing the rest.
struct Restructure {
  Date effective_on;
  std::vector<OrgUnit> closed;          // predecessors, with valid_to = effective_on - 1 day
  std::vector<OrgUnit> opened;          // new successor units, valid_from = effective_on
  std::vector<OrgUnit> moved;           // children still in force, re-parented to a successor
  std::vector<Succession> successions;  // predecessor -> successor, effective_on

  // -(i + 1): never a stored id, since storage assigns positive ids.
  static constexpr OrgUnitId PlaceholderId(std::size_t i) {
    return OrgUnitId{-static_cast<std::int64_t>(i) - 1};
  }

  // Replaces every placeholder with ids[i] (the id storage gave opened[i]).
  // invalid_argument, changing nothing, unless ids has one positive, distinct id per opened unit.
  Status AssignIds(std::span<const OrgUnitId> ids);
};

// Merge: several units in force on the day before `effective_on` into one successor, from
// `effective_on` on. The successor is new (successor.id none: its code must be new, its
// valid_from none or effective_on, its valid_to none or not before effective_on, its parent
// the given one or, when none, the predecessors' common parent) or an existing unit in force on
// `effective_on` (successor.id set: only the id is read). Children of the predecessors that
// are still in force on `effective_on` or later move under the successor, in pre-order.
// closed, successions: in the order of `predecessors`.
//
// invalid_argument, with one ErrorDetail per problem (field = the unit's code), for: no
// predecessor; an unknown or repeated predecessor; a predecessor not in force on the day before
// `effective_on`, already succeeded, or lying under another predecessor; predecessors with
// different parents when a new successor has no parent; an unknown successor or parent, or one
// not in force on `effective_on`; a successor or parent that is a predecessor or lies under one;
// a new successor without a code or with dates that contradict `effective_on`.
// conflict (when nothing above applies) if a new successor's code is already used.
Result<Restructure> PlanMerge(const OrgTree& tree, std::span<const OrgUnitId> predecessors,
                              const OrgUnit& successor, Date effective_on);

// Split: one unit in force on the day before `effective_on` into several successors, from
// `effective_on` on. Each successor is new or existing, as for PlanMerge() (a new successor
// without a parent takes the predecessor's parent). `child_assignment` maps each child of the
// predecessor still in force on `effective_on` or later (by id) to the index in `successors` of
// the successor that receives it. opened: the new successors in the order of `successors`;
// successions: one per successor, in that order.
//
// invalid_argument, with one ErrorDetail per problem, for: an unknown predecessor, or one not in
// force on the day before `effective_on` or already succeeded; no successor; any problem of a
// successor listed for PlanMerge(); the same existing successor or new code twice; a child left
// unassigned, assigned twice, assigned to an index out of range, or an assigned unit that is not
// such a child. conflict (when nothing above applies) if a new successor's code is already used.
Result<Restructure> PlanSplit(
    const OrgTree& tree, OrgUnitId predecessor, std::span<const OrgUnit> successors,
    const std::vector<std::pair<OrgUnitId, std::size_t>>& child_assignment, Date effective_on);

// The tree after `restructure`: closed and moved rows replace the units with their ids, opened
// rows are added (under whatever ids they carry, placeholders included) and the successions
// appended. Lets a caller check a restructure before persisting it. invalid_argument if a closed
// or moved row names an unknown unit, or for anything OrgTree::Build() rejects.
Result<OrgTree> ApplyRestructure(const OrgTree& tree, const Restructure& restructure);

}  // namespace planwatch
