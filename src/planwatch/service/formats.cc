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

constexpr ColumnSpec kUnits[] = {
    {"code", "Mã", true},
    {"name_vi", "Tên", true},
    {"name_en", "Tên tiếng Anh", false},
    {"type", "Loại", true},
    {"parent_code", "Mã đơn vị cha", false},
    {"leader_name", "Người đứng đầu", false},
    {"leader_title", "Chức vụ", false},
    {"valid_from", "Hiệu lực từ", false},
    {"valid_to", "Hiệu lực đến", false},
    {"successor_codes", "Mã đơn vị kế thừa", false},
};
constexpr ColumnSpec kDirectives[] = {
    {"number", "Số hiệu", true},           {"kind", "Loại văn bản", true},
    {"issuer", "Cơ quan ban hành", false}, {"issued_on", "Ngày ban hành", false},
    {"title_vi", "Trích yếu", true},       {"title_en", "Trích yếu tiếng Anh", false},
    {"url", "Đường dẫn", false},
};
constexpr ColumnSpec kPlans[] = {
    {"code", "Mã", true},
    {"title_vi", "Tên", true},
    {"title_en", "Tên tiếng Anh", false},
    {"issuer_code", "Mã đơn vị ban hành", true},
    {"directive_numbers", "Số hiệu văn bản", false},
    {"parent_code", "Mã kế hoạch cha", false},
    {"start", "Ngày bắt đầu", false},
    {"end", "Ngày kết thúc", false},
    {"stages", "Giai đoạn", false},
    {"standing_agency_code", "Mã cơ quan thường trực", true},
};
constexpr ColumnSpec kTaskGroups[] = {
    {"plan_code", "Mã kế hoạch", true}, {"code", "Mã", true},
    {"title_vi", "Tên", true},          {"title_en", "Tên tiếng Anh", false},
    {"order", "Thứ tự", false},         {"parent_code", "Mã nhóm cha", false},
};
constexpr ColumnSpec kIndicators[] = {
    {"code", "Mã", true},
    {"name_vi", "Tên", true},
    {"name_en", "Tên tiếng Anh", false},
    {"unit_of_measure", "Đơn vị tính", false},
    {"class", "Phân loại", false},
    {"value_type", "Kiểu giá trị", false},
    {"unit_aggregation", "Tổng hợp theo đơn vị", false},
    {"numerator_code", "Mã chỉ tiêu tử số", false},
    {"denominator_code", "Mã chỉ tiêu mẫu số", false},
    {"factor", "Hệ số", false},
    {"time_aggregation", "Tổng hợp theo thời gian", false},
    {"direction", "Chiều", false},
    {"period_type", "Kỳ báo cáo", false},
    {"baseline_value", "Giá trị cơ sở", false},
    {"baseline_date", "Ngày cơ sở", false},
    {"min_value", "Giá trị nhỏ nhất", false},
    {"max_value", "Giá trị lớn nhất", false},
    {"at_risk_threshold", "Ngưỡng cảnh báo", false},
    {"data_source", "Nguồn dữ liệu", false},
    {"responsible_unit_code", "Đơn vị chịu trách nhiệm", false},
};
constexpr ColumnSpec kTargets[] = {
    {"indicator_code", "Mã chỉ tiêu", true},
    {"unit_code", "Mã đơn vị", false},
    {"date", "Ngày", true},
    {"value", "Giá trị", true},
};
constexpr ColumnSpec kTasks[] = {
    {"plan_code", "Mã kế hoạch", true},
    {"code", "Mã", true},
    {"group_code", "Mã nhóm", false},
    {"title_vi", "Tên", true},
    {"title_en", "Tên tiếng Anh", false},
    {"description", "Mô tả", false},
    {"parent_code", "Mã nhiệm vụ cha", false},
    {"lead_unit_code", "Đơn vị chủ trì", true},
    {"coordinating_unit_codes", "Đơn vị phối hợp", false},
    {"kind", "Loại", false},
    {"assigned_on", "Ngày giao", true},
    {"start", "Ngày bắt đầu", false},
    {"deadline", "Thời hạn", false},
    {"cadence", "Kỳ báo cáo", false},
    {"expected_output", "Sản phẩm", false},
    {"priority", "Ưu tiên", false},
    {"indicator_codes", "Mã chỉ tiêu", false},
    {"classified", "Mật", false},
};
constexpr ColumnSpec kTaskUpdates[] = {
    {"plan_code", "Mã kế hoạch", true},
    {"task_code", "Mã nhiệm vụ", true},
    {"kind", "Loại", true},
    {"date", "Ngày", true},
    {"progress_percent", "Tiến độ (%)", false},
    {"completed_on", "Ngày hoàn thành", false},
    {"new_deadline", "Thời hạn mới", false},
    {"new_lead_unit_code", "Đơn vị chủ trì mới", false},
    {"period", "Kỳ", false},
    {"actor", "Người thực hiện", false},
    {"requested_by", "Người đề nghị", false},
    {"reason", "Lý do", false},
    {"difficulties", "Khó khăn", false},
    {"proposals", "Kiến nghị", false},
    {"evidence", "Minh chứng", false},
};
constexpr ColumnSpec kDataValues[] = {
    {"indicator_code", "Mã chỉ tiêu", true},
    {"unit_code", "Mã đơn vị", true},
    {"period", "Kỳ", true},
    {"value", "Giá trị", true},
    {"comment", "Ghi chú", false},
    {"state", "Trạng thái", false},
    {"stored_by", "Người nhập", false},
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
