#include "planwatch/storage/sql/statement.h"

#include <utility>

namespace planwatch::sql {

void Statement::BindOptionalDate(int index, const std::optional<Date>& date) {
  if (date) {
    BindDate(index, *date);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalDouble(int index, const std::optional<double>& value) {
  if (value) {
    BindDouble(index, *value);
  } else {
    BindNull(index);
  }
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return {};
  }
}

bool Statement::Bool(int column) const {
  if (IsNull(column)) return false;
  const std::string text = Text(column);
  if (text == "t" || text == "true") return true;
  if (text == "f" || text == "false") return false;
  return Int(column) != 0;
}

Result<Date> Statement::DateAt(int column) const {
  std::string text = Text(column);
  auto date = Date::Parse(text);
  if (!date) {
    return Internal("column " + cursor_->ColumnName(column) + " holds an invalid date '" + text +
                    "'");
  }
  return *date;
}

Result<std::optional<Date>> Statement::OptionalDateAt(int column) const {
  if (IsNull(column)) return std::optional<Date>();
  auto date = DateAt(column);
  if (!date) return std::unexpected(std::move(date).error());
  return std::optional<Date>(*date);
}

std::optional<double> Statement::OptionalDoubleAt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Double(column);
}

}  // namespace planwatch::sql
