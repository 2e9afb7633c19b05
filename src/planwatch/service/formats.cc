#include "planwatch/service/formats.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "planwatch/base/text.h"

namespace planwatch {
namespace {

constexpr std::array kKinds = {
    DataKind::kUnits,      DataKind::kDirectives,  DataKind::kPlans,
    DataKind::kTaskGroups, DataKind::kIndicators,  DataKind::kTargets,
    DataKind::kTasks,      DataKind::kTaskUpdates, DataKind::kDataValues};

using T = ColumnType;

constexpr std::string_view kUnitTypes =
    "central|province|committee|department|commune|ward|village|other";
constexpr std::string_view kPeriodTypes = "monthly|quarterly|half_yearly|yearly";
constexpr std::string_view kBooleans = "có|không";

constexpr ColumnSpec kUnits[] = {
    {"code", "Mã", true, T::kCode, {}, "Mã đơn vị, duy nhất"},
    {"name_vi", "Tên", true, T::kText, {}, "Tên đơn vị"},
    {"name_en", "Tên tiếng Anh", false, T::kText, {}, "Tên tiếng Anh"},
    {"type", "Loại", true, T::kChoice, kUnitTypes, "Loại đơn vị"},
    {"parent_code", "Mã đơn vị cha", false, T::kCode, {}, "Mã đơn vị cấp trên (trống: gốc)"},
    {"leader_name", "Người đứng đầu", false, T::kText, {}, "Họ tên người đứng đầu"},
    {"leader_title", "Chức vụ", false, T::kText, {}, "Chức vụ người đứng đầu"},
    {"valid_from", "Hiệu lực từ", false, T::kDate, {}, "Ngày đơn vị được thành lập"},
    {"valid_to", "Hiệu lực đến", false, T::kDate, {}, "Ngày cuối cùng của đơn vị bị sắp xếp lại"},
    {"successor_codes",
     "Mã đơn vị kế thừa",
     false,
     T::kCodeList,
     {},
     "Các đơn vị kế thừa từ ngày sau Hiệu lực đến"},
};
constexpr ColumnSpec kDirectives[] = {
    {"number", "Số hiệu", true, T::kCode, {}, "Số hiệu văn bản, duy nhất"},
    {"kind", "Loại văn bản", true, T::kChoice,
     "resolution|plan|decision|dispatch|directive|regulation", "Loại văn bản"},
    {"issuer", "Cơ quan ban hành", false, T::kText, {}, "Cơ quan ban hành"},
    {"issued_on", "Ngày ban hành", false, T::kDate, {}, "Ngày ban hành"},
    {"title_vi", "Trích yếu", true, T::kText, {}, "Trích yếu nội dung"},
    {"title_en", "Trích yếu tiếng Anh", false, T::kText, {}, "Trích yếu tiếng Anh"},
    {"url", "Đường dẫn", false, T::kText, {}, "Đường dẫn tới văn bản"},
};
constexpr ColumnSpec kPlans[] = {
    {"code", "Mã", true, T::kCode, {}, "Số hiệu kế hoạch, duy nhất"},
    {"title_vi", "Tên", true, T::kText, {}, "Tên kế hoạch"},
    {"title_en", "Tên tiếng Anh", false, T::kText, {}, "Tên tiếng Anh"},
    {"issuer_code", "Mã đơn vị ban hành", true, T::kCode, {}, "Mã đơn vị ban hành"},
    {"directive_numbers",
     "Số hiệu văn bản",
     false,
     T::kCodeList,
     {},
     "Các văn bản chỉ đạo được triển khai"},
    {"parent_code", "Mã kế hoạch cha", false, T::kCode, {}, "Kế hoạch cấp trên được triển khai"},
    {"start", "Ngày bắt đầu", false, T::kDate, {}, "Ngày bắt đầu"},
    {"end", "Ngày kết thúc", false, T::kDate, {}, "Ngày kết thúc"},
    {"stages", "Giai đoạn", false, T::kCodeList, {}, "Các giai đoạn, ví dụ 2025;2026-2030"},
    {"standing_agency_code",
     "Mã cơ quan thường trực",
     true,
     T::kCode,
     {},
     "Đơn vị thường trực theo dõi kế hoạch"},
};
constexpr ColumnSpec kTaskGroups[] = {
    {"plan_code", "Mã kế hoạch", true, T::kCode, {}, "Số hiệu kế hoạch"},
    {"code", "Mã", true, T::kCode, {}, "Mã nhóm, duy nhất trong kế hoạch"},
    {"title_vi", "Tên", true, T::kText, {}, "Tên nhóm nhiệm vụ"},
    {"title_en", "Tên tiếng Anh", false, T::kText, {}, "Tên tiếng Anh"},
    {"order", "Thứ tự", false, T::kInteger, {}, "Thứ tự hiển thị"},
    {"parent_code", "Mã nhóm cha", false, T::kCode, {}, "Nhóm cấp trên trong cùng kế hoạch"},
};
constexpr ColumnSpec kIndicators[] = {
    {"code", "Mã", true, T::kCode, {}, "Mã chỉ tiêu, duy nhất"},
    {"name_vi", "Tên", true, T::kText, {}, "Tên chỉ tiêu"},
    {"name_en", "Tên tiếng Anh", false, T::kText, {}, "Tên tiếng Anh"},
    {"unit_of_measure", "Đơn vị tính", false, T::kText, {}, "Đơn vị tính, ví dụ %"},
    {"class", "Phân loại", false, T::kChoice, "strategic|operational",
     "Chỉ tiêu chiến lược hay tác nghiệp"},
    {"value_type", "Kiểu giá trị", false, T::kChoice, "number|percent|count|money|boolean",
     "Kiểu giá trị"},
    {"unit_aggregation", "Tổng hợp theo đơn vị", false, T::kChoice, "sum|average|min|max|ratio",
     "Cách tổng hợp từ đơn vị cấp dưới"},
    {"numerator_code", "Mã chỉ tiêu tử số", false, T::kCode, {}, "Chỉ tiêu tử số (tỷ lệ)"},
    {"denominator_code", "Mã chỉ tiêu mẫu số", false, T::kCode, {}, "Chỉ tiêu mẫu số (tỷ lệ)"},
    {"factor", "Hệ số", false, T::kNumber, {}, "Hệ số của tỷ lệ (100 cho phần trăm)"},
    {"time_aggregation", "Tổng hợp theo thời gian", false, T::kChoice, "last|sum|average",
     "Cách tổng hợp theo thời gian"},
    {"direction", "Chiều", false, T::kChoice, "up|down", "Tăng (up) hay giảm (down) là tốt"},
    {"period_type", "Kỳ báo cáo", false, T::kChoice, kPeriodTypes, "Kỳ báo cáo số liệu"},
    {"baseline_value", "Giá trị cơ sở", false, T::kNumber, {}, "Giá trị tại thời điểm cơ sở"},
    {"baseline_date", "Ngày cơ sở", false, T::kDate, {}, "Ngày của giá trị cơ sở"},
    {"min_value", "Giá trị nhỏ nhất", false, T::kNumber, {}, "Giới hạn dưới khi nhập số liệu"},
    {"max_value", "Giá trị lớn nhất", false, T::kNumber, {}, "Giới hạn trên khi nhập số liệu"},
    {"at_risk_threshold",
     "Ngưỡng cảnh báo",
     false,
     T::kNumber,
     {},
     "Tỷ lệ đạt dưới mức này là có nguy cơ (0-1)"},
    {"data_source", "Nguồn dữ liệu", false, T::kText, {}, "Nguồn số liệu"},
    {"responsible_unit_code",
     "Đơn vị chịu trách nhiệm",
     false,
     T::kCode,
     {},
     "Mã đơn vị chịu trách nhiệm"},
};
constexpr ColumnSpec kTargets[] = {
    {"indicator_code", "Mã chỉ tiêu", true, T::kCode, {}, "Mã chỉ tiêu"},
    {"unit_code", "Mã đơn vị", false, T::kCode, {}, "Đơn vị áp dụng (trống: mọi đơn vị)"},
    {"date", "Ngày", true, T::kDate, {}, "Ngày phải đạt mục tiêu"},
    {"value", "Giá trị", true, T::kNumber, {}, "Giá trị mục tiêu"},
};
constexpr ColumnSpec kTasks[] = {
    {"plan_code", "Mã kế hoạch", true, T::kCode, {}, "Số hiệu kế hoạch"},
    {"code", "Mã", true, T::kCode, {}, "Mã nhiệm vụ, duy nhất trong kế hoạch"},
    {"group_code", "Mã nhóm", false, T::kCode, {}, "Nhóm nhiệm vụ trong cùng kế hoạch"},
    {"title_vi", "Tên", true, T::kText, {}, "Tên nhiệm vụ"},
    {"title_en", "Tên tiếng Anh", false, T::kText, {}, "Tên tiếng Anh"},
    {"description", "Mô tả", false, T::kText, {}, "Mô tả nhiệm vụ"},
    {"parent_code", "Mã nhiệm vụ cha", false, T::kCode, {}, "Nhiệm vụ cấp trên"},
    {"lead_unit_code",
     "Đơn vị chủ trì",
     true,
     T::kCode,
     {},
     "Mã đơn vị chủ trì (chỉ đổi bằng điều chỉnh)"},
    {"coordinating_unit_codes",
     "Đơn vị phối hợp",
     false,
     T::kCodeList,
     {},
     "Mã các đơn vị phối hợp"},
    {"kind", "Loại", false, T::kChoice, "deadline|recurring",
     "Có thời hạn (deadline) hay thường xuyên (recurring)"},
    {"assigned_on", "Ngày giao", true, T::kDate, {}, "Ngày giao nhiệm vụ"},
    {"start", "Ngày bắt đầu", false, T::kDate, {}, "Ngày bắt đầu"},
    {"deadline", "Thời hạn", false, T::kDate, {}, "Thời hạn hoàn thành (chỉ đổi bằng điều chỉnh)"},
    {"cadence", "Kỳ báo cáo", false, T::kChoice, kPeriodTypes,
     "Kỳ báo cáo của nhiệm vụ thường xuyên"},
    {"expected_output", "Sản phẩm", false, T::kText, {}, "Sản phẩm, kết quả dự kiến"},
    {"priority", "Ưu tiên", false, T::kInteger, {}, "Mức ưu tiên, 0 là bình thường"},
    {"indicator_codes", "Mã chỉ tiêu", false, T::kCodeList, {}, "Các chỉ tiêu liên quan"},
    {"classified", "Mật", false, T::kBoolean, kBooleans, "Nhiệm vụ mật"},
};
constexpr ColumnSpec kTaskUpdates[] = {
    {"plan_code", "Mã kế hoạch", true, T::kCode, {}, "Số hiệu kế hoạch"},
    {"task_code", "Mã nhiệm vụ", true, T::kCode, {}, "Mã nhiệm vụ"},
    {"kind", "Loại", true, T::kChoice, "progress|claim|verify|return|amend|cancel",
     "Loại cập nhật"},
    {"date", "Ngày", true, T::kDate, {}, "Ngày diễn ra"},
    {"progress_percent", "Tiến độ (%)", false, T::kInteger, {}, "Tiến độ từ 0 đến 100"},
    {"completed_on", "Ngày hoàn thành", false, T::kDate, {}, "Ngày hoàn thành sản phẩm"},
    {"new_deadline", "Thời hạn mới", false, T::kDate, {}, "Thời hạn mới (điều chỉnh)"},
    {"new_lead_unit_code",
     "Đơn vị chủ trì mới",
     false,
     T::kCode,
     {},
     "Đơn vị chủ trì mới (điều chỉnh)"},
    {"period", "Kỳ", false, T::kPeriod, {}, "Kỳ báo cáo của nhiệm vụ thường xuyên"},
    {"actor", "Người thực hiện", false, T::kText, {}, "Người báo cáo, duyệt hoặc xác nhận"},
    {"requested_by", "Người đề nghị", false, T::kText, {}, "Người đề nghị điều chỉnh"},
    {"reason", "Lý do", false, T::kText, {}, "Lý do điều chỉnh hoặc hủy"},
    {"difficulties", "Khó khăn", false, T::kText, {}, "Khó khăn, vướng mắc"},
    {"proposals", "Kiến nghị", false, T::kText, {}, "Đề xuất, kiến nghị"},
    {"evidence", "Minh chứng", false, T::kText, {}, "Đường dẫn tới sản phẩm, minh chứng"},
};
constexpr ColumnSpec kDataValues[] = {
    {"indicator_code", "Mã chỉ tiêu", true, T::kCode, {}, "Mã chỉ tiêu"},
    {"unit_code", "Mã đơn vị", true, T::kCode, {}, "Mã đơn vị"},
    {"period", "Kỳ", true, T::kPeriod, {}, "Kỳ số liệu, ví dụ 2025Q3 hoặc 202503"},
    {"value", "Giá trị", true, T::kNumber, {}, "Giá trị số liệu"},
    {"comment", "Ghi chú", false, T::kText, {}, "Ghi chú"},
    {"state", "Trạng thái", false, T::kChoice, "draft|submitted|approved",
     "Trạng thái (mặc định approved)"},
    {"stored_by", "Người nhập", false, T::kText, {}, "Người nhập số liệu"},
};

}  // namespace

std::span<const DataKind> AllDataKinds() { return kKinds; }

std::string_view DataKindName(DataKind kind) {
  switch (kind) {
    case DataKind::kUnits:
      return "units";
    case DataKind::kDirectives:
      return "directives";
    case DataKind::kPlans:
      return "plans";
    case DataKind::kTaskGroups:
      return "task-groups";
    case DataKind::kIndicators:
      return "indicators";
    case DataKind::kTargets:
      return "targets";
    case DataKind::kTasks:
      return "tasks";
    case DataKind::kTaskUpdates:
      return "task-updates";
    case DataKind::kDataValues:
      return "data-values";
  }
  return "units";
}

Result<DataKind> ParseDataKind(std::string_view text) {
  std::string names;
  for (DataKind kind : kKinds) {
    if (DataKindName(kind) == text) return kind;
    names += names.empty() ? "" : ", ";
    names += DataKindName(kind);
  }
  return InvalidArgument(fmt::format("unknown kind '{}' (accepted: {})", text, names));
}

std::string_view DataKindSheetName(DataKind kind) {
  switch (kind) {
    case DataKind::kUnits:
      return "Đơn vị";
    case DataKind::kDirectives:
      return "Văn bản chỉ đạo";
    case DataKind::kPlans:
      return "Kế hoạch";
    case DataKind::kTaskGroups:
      return "Nhóm nhiệm vụ";
    case DataKind::kIndicators:
      return "Chỉ tiêu";
    case DataKind::kTargets:
      return "Mục tiêu";
    case DataKind::kTasks:
      return "Nhiệm vụ";
    case DataKind::kTaskUpdates:
      return "Cập nhật nhiệm vụ";
    case DataKind::kDataValues:
      return "Số liệu";
  }
  return "Đơn vị";
}

std::span<const ColumnSpec> ColumnsOf(DataKind kind) {
  switch (kind) {
    case DataKind::kUnits:
      return kUnits;
    case DataKind::kDirectives:
      return kDirectives;
    case DataKind::kPlans:
      return kPlans;
    case DataKind::kTaskGroups:
      return kTaskGroups;
    case DataKind::kIndicators:
      return kIndicators;
    case DataKind::kTargets:
      return kTargets;
    case DataKind::kTasks:
      return kTasks;
    case DataKind::kTaskUpdates:
      return kTaskUpdates;
    case DataKind::kDataValues:
      return kDataValues;
  }
  return kUnits;
}

namespace {

std::string NormalizeHeader(std::string_view header) {
  std::string folded = FoldForSearch(header);
  for (char& c : folded) {
    if (c == '_' || c == '-') c = ' ';
  }
  return FoldForSearch(folded);  // collapses the spaces the replacement made
}

}  // namespace

std::optional<DataKind> DataKindOfSheet(std::string_view name) {
  const std::string normalized = NormalizeHeader(name);
  for (DataKind kind : kKinds) {
    if (NormalizeHeader(DataKindSheetName(kind)) == normalized ||
        NormalizeHeader(DataKindName(kind)) == normalized) {
      return kind;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> FindColumn(DataKind kind, std::string_view header) {
  const std::string normalized = NormalizeHeader(header);
  const auto columns = ColumnsOf(kind);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (NormalizeHeader(columns[i].name) == normalized ||
        NormalizeHeader(columns[i].name_vi) == normalized) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace planwatch
