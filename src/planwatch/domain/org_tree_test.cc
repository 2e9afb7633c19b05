#include "planwatch/domain/org_tree.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Date D(std::string_view text) { return Date::Parse(text).value(); }
OrgUnitId U(std::int64_t id) { return OrgUnitId{id}; }

OrgUnit Unit(std::int64_t id, std::string code, std::int64_t parent,
             OrgUnitType type = OrgUnitType::kOther, std::optional<Date> from = std::nullopt,
             std::optional<Date> to = std::nullopt) {
  OrgUnit u;
  u.id = OrgUnitId{id};
  u.code = std::move(code);
  u.name_vi = u.code;
  u.type = type;
  u.parent = OrgUnitId{parent};
  u.valid_from = from;
  u.valid_to = to;
  return u;
}

std::vector<std::string> Codes(const OrgTree& tree, const std::vector<OrgUnitId>& ids) {
  std::vector<std::string> out;
  for (OrgUnitId id : ids) {
    const OrgUnit* u = tree.Find(id);
    out.push_back(u ? u->code : fmt::format("?{}", id.value));
  }
  return out;
}

std::vector<std::string> Codes(std::span<const OrgUnit> units) {
  std::vector<std::string> out;
  for (const OrgUnit& u : units) out.push_back(u.code);
  return out;
}

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const ErrorDetail& d : e.details) out.push_back(d.field);
  return out;
}

// Asserts an invalid_argument from Build with exactly one detail on `field` whose message and
// the error's message both contain every one of `parts`.
template <typename T>
void ExpectSingleProblem(const Result<T>& result, ErrorCode code, const std::string& field,
                         const std::vector<std::string>& parts) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  ASSERT_THAT(result.error().details, SizeIs(1)) << result.error().ToString();
  EXPECT_EQ(result.error().details[0].field, field);
  for (const std::string& part : parts) {
    EXPECT_THAT(result.error().details[0].message, HasSubstr(part));
    EXPECT_THAT(result.error().message, HasSubstr(part));
  }
}

// A Son La-like tree under the centre: the province, its steering committee, departments (one
// with a centre under it), two wards and a commune with two villages. Listed out of order.
std::vector<OrgUnit> SonLaUnits() {
  return {
      Unit(7, "SL.X.MUONGBU", 1, OrgUnitType::kCommune),
      Unit(9, "SL.X.MUONGBU.B02", 7, OrgUnitType::kVillage),
      Unit(1, "SL", 11, OrgUnitType::kProvince),
      Unit(4, "SL.STTTT", 1, OrgUnitType::kDepartment),
      Unit(10, "SL.SKHCN.TTUD", 3, OrgUnitType::kOther),
      Unit(3, "SL.SKHCN", 1, OrgUnitType::kDepartment),
      Unit(6, "SL.P.TODIEU", 1, OrgUnitType::kWard),
      Unit(8, "SL.X.MUONGBU.B01", 7, OrgUnitType::kVillage),
      Unit(5, "SL.P.CHIENGAN", 1, OrgUnitType::kWard),
      Unit(2, "SL.BCD", 1, OrgUnitType::kCommittee),
      Unit(11, "TW", 0, OrgUnitType::kCentral),
  };
}

OrgTree SonLa() { return OrgTree::Build(SonLaUnits()).value(); }

// ---------------------------------------------------------------------------------------------
// Org unit types

TEST(OrgUnitTypeTest, EveryNameParsesBack) {
  const std::vector<std::pair<OrgUnitType, std::string_view>> expected = {
      {OrgUnitType::kCentral, "central"},     {OrgUnitType::kProvince, "province"},
      {OrgUnitType::kCommittee, "committee"}, {OrgUnitType::kDepartment, "department"},
      {OrgUnitType::kCommune, "commune"},     {OrgUnitType::kWard, "ward"},
      {OrgUnitType::kVillage, "village"},     {OrgUnitType::kOther, "other"},
  };
  for (const auto& [type, name] : expected) {
    EXPECT_EQ(OrgUnitTypeName(type), name);
    auto parsed = ParseOrgUnitType(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, type);
  }
}

TEST(OrgUnitTypeTest, ParseIsCaseSensitiveAndNamesTheInput) {
  for (std::string_view bad : {"Ward", "WARD", " ward", "ward ", "", "district", "xã"}) {
    auto parsed = ParseOrgUnitType(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message, HasSubstr(fmt::format("'{}'", bad)));
    EXPECT_THAT(parsed.error().message,
                HasSubstr("central, province, committee, department, commune, ward, village, "
                          "other"));
  }
}

// ---------------------------------------------------------------------------------------------
// Shape and numbering

TEST(OrgTreeTest, EmptyTreeHasNoUnits) {
  auto tree = OrgTree::Build({});
  ASSERT_TRUE(tree.has_value());
  EXPECT_EQ(tree->size(), 0u);
  EXPECT_THAT(tree->Roots(), IsEmpty());
  EXPECT_EQ(tree->Find(U(1)), nullptr);
  EXPECT_EQ(tree->FindByCode(""), nullptr);
}

TEST(OrgTreeTest, NumbersUnitsDepthFirstWithChildrenByCode) {
  const OrgTree tree = SonLa();
  EXPECT_THAT(
      Codes(tree.units()),
      ElementsAre("TW", "SL", "SL.BCD", "SL.P.CHIENGAN", "SL.P.TODIEU", "SL.SKHCN", "SL.SKHCN.TTUD",
                  "SL.STTTT", "SL.X.MUONGBU", "SL.X.MUONGBU.B01", "SL.X.MUONGBU.B02"));
  EXPECT_EQ(tree.Index(U(11)), 0);
  EXPECT_EQ(tree.Index(U(1)), 1);
  EXPECT_EQ(tree.Index(U(3)), 5);
  EXPECT_EQ(tree.Index(U(7)), 8);
  EXPECT_EQ(tree.Index(U(9)), 10);
}

TEST(OrgTreeTest, SubtreeSizes) {
  const OrgTree tree = SonLa();
  EXPECT_EQ(tree.SubtreeSize(U(11)), 11);
  EXPECT_EQ(tree.SubtreeSize(U(1)), 10);
  EXPECT_EQ(tree.SubtreeSize(U(3)), 2);
  EXPECT_EQ(tree.SubtreeSize(U(7)), 3);
  EXPECT_EQ(tree.SubtreeSize(U(5)), 1);
}

TEST(OrgTreeTest, EverySubtreeIsTheContiguousRangeOfItsDescendants) {
  const OrgTree tree = SonLa();
  const auto units = tree.units();
  for (const OrgUnit& root : units) {
    const int begin = tree.Index(root.id);
    const int end = begin + tree.SubtreeSize(root.id);
    std::vector<OrgUnitId> range;
    for (int k = begin; k < end; ++k) range.push_back(units[static_cast<std::size_t>(k)].id);
    EXPECT_EQ(tree.Subtree(root.id), range) << root.code;
    for (const OrgUnit& u : units) {
      // Reference definition: root is u itself or one of its ancestors.
      const auto ancestors = tree.Ancestors(u.id);
      const bool expected = u.id == root.id || std::find(ancestors.begin(), ancestors.end(),
                                                         root.id) != ancestors.end();
      EXPECT_EQ(tree.InSubtree(u.id, root.id), expected) << u.code << " under " << root.code;
    }
  }
}

TEST(OrgTreeTest, SubtreeListsRootFirstInPreOrder) {
  const OrgTree tree = SonLa();
  EXPECT_THAT(Codes(tree, tree.Subtree(U(7))),
              ElementsAre("SL.X.MUONGBU", "SL.X.MUONGBU.B01", "SL.X.MUONGBU.B02"));
  EXPECT_THAT(Codes(tree, tree.Subtree(U(5))), ElementsAre("SL.P.CHIENGAN"));
}

TEST(OrgTreeTest, ChildrenAreOrderedByCode) {
  const OrgTree tree = SonLa();
  EXPECT_THAT(Codes(tree, tree.Children(U(1))),
              ElementsAre("SL.BCD", "SL.P.CHIENGAN", "SL.P.TODIEU", "SL.SKHCN", "SL.STTTT",
                          "SL.X.MUONGBU"));
  EXPECT_THAT(Codes(tree, tree.Children(U(11))), ElementsAre("SL"));
  EXPECT_THAT(tree.Children(U(8)), IsEmpty());
}

TEST(OrgTreeTest, AncestorsRunParentFirstAndLevelsCountFromRoots) {
  const OrgTree tree = SonLa();
  EXPECT_THAT(Codes(tree, tree.Ancestors(U(8))), ElementsAre("SL.X.MUONGBU", "SL", "TW"));
  EXPECT_THAT(Codes(tree, tree.Ancestors(U(10))), ElementsAre("SL.SKHCN", "SL", "TW"));
  EXPECT_THAT(tree.Ancestors(U(11)), IsEmpty());
  EXPECT_EQ(tree.Level(U(11)), 0);
  EXPECT_EQ(tree.Level(U(1)), 1);
  EXPECT_EQ(tree.Level(U(5)), 2);
  EXPECT_EQ(tree.Level(U(9)), 3);
  for (const OrgUnit& u : tree.units()) {
    EXPECT_EQ(static_cast<std::size_t>(tree.Level(u.id)), tree.Ancestors(u.id).size()) << u.code;
  }
}

TEST(OrgTreeTest, FindsByIdAndByExactCode) {
  const OrgTree tree = SonLa();
  const OrgUnit* ward = tree.Find(U(5));
  ASSERT_NE(ward, nullptr);
  EXPECT_EQ(ward->code, "SL.P.CHIENGAN");
  EXPECT_EQ(ward->type, OrgUnitType::kWard);
  const OrgUnit* dept = tree.FindByCode("SL.SKHCN");
  ASSERT_NE(dept, nullptr);
  EXPECT_EQ(dept->id, U(3));
  EXPECT_EQ(tree.FindByCode("SL.P"), nullptr);
  EXPECT_EQ(tree.FindByCode("sl"), nullptr);
  EXPECT_EQ(tree.FindByCode("ZZ"), nullptr);
  EXPECT_EQ(tree.Find(U(99)), nullptr);
}

TEST(OrgTreeTest, UnknownIdsGiveEmptyAnswers) {
  const OrgTree tree = SonLa();
  const OrgUnitId unknown = U(404);
  EXPECT_EQ(tree.Index(unknown), -1);
  EXPECT_EQ(tree.SubtreeSize(unknown), 0);
  EXPECT_EQ(tree.Level(unknown), -1);
  EXPECT_FALSE(tree.InSubtree(unknown, U(11)));
  EXPECT_FALSE(tree.InSubtree(U(1), unknown));
  EXPECT_THAT(tree.Subtree(unknown), IsEmpty());
  EXPECT_THAT(tree.Children(unknown), IsEmpty());
  EXPECT_THAT(tree.Ancestors(unknown), IsEmpty());
  EXPECT_THAT(tree.SuccessorsOn(unknown, D("2025-01-01")), IsEmpty());
  EXPECT_THAT(tree.Predecessors(unknown), IsEmpty());
  EXPECT_THAT(tree.SuccessionsFrom(unknown), IsEmpty());
}

TEST(OrgTreeTest, SeveralRootsAreOrderedByCode) {
  auto tree = OrgTree::Build({Unit(1, "SL", 0), Unit(2, "DB", 0), Unit(3, "SL.A", 1),
                              Unit(4, "LC", 0), Unit(5, "DB.A", 2)});
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_THAT(Codes(*tree, tree->Roots()), ElementsAre("DB", "LC", "SL"));
  EXPECT_THAT(Codes(tree->units()), ElementsAre("DB", "DB.A", "LC", "SL", "SL.A"));
  EXPECT_FALSE(tree->InSubtree(U(3), U(2)));
}

TEST(OrgTreeTest, ActiveOnIncludesBothBoundaryDays) {
  auto tree = OrgTree::Build({
      Unit(1, "P", 0),
      Unit(2, "P.A", 1, OrgUnitType::kCommune, D("2020-01-01"), D("2025-06-30")),
      Unit(3, "P.B", 1, OrgUnitType::kCommune, D("2025-07-01")),
      Unit(4, "P.C", 1, OrgUnitType::kCommune, std::nullopt, D("2025-06-30")),
  });
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_THAT(Codes(*tree, tree->ActiveOn(D("2019-12-31"))), ElementsAre("P", "P.C"));
  EXPECT_THAT(Codes(*tree, tree->ActiveOn(D("2020-01-01"))), ElementsAre("P", "P.A", "P.C"));
  EXPECT_THAT(Codes(*tree, tree->ActiveOn(D("2025-06-30"))), ElementsAre("P", "P.A", "P.C"));
  EXPECT_THAT(Codes(*tree, tree->ActiveOn(D("2025-07-01"))), ElementsAre("P", "P.B"));
}

TEST(OrgTreeTest, ClosedUnitsStayInTheShape) {
  auto tree = OrgTree::Build({
      Unit(1, "P", 0),
      Unit(2, "P.A", 1, OrgUnitType::kCommune, std::nullopt, D("2025-06-30")),
      Unit(3, "P.A.V1", 2, OrgUnitType::kVillage, std::nullopt, D("2025-06-30")),
  });
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_THAT(Codes(*tree, tree->Children(U(1))), ElementsAre("P.A"));
  EXPECT_TRUE(tree->InSubtree(U(3), U(1)));
  EXPECT_THAT(tree->SuccessorsOn(U(2), D("2025-07-01")), IsEmpty());  // closed, no successor
}

TEST(OrgTreeTest, SuccessorsOnIgnoresSuccessionsNotYetInEffect) {
  auto tree = OrgTree::Build(
      {Unit(1, "P", 0), Unit(2, "P.A", 1, OrgUnitType::kCommune, D("2010-01-01"), D("2025-06-30")),
       Unit(3, "P.B", 1, OrgUnitType::kCommune)},
      {Succession{U(2), U(3), D("2025-07-01")}});
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_THAT(tree->SuccessorsOn(U(2), D("2009-12-31")), IsEmpty());  // P.A did not exist yet
  EXPECT_THAT(tree->SuccessorsOn(U(2), D("2010-01-01")), ElementsAre(U(2)));
  EXPECT_THAT(tree->SuccessorsOn(U(2), D("2025-06-30")), ElementsAre(U(2)));
  EXPECT_THAT(tree->SuccessorsOn(U(2), D("2025-07-01")), ElementsAre(U(3)));
  EXPECT_THAT(tree->SuccessorsOn(U(3), D("2000-01-01")), ElementsAre(U(3)));
  ASSERT_THAT(tree->SuccessionsFrom(U(2)), SizeIs(1));
  EXPECT_EQ(tree->SuccessionsFrom(U(2))[0].effective_on, D("2025-07-01"));
  EXPECT_THAT(tree->SuccessionsTo(U(2)), IsEmpty());
}

TEST(OrgTreeTest, DeepChainOfOneHundredThousandUnits) {
  constexpr int kDepth = 100'000;
  std::vector<OrgUnit> units;
  units.reserve(kDepth);
  for (int i = kDepth; i >= 1; --i) {  // deepest first: the input order must not matter
    units.push_back(Unit(i, fmt::format("U{:06}", i), i - 1));
  }
  auto tree = OrgTree::Build(std::move(units));
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_EQ(tree->SubtreeSize(U(1)), kDepth);
  EXPECT_EQ(tree->Index(U(kDepth)), kDepth - 1);
  EXPECT_EQ(tree->Level(U(kDepth)), kDepth - 1);
  EXPECT_EQ(tree->Ancestors(U(kDepth)).size(), static_cast<std::size_t>(kDepth - 1));
  EXPECT_TRUE(tree->InSubtree(U(kDepth), U(1)));
  EXPECT_FALSE(tree->InSubtree(U(1), U(kDepth)));
  EXPECT_EQ(tree->SubtreeSize(U(50'001)), 50'000);
  EXPECT_THAT(Codes(*tree, tree->Children(U(kDepth - 1))), ElementsAre("U100000"));
}

TEST(OrgTreeTest, NationalScaleTreeKeepsSubtreesContiguous) {
  // 1 centre, 34 provinces, 100 communes each, 29 villages per commune: 102,035 units.
  std::vector<OrgUnit> units;
  std::int64_t next = 1;
  units.push_back(Unit(next++, "VN", 0, OrgUnitType::kCentral));
  for (int p = 0; p < 34; ++p) {
    const std::int64_t province = next++;
    units.push_back(Unit(province, fmt::format("P{:02}", p), 1, OrgUnitType::kProvince));
    for (int c = 0; c < 100; ++c) {
      const std::int64_t commune = next++;
      units.push_back(
          Unit(commune, fmt::format("P{:02}.C{:03}", p, c), province, OrgUnitType::kCommune));
      for (int v = 0; v < 29; ++v) {
        units.push_back(Unit(next++, fmt::format("P{:02}.C{:03}.V{:02}", p, c, v), commune,
                             OrgUnitType::kVillage));
      }
    }
  }
  std::reverse(units.begin(), units.end());
  auto tree = OrgTree::Build(std::move(units));
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_EQ(tree->size(), 102'035u);
  const OrgUnit* province = tree->FindByCode("P17");
  ASSERT_NE(province, nullptr);
  EXPECT_EQ(tree->SubtreeSize(province->id), 1 + 100 * 30);
  EXPECT_EQ(tree->Index(province->id), 1 + 17 * 3001);
  const OrgUnit* village = tree->FindByCode("P17.C042.V07");
  ASSERT_NE(village, nullptr);
  EXPECT_EQ(tree->Level(village->id), 3);
  EXPECT_TRUE(tree->InSubtree(village->id, province->id));
  EXPECT_FALSE(tree->InSubtree(village->id, tree->FindByCode("P18")->id));
  EXPECT_THAT(Codes(*tree, tree->Ancestors(village->id)), ElementsAre("P17.C042", "P17", "VN"));
}

// ---------------------------------------------------------------------------------------------
// Build errors

TEST(OrgTreeBuildTest, RejectsDuplicateId) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(2, "P.A", 1), Unit(2, "P.B", 1)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P.B",
                      {"duplicate id 2", "'P.A'", "'P.B'"});
}

TEST(OrgTreeBuildTest, RejectsDuplicateCode) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(2, "P.A", 1), Unit(3, "P.A", 1)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P.A",
                      {"duplicate code 'P.A'", "ids 2 and 3"});
}

TEST(OrgTreeBuildTest, RejectsEmptyCode) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(7, "", 1)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "", {"id 7", "empty code"});
}

TEST(OrgTreeBuildTest, RejectsMissingId) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(0, "P.A", 1)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P.A", {"'P.A' has no id"});
}

TEST(OrgTreeBuildTest, RejectsUnknownParent) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(2, "P.A", 42)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P.A", {"'P.A'", "unknown parent id 42"});
}

TEST(OrgTreeBuildTest, RejectsUnitThatIsItsOwnParent) {
  auto tree = OrgTree::Build({Unit(1, "P", 0), Unit(2, "P.A", 2)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P.A", {"'P.A' is its own parent"});
}

TEST(OrgTreeBuildTest, RejectsThreeUnitCycleListingItsCodesInOrder) {
  // A's parent is B, B's is C, C's is A; listed so that the walk starts at B.
  auto tree = OrgTree::Build(
      {Unit(1, "ROOT", 0), Unit(2, "B", 3), Unit(3, "C", 4), Unit(4, "A", 2), Unit(5, "D", 2)});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "A",
                      {"cycle in parent links: A -> B -> C -> A"});
}

TEST(OrgTreeBuildTest, ReportsEachCycleOnce) {
  auto tree = OrgTree::Build({Unit(1, "X", 2), Unit(2, "Y", 1), Unit(3, "Q", 4), Unit(4, "P", 5),
                              Unit(5, "R", 3), Unit(6, "OK", 0)});
  ASSERT_FALSE(tree.has_value());
  EXPECT_EQ(tree.error().code, ErrorCode::kInvalidArgument);
  ASSERT_THAT(tree.error().details, SizeIs(2));
  EXPECT_EQ(tree.error().details[0].message, "cycle in parent links: X -> Y -> X");
  EXPECT_EQ(tree.error().details[1].message, "cycle in parent links: P -> R -> Q -> P");
  EXPECT_THAT(Fields(tree.error()), ElementsAre("X", "P"));
  EXPECT_THAT(tree.error().message, HasSubstr("2 problems"));
}

TEST(OrgTreeBuildTest, LongCycleIsReportedWithoutRecursionAndAbbreviated) {
  constexpr int kLength = 100'000;
  std::vector<OrgUnit> units;
  for (int i = 1; i <= kLength; ++i) {
    units.push_back(Unit(i, fmt::format("U{:06}", i), i == 1 ? kLength : i - 1));
  }
  auto tree = OrgTree::Build(std::move(units));
  ASSERT_FALSE(tree.has_value());
  ASSERT_THAT(tree.error().details, SizeIs(1));
  const std::string& message = tree.error().details[0].message;
  EXPECT_THAT(message, HasSubstr("cycle in parent links: U000001 -> U100000 -> U099999 -> "));
  EXPECT_THAT(message, HasSubstr("U099982 -> … (99980 more) -> U000001"));
  EXPECT_LT(message.size(), 400u);
}

TEST(OrgTreeBuildTest, RejectsValidToBeforeValidFrom) {
  auto tree =
      OrgTree::Build({Unit(1, "P", 0, OrgUnitType::kProvince, D("2025-07-01"), D("2025-06-30"))});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P",
                      {"'P'", "valid_to 2025-06-30 before valid_from 2025-07-01"});
}

TEST(OrgTreeBuildTest, AcceptsUnitValidForOneDay) {
  auto tree =
      OrgTree::Build({Unit(1, "P", 0, OrgUnitType::kProvince, D("2025-07-01"), D("2025-07-01"))});
  ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
  EXPECT_THAT(tree->ActiveOn(D("2025-07-01")), ElementsAre(U(1)));
}

TEST(OrgTreeBuildTest, RejectsSuccessionNamingUnknownUnit) {
  auto tree =
      OrgTree::Build({Unit(1, "P", 0, OrgUnitType::kCommune, std::nullopt, D("2025-06-30"))},
                     {Succession{U(1), U(77), D("2025-07-01")}});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "P", {"unknown unit id 77"});
}

TEST(OrgTreeBuildTest, RejectsSuccessionFromUnitWithoutValidTo) {
  auto tree = OrgTree::Build({Unit(1, "ROOT", 0), Unit(2, "A", 1), Unit(3, "B", 1)},
                             {Succession{U(2), U(3), D("2025-07-01")}});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "A",
                      {"'A' is succeeded by 'B'", "no valid_to"});
}

TEST(OrgTreeBuildTest, RejectsSuccessionNotTheDayAfterValidTo) {
  auto tree = OrgTree::Build(
      {Unit(1, "ROOT", 0), Unit(2, "A", 1, OrgUnitType::kCommune, std::nullopt, D("2025-06-30")),
       Unit(3, "B", 1, OrgUnitType::kCommune, D("2025-06-01"))},
      {Succession{U(2), U(3), D("2025-07-02")}});
  ExpectSingleProblem(
      tree, ErrorCode::kInvalidArgument, "A",
      {"'A' is succeeded by 'B' on 2025-07-02", "valid_to is 2025-06-30", "(2025-07-01)"});
}

TEST(OrgTreeBuildTest, RejectsSuccessorNotInForceOnEffectiveDate) {
  auto tree = OrgTree::Build(
      {Unit(1, "ROOT", 0), Unit(2, "A", 1, OrgUnitType::kCommune, std::nullopt, D("2025-06-30")),
       Unit(3, "B", 1, OrgUnitType::kCommune, D("2025-08-01"))},
      {Succession{U(2), U(3), D("2025-07-01")}});
  ExpectSingleProblem(tree, ErrorCode::kInvalidArgument, "B",
                      {"'B' succeeds 'A' on 2025-07-01", "from 2025-08-01"});
}

TEST(OrgTreeBuildTest, RejectsRepeatedAndSelfSuccession) {
  const std::vector<OrgUnit> units = {
      Unit(1, "ROOT", 0), Unit(2, "A", 1, OrgUnitType::kCommune, std::nullopt, D("2025-06-30")),
      Unit(3, "B", 1)};
  auto repeated = OrgTree::Build(
      units, {Succession{U(2), U(3), D("2025-07-01")}, Succession{U(2), U(3), D("2025-07-01")}});
  ExpectSingleProblem(repeated, ErrorCode::kInvalidArgument, "A",
                      {"succession from 'A' to 'B' is repeated"});
  auto self = OrgTree::Build(units, {Succession{U(2), U(2), D("2025-07-01")}});
  ExpectSingleProblem(self, ErrorCode::kInvalidArgument, "A", {"'A' cannot succeed itself"});
}

TEST(OrgTreeBuildTest, ReportsEveryProblemInInputOrder) {
  auto tree =
      OrgTree::Build({Unit(1, "P", 0), Unit(2, "P.A", 9), Unit(3, "P.A", 1),
                      Unit(4, "P.B", 1, OrgUnitType::kCommune, D("2025-02-01"), D("2025-01-01"))},
                     {Succession{U(8), U(9), D("2025-01-02")}});
  ASSERT_FALSE(tree.has_value());
  EXPECT_EQ(tree.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(Fields(tree.error()), ElementsAre("P.A", "P.B", "P.A", ""));
  EXPECT_THAT(tree.error().details[0].message, HasSubstr("duplicate code 'P.A'"));
  EXPECT_THAT(tree.error().details[1].message, HasSubstr("valid_to"));
  EXPECT_THAT(tree.error().details[2].message, HasSubstr("unknown parent id 9"));
  EXPECT_THAT(tree.error().details[3].message, HasSubstr("unknown unit id 8"));
  EXPECT_THAT(tree.error().message, HasSubstr("4 problems"));
}

// ---------------------------------------------------------------------------------------------
// Restructures

// Province P with communes A, B, C (to merge in 2025) and D; villages under them, one of which
// (C.V0) closed long before the merger.
std::vector<OrgUnit> CommuneUnits() {
  const Date since = D("2008-01-01");
  return {
      Unit(1, "P", 0, OrgUnitType::kProvince),
      Unit(2, "P.A", 1, OrgUnitType::kCommune, since),
      Unit(3, "P.B", 1, OrgUnitType::kCommune, since),
      Unit(4, "P.C", 1, OrgUnitType::kCommune, since),
      Unit(5, "P.D", 1, OrgUnitType::kCommune, since),
      Unit(21, "P.A.V1", 2, OrgUnitType::kVillage),
      Unit(22, "P.A.V2", 2, OrgUnitType::kVillage),
      Unit(31, "P.B.V1", 3, OrgUnitType::kVillage),
      Unit(40, "P.C.V0", 4, OrgUnitType::kVillage, std::nullopt, D("2019-12-31")),
      Unit(41, "P.C.V1", 4, OrgUnitType::kVillage),
      Unit(51, "P.D.V1", 5, OrgUnitType::kVillage),
  };
}

OrgUnit NewUnit(std::string code, OrgUnitType type = OrgUnitType::kCommune,
                std::int64_t parent = 0) {
  return Unit(0, std::move(code), parent, type);
}

// Plans, assigns `ids` to the opened units and applies; fails the test on any error.
OrgTree Applied(const OrgTree& tree, Result<Restructure> plan, std::vector<OrgUnitId> ids) {
  EXPECT_TRUE(plan.has_value()) << plan.error().ToString();
  if (!plan) return tree;
  auto assigned = plan->AssignIds(ids);
  EXPECT_TRUE(assigned.has_value()) << assigned.error().ToString();
  auto next = ApplyRestructure(tree, *plan);
  EXPECT_TRUE(next.has_value()) << next.error().ToString();
  return next ? *next : tree;
}

const Date kMerger = D("2025-07-01");
const std::vector<OrgUnitId> kAbc = {U(2), U(3), U(4)};

TEST(RestructureTest, MergeThreeCommunesIntoANewCommune) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  auto plan = PlanMerge(tree, kAbc, NewUnit("P.M"), kMerger);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->effective_on, kMerger);

  ASSERT_THAT(Codes(plan->closed), ElementsAre("P.A", "P.B", "P.C"));
  for (const OrgUnit& u : plan->closed) {
    EXPECT_EQ(u.valid_to, D("2025-06-30")) << u.code;
    EXPECT_EQ(u.valid_from, D("2008-01-01")) << u.code;
    EXPECT_EQ(u.parent, U(1)) << u.code;
  }

  ASSERT_THAT(plan->opened, SizeIs(1));
  const OrgUnit& merged = plan->opened[0];
  EXPECT_EQ(merged.id, Restructure::PlaceholderId(0));
  EXPECT_EQ(merged.id, U(-1));
  EXPECT_EQ(merged.code, "P.M");
  EXPECT_EQ(merged.parent, U(1));  // the communes' common parent
  EXPECT_EQ(merged.valid_from, kMerger);
  EXPECT_FALSE(merged.valid_to.has_value());

  // Villages still in force move, in pre-order; P.C.V0 (closed in 2019) stays with its commune.
  EXPECT_THAT(Codes(plan->moved), ElementsAre("P.A.V1", "P.A.V2", "P.B.V1", "P.C.V1"));
  for (const OrgUnit& u : plan->moved) EXPECT_EQ(u.parent, U(-1)) << u.code;

  ASSERT_THAT(plan->successions, SizeIs(3));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(plan->successions[i].predecessor, kAbc[i]);
    EXPECT_EQ(plan->successions[i].successor, U(-1));
    EXPECT_EQ(plan->successions[i].effective_on, kMerger);
  }
}

TEST(RestructureTest, MergedHistoryResolvesBeforeOnAndAfterTheEffectiveDate) {
  const OrgTree before = OrgTree::Build(CommuneUnits()).value();
  const OrgTree tree = Applied(before, PlanMerge(before, kAbc, NewUnit("P.M"), kMerger), {U(100)});

  EXPECT_THAT(tree.SuccessorsOn(U(2), D("2025-06-30")), ElementsAre(U(2)));
  EXPECT_THAT(tree.SuccessorsOn(U(3), kMerger), ElementsAre(U(100)));
  EXPECT_THAT(tree.SuccessorsOn(U(4), D("2030-01-01")), ElementsAre(U(100)));
  EXPECT_THAT(tree.SuccessorsOn(U(2), D("2007-12-31")), IsEmpty());  // before P.A existed
  EXPECT_THAT(tree.SuccessorsOn(U(100), kMerger), ElementsAre(U(100)));
  EXPECT_THAT(Codes(tree, tree.Predecessors(U(100))), ElementsAre("P.A", "P.B", "P.C"));
  EXPECT_THAT(tree.Predecessors(U(2)), IsEmpty());

  EXPECT_THAT(Codes(tree, tree.Children(U(100))),
              ElementsAre("P.A.V1", "P.A.V2", "P.B.V1", "P.C.V1"));
  EXPECT_THAT(Codes(tree, tree.Children(U(4))), ElementsAre("P.C.V0"));
  // The shape follows the current parent links: the villages are listed under P.M already.
  EXPECT_THAT(Codes(tree, tree.ActiveOn(D("2025-06-30"))),
              ElementsAre("P", "P.A", "P.B", "P.C", "P.D", "P.D.V1", "P.A.V1", "P.A.V2", "P.B.V1",
                          "P.C.V1"));
  EXPECT_THAT(Codes(tree, tree.ActiveOn(kMerger)),
              ElementsAre("P", "P.D", "P.D.V1", "P.M", "P.A.V1", "P.A.V2", "P.B.V1", "P.C.V1"));
  ASSERT_THAT(tree.SuccessionsTo(U(100)), SizeIs(3));
  ASSERT_THAT(tree.SuccessionsFrom(U(2)), SizeIs(1));
  EXPECT_EQ(tree.SuccessionsFrom(U(2))[0].successor, U(100));
}

TEST(RestructureTest, MergeIntoAnExistingUnitOpensNothing) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnitId> ab = {U(2), U(3)};
  OrgUnit into;
  into.id = U(4);  // P.C carries on; its other fields are not read
  into.code = "ignored";
  auto plan = PlanMerge(tree, ab, into, kMerger);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_THAT(plan->opened, IsEmpty());
  EXPECT_THAT(Codes(plan->closed), ElementsAre("P.A", "P.B"));
  EXPECT_THAT(Codes(plan->moved), ElementsAre("P.A.V1", "P.A.V2", "P.B.V1"));
  for (const OrgUnit& u : plan->moved) EXPECT_EQ(u.parent, U(4));

  const OrgTree after = Applied(tree, std::move(plan), {});
  EXPECT_THAT(Codes(after, after.Children(U(4))),
              ElementsAre("P.A.V1", "P.A.V2", "P.B.V1", "P.C.V0", "P.C.V1"));
  EXPECT_THAT(after.SuccessorsOn(U(3), kMerger), ElementsAre(U(4)));
  EXPECT_THAT(Codes(after, after.Predecessors(U(4))), ElementsAre("P.A", "P.B"));
}

TEST(RestructureTest, MergeOfUnitsUnderDifferentParentsNeedsTheSuccessorsParent) {
  // 2025: provinces merge; their parent is the centre, but a commune-level example is clearer:
  // communes of two different provinces cannot merge without saying where the result goes.
  std::vector<OrgUnit> units = CommuneUnits();
  units.push_back(Unit(6, "Q", 0, OrgUnitType::kProvince));
  units.push_back(Unit(61, "Q.E", 6, OrgUnitType::kCommune));
  const OrgTree tree = OrgTree::Build(units).value();
  const std::vector<OrgUnitId> mixed = {U(2), U(61)};

  auto without_parent = PlanMerge(tree, mixed, NewUnit("Q.M"), kMerger);
  ExpectSingleProblem(without_parent, ErrorCode::kInvalidArgument, "Q.M",
                      {"'Q.M' has no parent", "'P.A' under 'P'", "'Q.E' under 'Q'"});

  auto with_parent = PlanMerge(tree, mixed, NewUnit("Q.M", OrgUnitType::kCommune, 6), kMerger);
  ASSERT_TRUE(with_parent.has_value()) << with_parent.error().ToString();
  EXPECT_EQ(with_parent->opened[0].parent, U(6));
}

TEST(RestructureTest, MergeOfProvincesUnderTheCentre) {
  auto tree = OrgTree::Build(
      {Unit(1, "TW", 0, OrgUnitType::kCentral), Unit(2, "TQ", 1, OrgUnitType::kProvince),
       Unit(3, "HG", 1, OrgUnitType::kProvince), Unit(31, "HG.X1", 3, OrgUnitType::kCommune)});
  ASSERT_TRUE(tree.has_value());
  const std::vector<OrgUnitId> provinces = {U(2), U(3)};
  auto plan = PlanMerge(*tree, provinces, NewUnit("TQ2025", OrgUnitType::kProvince), kMerger);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->opened[0].parent, U(1));
  EXPECT_EQ(plan->opened[0].type, OrgUnitType::kProvince);
  EXPECT_THAT(Codes(plan->moved), ElementsAre("HG.X1"));
}

TEST(RestructureTest, MergeRejectsBadPredecessors) {
  std::vector<OrgUnit> units = CommuneUnits();
  units.push_back(Unit(6, "P.E", 1, OrgUnitType::kCommune, std::nullopt, D("2024-12-31")));
  units.push_back(Unit(7, "P.F", 1, OrgUnitType::kCommune, kMerger));
  const OrgTree tree = OrgTree::Build(units).value();

  auto none = PlanMerge(tree, {}, NewUnit("P.M"), kMerger);
  ExpectSingleProblem(none, ErrorCode::kInvalidArgument, "P.M", {"at least one predecessor"});

  const std::vector<OrgUnitId> unknown = {U(2), U(999)};
  ExpectSingleProblem(PlanMerge(tree, unknown, NewUnit("P.M"), kMerger),
                      ErrorCode::kInvalidArgument, "", {"predecessor id 999 is unknown"});

  const std::vector<OrgUnitId> twice = {U(2), U(3), U(2)};
  ExpectSingleProblem(PlanMerge(tree, twice, NewUnit("P.M"), kMerger), ErrorCode::kInvalidArgument,
                      "P.A", {"'P.A' is named twice"});

  const std::vector<OrgUnitId> closed = {U(2), U(6)};
  ExpectSingleProblem(PlanMerge(tree, closed, NewUnit("P.M"), kMerger), ErrorCode::kInvalidArgument,
                      "P.E", {"'P.E' is not in force on 2025-06-30", "until 2024-12-31"});

  const std::vector<OrgUnitId> not_yet = {U(2), U(7)};  // starts on the merger day itself
  ExpectSingleProblem(PlanMerge(tree, not_yet, NewUnit("P.M"), kMerger),
                      ErrorCode::kInvalidArgument, "P.F",
                      {"'P.F' is not in force on 2025-06-30", "from 2025-07-01"});

  const std::vector<OrgUnitId> nested = {U(2), U(21)};
  ExpectSingleProblem(PlanMerge(tree, nested, NewUnit("P.M", OrgUnitType::kCommune, 1), kMerger),
                      ErrorCode::kInvalidArgument, "P.A.V1",
                      {"'P.A.V1' lies under predecessor 'P.A'"});
}

TEST(RestructureTest, MergeRejectsAnAlreadySucceededPredecessor) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const OrgTree after = Applied(tree, PlanMerge(tree, kAbc, NewUnit("P.M"), kMerger), {U(100)});
  const std::vector<OrgUnitId> again = {U(2), U(5)};
  auto plan = PlanMerge(after, again, NewUnit("P.N"), D("2024-01-01"));
  ExpectSingleProblem(plan, ErrorCode::kInvalidArgument, "P.A", {"'P.A' already has successors"});
}

TEST(RestructureTest, MergeRejectsBadSuccessors) {
  std::vector<OrgUnit> units = CommuneUnits();
  units.push_back(Unit(6, "P.E", 1, OrgUnitType::kCommune, std::nullopt, D("2024-12-31")));
  const OrgTree tree = OrgTree::Build(units).value();

  OrgUnit among;
  among.id = U(3);
  ExpectSingleProblem(PlanMerge(tree, kAbc, among, kMerger), ErrorCode::kInvalidArgument, "P.B",
                      {"successor 'P.B' is also a predecessor"});

  OrgUnit below;
  below.id = U(21);
  ExpectSingleProblem(PlanMerge(tree, kAbc, below, kMerger), ErrorCode::kInvalidArgument, "P.A.V1",
                      {"'P.A.V1' lies under predecessor 'P.A'"});

  OrgUnit closed;
  closed.id = U(6);
  ExpectSingleProblem(PlanMerge(tree, kAbc, closed, kMerger), ErrorCode::kInvalidArgument, "P.E",
                      {"successor 'P.E' is not in force on 2025-07-01"});

  OrgUnit unknown;
  unknown.id = U(999);
  ExpectSingleProblem(PlanMerge(tree, kAbc, unknown, kMerger), ErrorCode::kInvalidArgument, "",
                      {"successor id 999 is unknown"});

  ExpectSingleProblem(PlanMerge(tree, kAbc, NewUnit(""), kMerger), ErrorCode::kInvalidArgument, "",
                      {"empty code"});

  ExpectSingleProblem(PlanMerge(tree, kAbc, NewUnit("P.M", OrgUnitType::kCommune, 2), kMerger),
                      ErrorCode::kInvalidArgument, "P.M",
                      {"'P.M' would be under 'P.A', which closes"});

  ExpectSingleProblem(PlanMerge(tree, kAbc, NewUnit("P.M", OrgUnitType::kCommune, 6), kMerger),
                      ErrorCode::kInvalidArgument, "P.M",
                      {"'P.M' would be under 'P.E', which is not in force on 2025-07-01"});

  OrgUnit early = NewUnit("P.M");
  early.valid_from = D("2025-01-01");
  ExpectSingleProblem(PlanMerge(tree, kAbc, early, kMerger), ErrorCode::kInvalidArgument, "P.M",
                      {"'P.M' has valid_from 2025-01-01", "2025-07-01"});

  OrgUnit short_lived = NewUnit("P.M");
  short_lived.valid_to = D("2025-06-30");
  ExpectSingleProblem(PlanMerge(tree, kAbc, short_lived, kMerger), ErrorCode::kInvalidArgument,
                      "P.M", {"'P.M' has valid_to 2025-06-30"});
}

TEST(RestructureTest, NewSuccessorReusingACodeIsAConflict) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  // Codes are stable: even a predecessor's code cannot be reused by the new unit.
  ExpectSingleProblem(PlanMerge(tree, kAbc, NewUnit("P.A"), kMerger), ErrorCode::kConflict, "P.A",
                      {"code 'P.A' is already used"});
  ExpectSingleProblem(PlanMerge(tree, kAbc, NewUnit("P.D"), kMerger), ErrorCode::kConflict, "P.D",
                      {"code 'P.D' is already used"});
}

TEST(RestructureTest, InvalidInputOutranksAConflict) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnitId> with_unknown = {U(2), U(999)};
  auto plan = PlanMerge(tree, with_unknown, NewUnit("P.D"), kMerger);
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(plan.error().message, HasSubstr("cannot merge into 'P.D' on 2025-07-01"));
}

const Date kSplit = D("2026-01-01");

TEST(RestructureTest, SplitACommuneAndAssignItsVillages) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnit> parts = {NewUnit("P.A1"), NewUnit("P.A2")};
  auto plan = PlanSplit(tree, U(2), parts, {{U(21), 1}, {U(22), 0}}, kSplit);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  ASSERT_THAT(Codes(plan->closed), ElementsAre("P.A"));
  EXPECT_EQ(plan->closed[0].valid_to, D("2025-12-31"));
  ASSERT_THAT(Codes(plan->opened), ElementsAre("P.A1", "P.A2"));
  EXPECT_EQ(plan->opened[0].id, U(-1));
  EXPECT_EQ(plan->opened[1].id, U(-2));
  EXPECT_EQ(plan->opened[1].parent, U(1));
  EXPECT_EQ(plan->opened[1].valid_from, kSplit);
  ASSERT_THAT(Codes(plan->moved), ElementsAre("P.A.V1", "P.A.V2"));
  EXPECT_EQ(plan->moved[0].parent, U(-2));
  EXPECT_EQ(plan->moved[1].parent, U(-1));
  ASSERT_THAT(plan->successions, SizeIs(2));
  EXPECT_EQ(plan->successions[0].successor, U(-1));
  EXPECT_EQ(plan->successions[1].successor, U(-2));

  const OrgTree after = Applied(tree, std::move(plan), {U(201), U(202)});
  EXPECT_THAT(after.SuccessorsOn(U(2), D("2025-12-31")), ElementsAre(U(2)));
  EXPECT_THAT(Codes(after, after.SuccessorsOn(U(2), kSplit)), ElementsAre("P.A1", "P.A2"));
  EXPECT_THAT(Codes(after, after.Children(U(201))), ElementsAre("P.A.V2"));
  EXPECT_THAT(Codes(after, after.Children(U(202))), ElementsAre("P.A.V1"));
  EXPECT_THAT(Codes(after, after.Predecessors(U(202))), ElementsAre("P.A"));
}

TEST(RestructureTest, SplitIntoAnExistingAndANewUnit) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  OrgUnit existing;
  existing.id = U(5);
  const std::vector<OrgUnit> parts = {existing, NewUnit("P.A1")};
  auto plan = PlanSplit(tree, U(2), parts, {{U(21), 0}, {U(22), 1}}, kSplit);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  ASSERT_THAT(Codes(plan->opened), ElementsAre("P.A1"));
  EXPECT_EQ(plan->opened[0].id, U(-1));  // placeholders count opened units only
  EXPECT_EQ(plan->moved[0].parent, U(5));
  EXPECT_EQ(plan->moved[1].parent, U(-1));
  EXPECT_EQ(plan->successions[0].successor, U(5));
  EXPECT_EQ(plan->successions[1].successor, U(-1));
}

TEST(RestructureTest, SplitRejectsBadChildAssignments) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnit> parts = {NewUnit("P.A1"), NewUnit("P.A2")};

  ExpectSingleProblem(PlanSplit(tree, U(2), parts, {{U(21), 0}}, kSplit),
                      ErrorCode::kInvalidArgument, "P.A.V2",
                      {"child 'P.A.V2' of 'P.A' is not assigned"});
  ExpectSingleProblem(PlanSplit(tree, U(2), parts, {{U(21), 0}, {U(22), 2}}, kSplit),
                      ErrorCode::kInvalidArgument, "P.A.V2",
                      {"'P.A.V2' is assigned to successor 2, but there are only 2"});

  auto twice = PlanSplit(tree, U(2), parts, {{U(21), 0}, {U(22), 0}, {U(21), 1}}, kSplit);
  ExpectSingleProblem(twice, ErrorCode::kInvalidArgument, "P.A.V1", {"'P.A.V1' is assigned twice"});

  auto stranger = PlanSplit(tree, U(2), parts, {{U(21), 0}, {U(22), 0}, {U(31), 1}}, kSplit);
  ExpectSingleProblem(stranger, ErrorCode::kInvalidArgument, "P.B.V1",
                      {"'P.B.V1' is assigned but is not a child of 'P.A'"});
}

TEST(RestructureTest, SplitRejectsBadPredecessorAndSuccessors) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnit> parts = {NewUnit("P.A1"), NewUnit("P.A2")};
  ExpectSingleProblem(PlanSplit(tree, U(999), parts, {}, kSplit), ErrorCode::kInvalidArgument, "",
                      {"predecessor id 999 is unknown"});
  ExpectSingleProblem(PlanSplit(tree, U(5), {}, {{U(51), 0}}, kSplit), ErrorCode::kInvalidArgument,
                      "P.D", {"at least one successor"});

  const std::vector<OrgUnit> same_code = {NewUnit("P.D1"), NewUnit("P.D1")};
  ExpectSingleProblem(PlanSplit(tree, U(5), same_code, {{U(51), 0}}, kSplit),
                      ErrorCode::kInvalidArgument, "P.D1", {"'P.D1' is given twice"});

  OrgUnit existing;
  existing.id = U(3);
  const std::vector<OrgUnit> same_unit = {existing, existing};
  ExpectSingleProblem(PlanSplit(tree, U(5), same_unit, {{U(51), 0}}, kSplit),
                      ErrorCode::kInvalidArgument, "P.B", {"'P.B' is named twice"});

  // P.C.V0 closed in 2019: it stays with P.C and needs no assignment, but may not be given one.
  ExpectSingleProblem(PlanSplit(tree, U(4), parts, {{U(41), 0}, {U(40), 1}}, kSplit),
                      ErrorCode::kInvalidArgument, "P.C.V0",
                      {"'P.C.V0' is assigned but is not a child of 'P.C' in force on 2026-01-01"});
  EXPECT_TRUE(PlanSplit(tree, U(4), parts, {{U(41), 0}}, kSplit).has_value());
}

TEST(RestructureTest, MergeThenSplitResolvesToTheFinalUnits) {
  const OrgTree start = OrgTree::Build(CommuneUnits()).value();
  const OrgTree merged = Applied(start, PlanMerge(start, kAbc, NewUnit("P.M"), kMerger), {U(100)});
  const std::vector<OrgUnit> parts = {NewUnit("P.M.NORTH"), NewUnit("P.M.SOUTH")};
  const OrgTree split = Applied(
      merged,
      PlanSplit(merged, U(100), parts, {{U(21), 0}, {U(22), 0}, {U(31), 1}, {U(41), 1}}, kSplit),
      {U(301), U(302)});

  EXPECT_THAT(split.SuccessorsOn(U(2), D("2025-06-30")), ElementsAre(U(2)));
  EXPECT_THAT(split.SuccessorsOn(U(2), kMerger), ElementsAre(U(100)));
  EXPECT_THAT(split.SuccessorsOn(U(2), D("2025-12-31")), ElementsAre(U(100)));
  EXPECT_THAT(Codes(split, split.SuccessorsOn(U(2), kSplit)),
              ElementsAre("P.M.NORTH", "P.M.SOUTH"));
  EXPECT_THAT(Codes(split, split.SuccessorsOn(U(100), D("2027-05-05"))),
              ElementsAre("P.M.NORTH", "P.M.SOUTH"));
  EXPECT_THAT(Codes(split, split.Predecessors(U(302))), ElementsAre("P.A", "P.B", "P.C", "P.M"));
  EXPECT_THAT(Codes(split, split.Children(U(302))), ElementsAre("P.B.V1", "P.C.V1"));
  EXPECT_THAT(Codes(split, split.ActiveOn(kSplit)),
              ElementsAre("P", "P.D", "P.D.V1", "P.M.NORTH", "P.A.V1", "P.A.V2", "P.M.SOUTH",
                          "P.B.V1", "P.C.V1"));
}

TEST(RestructureTest, SplitThenMergeBackListsTheFinalUnitOnce) {
  const OrgTree start = OrgTree::Build(CommuneUnits()).value();
  const std::vector<OrgUnit> parts = {NewUnit("P.D1"), NewUnit("P.D2")};
  const OrgTree split =
      Applied(start, PlanSplit(start, U(5), parts, {{U(51), 1}}, kMerger), {U(501), U(502)});
  const std::vector<OrgUnitId> halves = {U(501), U(502)};
  const OrgTree rejoined =
      Applied(split, PlanMerge(split, halves, NewUnit("P.D3"), kSplit), {U(503)});
  EXPECT_THAT(rejoined.SuccessorsOn(U(5), D("2030-01-01")), ElementsAre(U(503)));
  EXPECT_THAT(Codes(rejoined, rejoined.SuccessorsOn(U(5), D("2025-12-31"))),
              ElementsAre("P.D1", "P.D2"));
  EXPECT_THAT(Codes(rejoined, rejoined.Predecessors(U(503))), ElementsAre("P.D", "P.D1", "P.D2"));
  EXPECT_THAT(Codes(rejoined, rejoined.Children(U(503))), ElementsAre("P.D.V1"));
}

TEST(RestructureTest, AssignIdsReplacesEveryPlaceholderOrNothing) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  auto plan = PlanSplit(tree, U(2), std::vector<OrgUnit>{NewUnit("P.A1"), NewUnit("P.A2")},
                        {{U(21), 1}, {U(22), 0}}, kSplit);
  ASSERT_TRUE(plan.has_value());
  const Restructure original = *plan;

  const std::vector<OrgUnitId> too_few = {U(7)};
  auto few = plan->AssignIds(too_few);
  ASSERT_FALSE(few.has_value());
  EXPECT_EQ(few.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(few.error().message, HasSubstr("expected 2 ids for the new units, got 1"));

  const std::vector<OrgUnitId> negative = {U(7), U(-3)};
  auto neg = plan->AssignIds(negative);
  ASSERT_FALSE(neg.has_value());
  EXPECT_THAT(neg.error().message, HasSubstr("id -3 for new unit 'P.A2'"));

  const std::vector<OrgUnitId> repeated = {U(7), U(7)};
  auto rep = plan->AssignIds(repeated);
  ASSERT_FALSE(rep.has_value());
  EXPECT_THAT(rep.error().message, HasSubstr("id 7 is given to more than one new unit"));
  EXPECT_EQ(plan->opened[0].id, original.opened[0].id);
  EXPECT_EQ(plan->moved[0].parent, original.moved[0].parent);

  const std::vector<OrgUnitId> ids = {U(7), U(8)};
  ASSERT_TRUE(plan->AssignIds(ids).has_value());
  EXPECT_EQ(plan->opened[0].id, U(7));
  EXPECT_EQ(plan->opened[1].id, U(8));
  EXPECT_EQ(plan->moved[0].parent, U(8));  // P.A.V1 went to the second successor
  EXPECT_EQ(plan->moved[1].parent, U(7));
  EXPECT_EQ(plan->successions[0].successor, U(7));
  EXPECT_EQ(plan->successions[1].successor, U(8));
  EXPECT_EQ(plan->closed[0].id, U(2));
}

TEST(RestructureTest, ApplyRejectsRowsForUnknownUnits) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  Restructure r;
  r.effective_on = kMerger;
  r.closed.push_back(Unit(77, "P.GHOST", 1));
  auto applied = ApplyRestructure(tree, r);
  ExpectSingleProblem(applied, ErrorCode::kInvalidArgument, "P.GHOST",
                      {"unknown unit 'P.GHOST' (id 77)"});
}

TEST(RestructureTest, ApplyPreviewKeepsPlaceholderIds) {
  const OrgTree tree = OrgTree::Build(CommuneUnits()).value();
  auto plan = PlanMerge(tree, kAbc, NewUnit("P.M"), kMerger);
  ASSERT_TRUE(plan.has_value());
  auto preview = ApplyRestructure(tree, *plan);
  ASSERT_TRUE(preview.has_value()) << preview.error().ToString();
  EXPECT_EQ(preview->FindByCode("P.M")->id, U(-1));
  EXPECT_THAT(preview->SuccessorsOn(U(2), kMerger), ElementsAre(U(-1)));
  EXPECT_EQ(preview->size(), tree.size() + 1);
}

}  // namespace
}  // namespace planwatch
