#include "planwatch/service/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace planwatch {
namespace {

// splitmix64: small, fast and the same everywhere (std distributions differ between libraries).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // [0, n), n > 0; the modulo bias is far below anything a synthetic dataset shows.
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  // [lo, hi], lo <= hi.
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }
  // [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, std::size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Below(N)];
  }

 private:
  std::uint64_t state_;
};

// A seed for one independent stream, from the run's seed and up to two keys.
std::uint64_t StreamSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) {
  Random r(seed ^ (a * 0xd1342543de82ef95ULL));
  const std::uint64_t first = r.Next();
  Random s(first ^ (b * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
  return s.Next();
}

double Round1(double x) { return std::round(x * 10) / 10; }

Date Day(int y, int m, int d) { return Date::FromYmd(y, m, d).value(); }

// ---- names ----

struct Words {
  const char* vi;
  const char* en;
};

constexpr std::array<Words, 40> kSyllables{{
    {"Chiềng", "Chieng"}, {"Mường", "Muong"}, {"Tô", "To"},       {"Hiệu", "Hieu"},
    {"Phù", "Phu"},       {"Yên", "Yen"},     {"Mộc", "Moc"},     {"Châu", "Chau"},
    {"Sơn", "Son"},       {"Thuận", "Thuan"}, {"Quỳnh", "Quynh"}, {"Nhai", "Nhai"},
    {"Bắc", "Bac"},       {"Nam", "Nam"},     {"Đông", "Dong"},   {"Tây", "Tay"},
    {"Tân", "Tan"},       {"Phú", "Phu"},     {"Hòa", "Hoa"},     {"An", "An"},
    {"Long", "Long"},     {"Thạnh", "Thanh"}, {"Bình", "Binh"},   {"Hưng", "Hung"},
    {"Lộc", "Loc"},       {"Xuân", "Xuan"},   {"Thanh", "Thanh"}, {"Hà", "Ha"},
    {"Kim", "Kim"},       {"Ngọc", "Ngoc"},   {"Lai", "Lai"},     {"Điện", "Dien"},
    {"Biên", "Bien"},     {"Cao", "Cao"},     {"Quảng", "Quang"}, {"Vĩnh", "Vinh"},
    {"Đức", "Duc"},       {"Lâm", "Lam"},     {"Khánh", "Khanh"}, {"Hải", "Hai"},
}};

constexpr std::array<const char*, 16> kFamilyNames{
    "Nguyễn", "Trần", "Lê",  "Phạm",  "Hoàng", "Vũ",    "Đặng", "Bùi",
    "Đỗ",     "Lò",   "Cầm", "Quàng", "Hà",    "Lường", "Mai",  "Đinh"};
constexpr std::array<const char*, 6> kMiddleNames{"Văn", "Thị", "Đức", "Minh", "Thu", "Quốc"};
constexpr std::array<const char*, 20> kGivenNames{
    "An",    "Bình", "Cường", "Dũng",  "Hà",   "Hùng", "Lan",   "Mai",  "Nam",  "Phương",
    "Quang", "Sơn",  "Tâm",   "Thắng", "Tuấn", "Yến",  "Chính", "Mạnh", "Hạnh", "Thủy"};

// The first entry is the standing agency of a province's plan.
constexpr std::array<Words, 22> kDepartments{{
    {"Sở Khoa học và Công nghệ", "Department of Science and Technology"},
    {"Sở Tài chính", "Department of Finance"},
    {"Sở Nội vụ", "Department of Home Affairs"},
    {"Sở Giáo dục và Đào tạo", "Department of Education and Training"},
    {"Sở Y tế", "Department of Health"},
    {"Sở Công Thương", "Department of Industry and Trade"},
    {"Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"},
    {"Sở Xây dựng", "Department of Construction"},
    {"Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"},
    {"Sở Tư pháp", "Department of Justice"},
    {"Sở Dân tộc và Tôn giáo", "Department of Ethnic and Religious Affairs"},
    {"Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee"},
    {"Thanh tra tỉnh", "Provincial Inspectorate"},
    {"Công an tỉnh", "Provincial Police"},
    {"Bộ Chỉ huy Quân sự tỉnh", "Provincial Military Command"},
    {"Trung tâm Phục vụ hành chính công", "Public Administration Service Centre"},
    {"Đài Phát thanh và Truyền hình", "Radio and Television Station"},
    {"Báo tỉnh", "Provincial Newspaper"},
    {"Ban Quản lý các khu công nghiệp", "Industrial Zones Authority"},
    {"Trường Cao đẳng tỉnh", "Provincial College"},
    {"Liên minh Hợp tác xã", "Cooperative Alliance"},
    {"Bảo hiểm xã hội tỉnh", "Provincial Social Insurance"},
}};

// The 10 groups of the central framework (Plan 01-CV/BCĐTW), as in the demo.
constexpr std::array<Words, 10> kGroups{{
    {"Lãnh đạo, chỉ đạo", "Leadership and direction"},
    {"Nâng cao nhận thức, quyết tâm chính trị; thông tin, truyền thông",
     "Awareness, political determination, information and communication"},
    {"Hoàn thiện thể chế, chính sách tạo đột phá, bảo đảm nguồn lực",
     "Institutions and policies for breakthroughs and adequate resources"},
    {"Xây dựng chiến lược phát triển hạ tầng số, ứng dụng và dịch vụ số",
     "Strategy for digital infrastructure, applications and digital services"},
    {"Phát triển hệ sinh thái khởi nghiệp, đổi mới sáng tạo", "Startup and innovation ecosystem"},
    {"Chiến lược 5 năm phát triển nguồn nhân lực chất lượng cao",
     "5-year strategy for high-quality human resources"},
    {"Chuyển đổi số, phát triển kinh tế số cấp tỉnh",
     "Provincial digital transformation and digital economy"},
    {"Bảo đảm an ninh mạng và chủ quyền số", "Cybersecurity and digital sovereignty"},
    {"Thúc đẩy hợp tác, liên kết vùng và quốc tế",
     "Regional and international cooperation and linkage"},
    {"Giám sát, đánh giá và tuyên truyền", "Monitoring, evaluation and dissemination"},
}};

constexpr std::array<Words, 12> kTaskVerbs{{
    {"Xây dựng", "Develop"},
    {"Triển khai", "Roll out"},
    {"Hoàn thiện", "Complete"},
    {"Nâng cấp", "Upgrade"},
    {"Tổ chức", "Organise"},
    {"Ban hành", "Issue"},
    {"Rà soát", "Review"},
    {"Đánh giá", "Evaluate"},
    {"Tuyên truyền", "Promote"},
    {"Số hóa", "Digitise"},
    {"Kết nối", "Connect"},
    {"Đào tạo", "Train staff on"},
}};
constexpr std::array<Words, 16> kTaskObjects{{
    {"cơ sở dữ liệu dùng chung", "the shared database"},
    {"hệ thống dịch vụ công trực tuyến", "the online public service system"},
    {"kế hoạch chuyển đổi số", "the digital transformation plan"},
    {"hạ tầng mạng 4G, 5G", "4G and 5G network coverage"},
    {"tổ công nghệ số cộng đồng", "the community digital technology teams"},
    {"phong trào Bình dân học vụ số", "the Digital Literacy Movement for the People"},
    {"nền tảng thương mại điện tử", "the e-commerce platform"},
    {"quy chế bảo đảm an toàn thông tin", "the information security rules"},
    {"kho dữ liệu mở", "the open data store"},
    {"hồ sơ lưu trữ", "the archived records"},
    {"chương trình hỗ trợ khởi nghiệp", "the startup support programme"},
    {"chữ ký số cho người dân", "digital signatures for citizens"},
    {"hệ thống giám sát, điều hành thông minh", "the smart operations centre"},
    {"báo cáo định kỳ về khoa học, công nghệ", "periodic science and technology reports"},
    {"chính sách thu hút nhân lực số", "the policy to attract digital talent"},
    {"điểm truy cập Internet công cộng", "public Internet access points"},
}};
constexpr std::array<const char*, 6> kOutputs{
    "Kế hoạch được ban hành", "Báo cáo kết quả thực hiện",   "Hệ thống vận hành chính thức",
    "Quyết định phê duyệt",   "Cơ sở dữ liệu được cập nhật", "Danh sách và số liệu tổng hợp"};
constexpr std::array<const char*, 5> kDifficulties{
    "Thiếu kinh phí triển khai.", "Nhân lực công nghệ thông tin còn mỏng.",
    "Hạ tầng mạng tại vùng sâu, vùng xa chưa ổn định.", "Dữ liệu chưa đồng bộ giữa các cấp.",
    "Khối lượng công việc lớn, trùng thời điểm sắp xếp đơn vị hành chính."};
constexpr std::array<const char*, 4> kProposals{
    "Đề nghị bổ sung kinh phí.", "Đề nghị tỉnh hỗ trợ chuyên gia.",
    "Đề nghị gia hạn thời gian hoàn thành.", "Đề nghị hướng dẫn thống nhất biểu mẫu."};
constexpr std::array<const char*, 4> kReasons{
    "Điều chỉnh theo chỉ đạo của Ban Chỉ đạo", "Sắp xếp lại đơn vị hành chính",
    "Chờ văn bản hướng dẫn của Trung ương", "Nguồn vốn chưa được bố trí"};

struct Subject {
  const char* vi;
  const char* en;
  const char* unit;  // unit of measure of a count
};
constexpr std::array<Subject, 24> kSubjects{{
    {"hồ sơ dịch vụ công trực tuyến", "online public service applications", "hồ sơ"},
    {"doanh nghiệp công nghệ số", "digital technology businesses", "doanh nghiệp"},
    {"người dân có chữ ký số", "citizens with a digital signature", "người"},
    {"thôn, bản có sóng 4G", "villages with 4G coverage", "thôn, bản"},
    {"điểm truy cập Internet công cộng", "public Internet access points", "điểm"},
    {"bộ dữ liệu mở", "open datasets", "bộ dữ liệu"},
    {"thủ tục hành chính", "administrative procedures", "thủ tục"},
    {"hồ sơ lưu trữ", "archived records", "hồ sơ"},
    {"tổ công nghệ số cộng đồng", "community digital technology teams", "tổ"},
    {"sản phẩm OCOP trên sàn thương mại điện tử", "OCOP products on e-commerce", "sản phẩm"},
    {"giao dịch không dùng tiền mặt", "cashless transactions", "giao dịch"},
    {"cán bộ được đào tạo kỹ năng số", "officials trained in digital skills", "người"},
    {"trường học có kết nối Internet", "schools connected to the Internet", "trường"},
    {"hộ gia đình có cáp quang", "households with fibre", "hộ"},
    {"camera giám sát an ninh", "security cameras", "camera"},
    {"sáng kiến, đề tài khoa học", "initiatives and research projects", "đề tài"},
    {"doanh nghiệp khởi nghiệp sáng tạo", "innovative startups", "doanh nghiệp"},
    {"hợp tác xã ứng dụng công nghệ", "cooperatives using technology", "hợp tác xã"},
    {"văn bản điện tử có ký số", "digitally signed documents", "văn bản"},
    {"hồ sơ sức khỏe điện tử", "electronic health records", "hồ sơ"},
    {"người dùng ứng dụng công dân số", "citizen app users", "người"},
    {"sự cố an toàn thông tin", "information security incidents", "sự cố"},
    {"cuộc họp trực tuyến", "online meetings", "cuộc họp"},
    {"phản ánh, kiến nghị được xử lý", "handled citizen feedback items", "phản ánh"},
}};

std::string PersonName(Random& r) {
  return fmt::format("{} {} {}", r.Pick(kFamilyNames), r.Pick(kMiddleNames), r.Pick(kGivenNames));
}

// A two-syllable place name, Vietnamese and ASCII.
std::pair<std::string, std::string> PlaceName(Random& r) {
  const Words& a = r.Pick(kSyllables);
  const Words& b = r.Pick(kSyllables);
  return {fmt::format("{} {}", a.vi, b.vi), fmt::format("{} {}", a.en, b.en)};
}

// ---- shape of each scale ----

struct Shape {
  int provinces = 1;
  int communes = 75;  // over all provinces
  int departments_min = 18;
  int departments_max = 22;
  int villages_min = 0;  // per commune
  int villages_max = 0;
  int indicators = 30;
  int commune_indicators = 12;  // reported by every commune (ratio parts included)
  int department_indicators = 8;
  int village_indicators = 0;  // of the commune indicators, also reported by every village
  int tasks_per_department = 6;
  int tasks_per_commune = 2;
  int national_tasks = 10;  // led by provinces
};

Shape ShapeOf(GenerateScale scale) {
  Shape s;
  if (scale == GenerateScale::kProvince) return s;
  s.provinces = 34;
  s.communes = 3321;
  s.departments_min = 18;
  s.departments_max = 23;
  s.indicators = 200;
  s.commune_indicators = 125;
  s.department_indicators = 35;
  s.tasks_per_department = 20;
  s.tasks_per_commune = 25;
  s.national_tasks = 50;
  if (scale == GenerateScale::kVillages) {
    s.villages_min = 25;
    s.villages_max = 35;
    s.village_indicators = 20;
  }
  return s;
}

constexpr int kMonths = 72;  // 2025-01 .. 2030-12
constexpr char kStoredBy[] = "generate";

// ---- the generated model, as kept while writing ----

struct UnitRef {
  OrgUnitId id;
  std::string leader;
};

struct ProvinceRef {
  UnitRef unit;
  std::string code;
  std::vector<UnitRef> departments;
  std::vector<UnitRef> communes;
  std::vector<UnitRef> villages;
};

struct Units {
  UnitRef centre;
  UnitRef committee;
  std::vector<ProvinceRef> provinces;
};

enum class Rule {
  kFlowCount,       // count, summed over months and units
  kDownFlowCount,   // the same, lower is better
  kStockCount,      // count, last value over months, summed over units
  kPercentLast,     // percent, last value, averaged over units
  kPercentAverage,  // percent, averaged over months and units
  kMoney,           // money, summed
  kNumber,          // a score, last value, averaged over units
  kDenominator,     // count stock, the denominator of a ratio
  kNumerator,       // count stock, <= its denominator
  kRatio,           // numerator / denominator × 100, not reported
};

enum class Level { kCommune, kDepartment, kProvince };

struct IndicatorSpec {
  Indicator indicator;
  Rule rule = Rule::kFlowCount;
  Level level = Level::kCommune;
  std::uint64_t stream = 0;  // value stream key; a ratio's parts share one
  int department_slot = 0;
  bool villages = false;
};

double LevelScale(Level level) {
  switch (level) {
    case Level::kCommune:
      return 1;
    case Level::kDepartment:
      return 8;
    case Level::kProvince:
      break;
  }
  return 30;
}

// A typical unit's level on the baseline date, the base of the general targets.
double TypicalBaseline(Rule rule, double scale) {
  switch (rule) {
    case Rule::kFlowCount:
      return 10 * scale;
    case Rule::kDownFlowCount:
      return 5 * scale;
    case Rule::kStockCount:
      return 200 * scale;
    case Rule::kPercentLast:
    case Rule::kRatio:
      return 40;
    case Rule::kPercentAverage:
      return 70;
    case Rule::kMoney:
      return 200 * scale;
    case Rule::kNumber:
      return 5;
    case Rule::kDenominator:
      return 100 * scale;
    case Rule::kNumerator:
      break;
  }
  return 40 * scale;
}

// Fills `spec.indicator` (everything but ids) for its rule and subject.
void DescribeIndicator(IndicatorSpec& spec, int number, const Subject& subject, int round) {
  Indicator& ind = spec.indicator;
  const std::string suffix_vi = round > 0 ? fmt::format(" (nhóm {})", round + 1) : "";
  const std::string suffix_en = round > 0 ? fmt::format(" (set {})", round + 1) : "";
  ind.code = fmt::format("CT{:03}", number);
  ind.period_type = PeriodType::kMonth;
  ind.indicator_class =
      number % 10 == 1 ? IndicatorClass::kStrategic : IndicatorClass::kOperational;
  ind.baseline_date = Day(2024, 12, 31);
  ind.data_source = "Hệ thống báo cáo chuyển đổi số";
  auto name = [&](const std::string& vi, const std::string& en) {
    ind.name_vi = vi + suffix_vi;
    ind.name_en = en + suffix_en;
  };
  switch (spec.rule) {
    case Rule::kFlowCount:
    case Rule::kDownFlowCount:
      if (spec.rule == Rule::kFlowCount) {
        name(fmt::format("Số {} mới trong tháng", subject.vi),
             fmt::format("New {} in the month", subject.en));
      } else {
        name(fmt::format("Số {} trễ hạn", subject.vi), fmt::format("Overdue {}", subject.en));
        ind.direction = Direction::kDown;
      }
      ind.unit_of_measure = subject.unit;
      ind.value_type = ValueType::kCount;
      ind.unit_aggregation = UnitAggregation::kSum;
      ind.time_aggregation = TimeAggregation::kSum;
      ind.min_value = 0;
      ind.max_value = 1'000'000;
      break;
    case Rule::kStockCount:
    case Rule::kDenominator:
    case Rule::kNumerator:
      if (spec.rule == Rule::kStockCount) {
        name(fmt::format("Số {} (lũy kế)", subject.vi), fmt::format("{}, cumulative", subject.en));
      } else if (spec.rule == Rule::kDenominator) {
        name(fmt::format("Tổng số {}", subject.vi), fmt::format("Total {}", subject.en));
      } else {
        name(fmt::format("Số {} được số hóa", subject.vi), fmt::format("Digitised {}", subject.en));
      }
      ind.unit_of_measure = subject.unit;
      ind.value_type = ValueType::kCount;
      ind.unit_aggregation = UnitAggregation::kSum;
      ind.time_aggregation = TimeAggregation::kLast;
      ind.min_value = 0;
      break;
    case Rule::kPercentLast:
      name(fmt::format("Tỷ lệ {} đạt chuẩn", subject.vi),
           fmt::format("Share of {} meeting the standard", subject.en));
      ind.unit_of_measure = "%";
      ind.value_type = ValueType::kPercent;
      ind.unit_aggregation = UnitAggregation::kAverage;
      ind.time_aggregation = TimeAggregation::kLast;
      break;
    case Rule::kPercentAverage:
      name(fmt::format("Mức độ hài lòng về {}", subject.vi),
           fmt::format("Satisfaction with {}", subject.en));
      ind.unit_of_measure = "%";
      ind.value_type = ValueType::kPercent;
      ind.unit_aggregation = UnitAggregation::kAverage;
      ind.time_aggregation = TimeAggregation::kAverage;
      break;
    case Rule::kMoney:
      name(fmt::format("Kinh phí chi cho {}", subject.vi),
           fmt::format("Spending on {}", subject.en));
      ind.unit_of_measure = "triệu đồng";
      ind.value_type = ValueType::kMoney;
      ind.unit_aggregation = UnitAggregation::kSum;
      ind.time_aggregation = TimeAggregation::kSum;
      ind.min_value = 0;
      ind.max_value = 1e9;
      break;
    case Rule::kNumber:
      name(fmt::format("Điểm đánh giá {}", subject.vi),
           fmt::format("Assessment score of {}", subject.en));
      ind.unit_of_measure = "điểm";
      ind.value_type = ValueType::kNumber;
      ind.unit_aggregation = UnitAggregation::kAverage;
      ind.time_aggregation = TimeAggregation::kLast;
      ind.min_value = 0;
      ind.max_value = 1000;
      break;
    case Rule::kRatio:
      name(fmt::format("Tỷ lệ {} được số hóa", subject.vi),
           fmt::format("Share of {} digitised", subject.en));
      ind.unit_of_measure = "%";
      ind.value_type = ValueType::kPercent;
      ind.unit_aggregation = UnitAggregation::kRatio;
      ind.factor = 100;
      ind.time_aggregation = TimeAggregation::kLast;
      break;
  }
  ind.baseline_value = Round1(TypicalBaseline(spec.rule, LevelScale(spec.level)));
}

// The indicator list in write order: a ratio's denominator and numerator come before it.
std::vector<IndicatorSpec> PlanIndicators(const Shape& shape, std::uint64_t seed) {
  Random r(StreamSeed(seed, 1));
  std::vector<IndicatorSpec> specs;
  int reported = 0;
  int family = 0;
  int villages_left = shape.village_indicators;
  while (static_cast<int>(specs.size()) < shape.indicators) {
    const Level level = reported < shape.commune_indicators ? Level::kCommune
                        : reported < shape.commune_indicators + shape.department_indicators
                            ? Level::kDepartment
                            : Level::kProvince;
    const Subject& subject = kSubjects[family % kSubjects.size()];
    const int round = family / static_cast<int>(kSubjects.size());
    const std::uint64_t stream = specs.size() + 1;
    const int slot = r.Between(0, shape.departments_min - 1);
    auto add = [&](Rule rule) {
      IndicatorSpec spec;
      spec.rule = rule;
      spec.level = level;
      spec.stream = stream;
      spec.department_slot = slot;
      DescribeIndicator(spec, static_cast<int>(specs.size()) + 1, subject, round);
      specs.push_back(std::move(spec));
    };
    if (shape.indicators - static_cast<int>(specs.size()) >= 3 && r.Chance(0.12)) {
      add(Rule::kDenominator);
      add(Rule::kNumerator);
      add(Rule::kRatio);
      reported += 2;
    } else {
      const double u = r.Unit();
      const Rule rule = u < 0.25   ? Rule::kFlowCount
                        : u < 0.45 ? Rule::kStockCount
                        : u < 0.65 ? Rule::kPercentLast
                        : u < 0.75 ? Rule::kPercentAverage
                        : u < 0.85 ? Rule::kMoney
                        : u < 0.95 ? Rule::kNumber
                                   : Rule::kDownFlowCount;
      add(rule);
      if (level == Level::kCommune && villages_left > 0) {
        specs.back().villages = true;
        --villages_left;
      }
      ++reported;
    }
    ++family;
  }
  return specs;
}

// ---- values ----

using Series = std::array<double, kMonths>;

// One unit's 72 monthly values of a plain (not ratio) indicator, within its bounds.
void FillSeries(Rule rule, double scale, Random& r, Series& out) {
  const double mult = r.Uniform(0.5, 1.5);
  switch (rule) {
    case Rule::kFlowCount:
    case Rule::kDownFlowCount:
      for (int m = 0; m < kMonths; ++m) {
        const double trend =
            rule == Rule::kFlowCount ? 1 + 0.5 * m / kMonths : 1 - 0.6 * m / kMonths;
        const double base = (rule == Rule::kFlowCount ? 10 : 5) * scale * mult * trend;
        out[m] = std::min(1'000'000.0, std::floor(base * r.Uniform(0.6, 1.4)));
      }
      break;
    case Rule::kStockCount: {
      double v = std::floor(200 * scale * mult);
      const int step = std::max(1, static_cast<int>(v / 50));
      for (int m = 0; m < kMonths; ++m) {
        v += r.Between(0, step);
        out[m] = v;
      }
      break;
    }
    case Rule::kPercentLast: {
      double p = r.Uniform(15, 65);
      for (int m = 0; m < kMonths; ++m) {
        p = std::clamp(p + r.Uniform(-0.3, 1.2), 0.0, 100.0);
        out[m] = std::clamp(Round1(p), 0.0, 100.0);
      }
      break;
    }
    case Rule::kPercentAverage: {
      const double base = r.Uniform(55, 80);
      for (int m = 0; m < kMonths; ++m) {
        out[m] = std::clamp(Round1(base + 10.0 * m / kMonths + r.Uniform(-8, 8)), 0.0, 100.0);
      }
      break;
    }
    case Rule::kMoney:
      for (int m = 0; m < kMonths; ++m) out[m] = Round1(200 * scale * mult * r.Uniform(0.7, 1.3));
      break;
    case Rule::kNumber: {
      double s = r.Uniform(2, 8);
      for (int m = 0; m < kMonths; ++m) {
        s = std::clamp(s + r.Uniform(-0.2, 0.3), 0.0, 1000.0);
        out[m] = std::clamp(Round1(s), 0.0, 1000.0);
      }
      break;
    }
    case Rule::kDenominator:
    case Rule::kNumerator:
    case Rule::kRatio:
      break;
  }
}

// One unit's denominator and numerator series: numerator <= denominator every month.
void FillPair(double scale, Random& r, Series& denominator, Series& numerator) {
  double d = std::floor(100 * scale * r.Uniform(0.5, 1.5)) + 1;
  const int step = std::max(1, static_cast<int>(d / 40));
  double share = r.Uniform(0.2, 0.6);
  for (int m = 0; m < kMonths; ++m) {
    d += r.Between(0, step);
    share = std::min(0.99, share + r.Uniform(0, 0.02));
    denominator[m] = d;
    numerator[m] = std::floor(d * share);
  }
}

// ---- writing ----

class Writer {
 public:
  Writer(Store& store, const GenerateOptions& options)
      : store_(store), options_(options), shape_(ShapeOf(options.scale)) {}

  Result<GenerateSummary> Run() {
    {
      auto existing = store_.OrgUnits();
      if (!existing) return std::unexpected(existing.error());
      if (!existing->empty()) {
        return Fail(ErrorCode::kFailedPrecondition,
                    "generate needs an empty database; this one has " +
                        std::to_string(existing->size()) + " org units");
      }
    }
    if (auto s = WriteUnits(); !s) return std::unexpected(s.error());
    if (auto s = WriteIndicators(); !s) return std::unexpected(s.error());
    if (auto s = WritePlansAndTasks(); !s) return std::unexpected(s.error());
    if (auto s = WriteValues(); !s) return std::unexpected(s.error());
    return summary_;
  }

 private:
  void Progress(std::string_view stage, std::uint64_t done, std::uint64_t total) {
    if (options_.progress) options_.progress(stage, done, total);
  }

  Result<OrgUnitId> PutUnit(Transaction& tx, std::string code, std::string name_vi,
                            std::string name_en, OrgUnitType type, OrgUnitId parent,
                            std::string leader, std::string title) {
    OrgUnit unit;
    unit.code = std::move(code);
    unit.name_vi = std::move(name_vi);
    unit.name_en = std::move(name_en);
    unit.type = type;
    unit.parent = parent;
    unit.leader_name = std::move(leader);
    unit.leader_title = std::move(title);
    auto id = tx.PutOrgUnit(unit);
    if (id) ++summary_.units;
    return id;
  }

  // Communes per province: uneven (weights 0.5..2.5), largest remainder, at least 10 each.
  std::vector<int> CommuneCounts(Random& r) const {
    const int n = shape_.provinces;
    if (n == 1) return {shape_.communes};
    std::vector<double> weights(n);
    double total = 0;
    for (double& w : weights) total += (w = r.Uniform(0.5, 2.5));
    const int spare = shape_.communes - 10 * n;
    std::vector<int> counts(n);
    std::vector<std::pair<double, int>> remainders;
    int given = 0;
    for (int i = 0; i < n; ++i) {
      const double exact = spare * weights[i] / total;
      counts[i] = 10 + static_cast<int>(exact);
      given += counts[i];
      remainders.push_back({exact - std::floor(exact), i});
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (int k = 0; given < shape_.communes; ++k, ++given) ++counts[remainders[k].second];
    return counts;
  }

  Status WriteUnits() {
    Random r(StreamSeed(options_.seed, 2));
    auto tx = store_.Begin();
    if (!tx) return std::unexpected(tx.error());
    auto put = [&](auto&&... args) { return PutUnit(**tx, std::forward<decltype(args)>(args)...); };
    units_.centre.leader = PersonName(r);
    auto centre = put("VN", "Trung ương", "Central", OrgUnitType::kCentral, OrgUnitId{},
                      units_.centre.leader, "Tổng Bí thư");
    if (!centre) return std::unexpected(centre.error());
    units_.centre.id = *centre;
    units_.committee.leader = PersonName(r);
    auto committee = put("VN-BCD",
                         "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng "
                         "tạo và chuyển đổi số",
                         "Central Steering Committee for Science, Technology, Innovation and "
                         "Digital Transformation",
                         OrgUnitType::kCommittee, *centre, units_.committee.leader, "Trưởng Ban");
    if (!committee) return std::unexpected(committee.error());
    units_.committee.id = *committee;
    const std::vector<int> communes = CommuneCounts(r);
    for (int p = 0; p < shape_.provinces; ++p) {
      ProvinceRef province;
      province.code = fmt::format("P{:02}", p + 1);
      province.unit.leader = PersonName(r);
      auto [vi, en] = PlaceName(r);
      auto id = put(province.code, "Tỉnh " + vi, en + " Province", OrgUnitType::kProvince, *centre,
                    province.unit.leader, "Chủ tịch Ủy ban nhân dân tỉnh");
      if (!id) return std::unexpected(id.error());
      province.unit.id = *id;
      ++summary_.provinces;
      units_.provinces.push_back(std::move(province));
    }
    for (int p = 0; p < shape_.provinces; ++p) {
      ProvinceRef& province = units_.provinces[p];
      const int departments = r.Between(shape_.departments_min, shape_.departments_max);
      for (int d = 0; d < departments; ++d) {
        UnitRef dept{OrgUnitId{}, PersonName(r)};
        auto id = put(fmt::format("{}-S{:02}", province.code, d + 1), kDepartments[d].vi,
                      kDepartments[d].en, OrgUnitType::kDepartment, province.unit.id, dept.leader,
                      "Giám đốc");
        if (!id) return std::unexpected(id.error());
        dept.id = *id;
        province.departments.push_back(std::move(dept));
        ++summary_.departments;
      }
      for (int c = 0; c < communes[p]; ++c) {
        const bool ward = r.Chance(0.15);
        UnitRef commune{OrgUnitId{}, PersonName(r)};
        auto [vi, en] = PlaceName(r);
        auto id = put(fmt::format("{}-X{:04}", province.code, c + 1),
                      (ward ? "Phường " : "Xã ") + vi, en + (ward ? " Ward" : " Commune"),
                      ward ? OrgUnitType::kWard : OrgUnitType::kCommune, province.unit.id,
                      commune.leader, ward ? "Chủ tịch UBND phường" : "Chủ tịch UBND xã");
        if (!id) return std::unexpected(id.error());
        commune.id = *id;
        province.communes.push_back(std::move(commune));
        ++summary_.communes;
      }
    }
    if (shape_.villages_max > 0) {
      // After every commune: villages get the highest ids, so each indicator's values are
      // written in key order.
      for (ProvinceRef& province : units_.provinces) {
        for (std::size_t c = 0; c < province.communes.size(); ++c) {
          const int villages = r.Between(shape_.villages_min, shape_.villages_max);
          for (int v = 0; v < villages; ++v) {
            const bool ban = r.Chance(0.5);
            UnitRef village{OrgUnitId{}, PersonName(r)};
            auto [vi, en] = PlaceName(r);
            auto id =
                put(fmt::format("{}-X{:04}-T{:02}", province.code, c + 1, v + 1),
                    (ban ? "Bản " : "Thôn ") + vi, en + " Village", OrgUnitType::kVillage,
                    province.communes[c].id, village.leader, ban ? "Trưởng bản" : "Trưởng thôn");
            if (!id) return std::unexpected(id.error());
            village.id = *id;
            province.villages.push_back(std::move(village));
            ++summary_.villages;
          }
        }
      }
    }
    if (auto s = (*tx)->Commit(); !s) return s;
    Progress("units", summary_.units, summary_.units);
    return {};
  }

  Status WriteIndicators() {
    specs_ = PlanIndicators(shape_, options_.seed);
    Random r(StreamSeed(options_.seed, 3));
    auto tx = store_.Begin();
    if (!tx) return std::unexpected(tx.error());
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      IndicatorSpec& spec = specs_[i];
      spec.indicator.responsible_unit = units_.committee.id;
      if (spec.rule == Rule::kRatio) {
        spec.indicator.denominator = specs_[i - 2].indicator.id;
        spec.indicator.numerator = specs_[i - 1].indicator.id;
      }
      auto id = (*tx)->PutIndicator(spec.indicator);
      if (!id) return std::unexpected(id.error());
      spec.indicator.id = *id;
      ++summary_.indicators;
    }
    for (const IndicatorSpec& spec : specs_) {
      const Indicator& ind = spec.indicator;
      const double base = *ind.baseline_value;
      const bool percent = ind.value_type == ValueType::kPercent;
      const bool down = ind.direction == Direction::kDown;
      auto goal = [&](double up_factor, double percent_gain) {
        if (percent) return std::min(100.0, base + percent_gain);
        return Round1(down ? base * (2 - up_factor) : base * up_factor);
      };
      const double t2025 = goal(1.15, 10);
      const double t2030 = goal(1.6, 40);
      for (auto [date, value] : {std::pair{Day(2025, 12, 31), t2025}, {Day(2030, 12, 31), t2030}}) {
        if (auto s = (*tx)->PutTarget(Target{ind.id, OrgUnitId{}, date, value}); !s) return s;
        ++summary_.targets;
      }
      // Every fourth indicator has its own 2025 target per province.
      if (ind.id.value % 4 == 0) {
        for (const ProvinceRef& province : units_.provinces) {
          const double value = percent ? std::min(100.0, Round1(t2025 * r.Uniform(0.9, 1.1)))
                                       : Round1(t2025 * r.Uniform(0.9, 1.1));
          Target target{ind.id, province.unit.id, Day(2025, 12, 31), value};
          if (auto s = (*tx)->PutTarget(target); !s) return s;
          ++summary_.targets;
        }
      }
    }
    if (auto s = (*tx)->Commit(); !s) return s;
    Progress("indicators", summary_.indicators, summary_.indicators);
    return {};
  }

  // ---- plans, tasks, events ----

  std::uint64_t ExpectedTasks() const {
    std::uint64_t total = shape_.national_tasks;
    for (const ProvinceRef& p : units_.provinces) {
      total += p.departments.size() * shape_.tasks_per_department +
               p.communes.size() * shape_.tasks_per_commune;
    }
    return total;
  }

  Result<std::vector<TaskGroupId>> PutGroups(Transaction& tx, PlanId plan) {
    std::vector<TaskGroupId> groups;
    for (std::size_t g = 0; g < kGroups.size(); ++g) {
      TaskGroup group;
      group.plan = plan;
      group.code = fmt::format("N{}", g + 1);
      group.title_vi = kGroups[g].vi;
      group.title_en = kGroups[g].en;
      group.order = static_cast<int>(g) + 1;
      auto id = tx.PutTaskGroup(group);
      if (!id) return std::unexpected(id.error());
      groups.push_back(*id);
      ++summary_.task_groups;
    }
    return groups;
  }

  Status WritePlansAndTasks() {
    Random r(StreamSeed(options_.seed, 4));
    const std::uint64_t total = ExpectedTasks();
    auto tx = store_.Begin();
    if (!tx) return std::unexpected(tx.error());
    Directive directive;
    directive.number = "57-NQ/TW";
    directive.kind = "resolution";
    directive.issuer = "Bộ Chính trị";
    directive.issued_on = Day(2024, 12, 22);
    directive.title_vi =
        "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
        "quốc gia";
    directive.title_en =
        "Resolution on breakthroughs in science, technology, innovation and national digital "
        "transformation";
    auto directive_id = (*tx)->PutDirective(directive);
    if (!directive_id) return std::unexpected(directive_id.error());
    Plan national;
    national.code = "KH-QG-57";
    national.title_vi = "Kế hoạch hành động quốc gia thực hiện Nghị quyết số 57-NQ/TW";
    national.title_en = "National action plan to implement Resolution 57-NQ/TW";
    national.issuer = units_.committee.id;
    national.directives = {*directive_id};
    national.start = Day(2025, 1, 15);
    national.end = Day(2030, 12, 31);
    national.stages = {"2025", "2026-2030", "vision 2045"};
    national.standing_agency = units_.committee.id;
    auto national_id = (*tx)->PutPlan(national);
    if (!national_id) return std::unexpected(national_id.error());
    ++summary_.plans;
    auto national_groups = PutGroups(**tx, *national_id);
    if (!national_groups) return std::unexpected(national_groups.error());
    for (int t = 0; t < shape_.national_tasks; ++t) {
      const ProvinceRef& lead = units_.provinces[r.Below(units_.provinces.size())];
      if (auto s = WriteTask(**tx, r, *national_id, *national_groups, t + 1, lead.unit,
                             lead.departments, units_.committee.leader, national.code);
          !s) {
        return s;
      }
    }
    if (auto s = (*tx)->Commit(); !s) return s;
    Progress("tasks", summary_.tasks, total);
    for (const ProvinceRef& province : units_.provinces) {
      auto ptx = store_.Begin();
      if (!ptx) return std::unexpected(ptx.error());
      Plan plan;
      plan.code = fmt::format("KH-{}-57", province.code);
      plan.title_vi = "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW của tỉnh";
      plan.title_en = "Provincial plan to implement Resolution 57-NQ/TW";
      plan.issuer = province.unit.id;
      plan.directives = {*directive_id};
      plan.parent = *national_id;
      plan.start = Day(2025, 3, 1);
      plan.end = Day(2030, 12, 31);
      plan.stages = {"2025", "2026-2030", "vision 2045"};
      plan.standing_agency = province.departments.front().id;
      auto plan_id = (*ptx)->PutPlan(plan);
      if (!plan_id) return std::unexpected(plan_id.error());
      ++summary_.plans;
      auto groups = PutGroups(**ptx, *plan_id);
      if (!groups) return std::unexpected(groups.error());
      const std::string& verifier = province.departments.front().leader;
      int number = 0;
      for (const UnitRef& dept : province.departments) {
        for (int t = 0; t < shape_.tasks_per_department; ++t) {
          if (auto s = WriteTask(**ptx, r, *plan_id, *groups, ++number, dept, province.departments,
                                 verifier, plan.code);
              !s) {
            return s;
          }
        }
      }
      for (const UnitRef& commune : province.communes) {
        for (int t = 0; t < shape_.tasks_per_commune; ++t) {
          if (auto s = WriteTask(**ptx, r, *plan_id, *groups, ++number, commune,
                                 province.departments, verifier, plan.code);
              !s) {
            return s;
          }
        }
      }
      if (auto s = (*ptx)->Commit(); !s) return s;
      Progress("tasks", summary_.tasks, total);
    }
    return {};
  }

  // One task and its ledger, dated in order. `peers` coordinate and may take over the lead.
  Status WriteTask(Transaction& tx, Random& r, PlanId plan, const std::vector<TaskGroupId>& groups,
                   int number, const UnitRef& lead, const std::vector<UnitRef>& peers,
                   const std::string& verifier, const std::string& plan_code) {
    const Date first = Day(2025, 1, 15);
    const Date last_assigned = Day(2030, 3, 31);
    const Date end = Day(2030, 12, 31);
    Task task;
    task.plan = plan;
    task.group = groups[r.Below(groups.size())];
    task.code = fmt::format("NV{:05}", number);
    const Words& verb = r.Pick(kTaskVerbs);
    const Words& object = r.Pick(kTaskObjects);
    task.title_vi = fmt::format("{} {}", verb.vi, object.vi);
    task.title_en = fmt::format("{} {}", verb.en, object.en);
    task.lead_unit = lead.id;
    for (int k = r.Between(0, 2); k > 0; --k) {
      const OrgUnitId peer = peers[r.Below(peers.size())].id;
      if (peer != lead.id &&
          std::find(task.coordinating_units.begin(), task.coordinating_units.end(), peer) ==
              task.coordinating_units.end()) {
        task.coordinating_units.push_back(peer);
      }
    }
    // Earlier years get more tasks: u^1.5 leans towards 2025-2026.
    const double u = r.Unit();
    task.assigned_on =
        first.AddDays(static_cast<int>(std::pow(u, 1.5) * last_assigned.DaysSince(first)));
    task.start = task.assigned_on;
    task.expected_output = r.Pick(kOutputs);
    task.priority = r.Chance(0.1) ? (r.Chance(0.3) ? 2 : 1) : 0;
    if (r.Chance(0.3)) task.indicators.push_back(specs_[r.Below(specs_.size())].indicator.id);
    task.classified = r.Chance(0.01);
    const bool recurring = r.Chance(0.08);
    if (recurring) {
      task.kind = TaskKind::kRecurring;
      task.cadence = r.Chance(0.7) ? PeriodType::kMonth : PeriodType::kQuarter;
    } else {
      task.deadline = std::min(end, task.assigned_on.AddDays(r.Between(30, 540)));
    }
    auto id = tx.PutTask(task);
    if (!id) return std::unexpected(id.error());
    ++summary_.tasks;
    events_.clear();
    auto event = [&](TaskEventKind kind, Date on, const std::string& actor) -> TaskEvent& {
      TaskEvent& e = events_.emplace_back();
      e.task = *id;
      e.kind = kind;
      e.on = on;
      e.actor = actor;
      return e;
    };
    if (recurring) {
      const bool cancel = r.Chance(0.05);
      const Date cancel_on = task.assigned_on.AddDays(r.Between(90, 720));
      for (Period p = Period::Containing(task.assigned_on, *task.cadence).Next(); p.end() <= end;
           p = p.Next()) {
        const Date on = p.end().AddDays(r.Between(1, 25));
        if (cancel && on >= cancel_on) break;
        if (!r.Chance(0.9)) continue;
        TaskEvent& e = event(TaskEventKind::kProgress, on, lead.leader);
        e.period = p;
        if (r.Chance(0.15)) e.difficulties = r.Pick(kDifficulties);
      }
      if (cancel) {
        event(TaskEventKind::kCancel, cancel_on, verifier).reason = r.Pick(kReasons);
      }
      return AppendEvents(tx);
    }
    // Deadline task: an outcome, then the ledger that leads to it.
    const Date assigned = task.assigned_on;
    Date deadline = *task.deadline;
    const double outcome = r.Unit();
    const bool cancelled = outcome >= 0.77 && outcome < 0.82;
    if (!cancelled && r.Chance(0.15)) {
      const int span = deadline.DaysSince(assigned);
      const Date on = assigned.AddDays(static_cast<int>(span * r.Uniform(0.5, 0.95)));
      const Date extended = std::min(end, deadline.AddDays(r.Between(30, 180)));
      if (extended > deadline && on > assigned) {
        TaskEvent& e = event(TaskEventKind::kAmend, on, verifier);
        e.new_deadline = extended;
        e.requested_by = lead.leader;
        e.reason = r.Pick(kReasons);
        if (r.Chance(0.2)) {
          const OrgUnitId peer = peers[r.Below(peers.size())].id;
          if (peer != lead.id) e.new_lead_unit = peer;
        }
        deadline = extended;
      }
    }
    const int span = std::max(1, deadline.DaysSince(assigned));
    std::optional<Date> completed;
    Date work_end = deadline.AddDays(60);  // an overdue task reports for a while, then stops
    if (outcome < 0.52) {
      completed = assigned.AddDays(std::max(1, static_cast<int>(span * r.Uniform(0.4, 1.0))));
    } else if (outcome < 0.67) {
      completed = deadline.AddDays(r.Between(1, 120));
    } else if (cancelled) {
      work_end = assigned.AddDays(std::max(1, static_cast<int>(span * r.Uniform(0.2, 0.9))));
    }
    if (completed) work_end = *completed;
    const int reports = r.Between(2, 7);
    const int top = completed ? 90 : (cancelled ? 50 : 70);
    for (int k = 1; k <= reports; ++k) {
      const Date on = assigned.AddDays(
          static_cast<int>(std::max(1, work_end.DaysSince(assigned)) * k / (reports + 1)));
      TaskEvent& e = event(TaskEventKind::kProgress, on, lead.leader);
      e.progress_percent = top * k / reports;
      if (r.Chance(0.2)) e.difficulties = r.Pick(kDifficulties);
      if (r.Chance(0.1)) e.proposals = r.Pick(kProposals);
    }
    if (cancelled) {
      event(TaskEventKind::kCancel, work_end, verifier).reason = r.Pick(kReasons);
    } else if (completed) {
      const std::string evidence =
          fmt::format("https://minhchung.example.gov.vn/{}/{}.pdf", plan_code, task.code);
      Date claim_on = completed->AddDays(r.Between(0, 5));
      auto claim = [&](Date on) {
        TaskEvent& e = event(TaskEventKind::kClaim, on, lead.leader);
        e.progress_percent = 100;
        e.completed_on = *completed;
        e.evidence = evidence;
      };
      claim(claim_on);
      if (r.Chance(0.1)) {
        const Date returned = claim_on.AddDays(r.Between(2, 10));
        event(TaskEventKind::kReturn, returned, verifier).reason = "Minh chứng chưa đầy đủ";
        claim_on = returned.AddDays(r.Between(3, 20));
        claim(claim_on);
      }
      if (!r.Chance(0.05)) {  // a few claims wait for verification
        event(TaskEventKind::kVerify, claim_on.AddDays(r.Between(2, 15)), verifier).completed_on =
            *completed;
      }
    }
    // Events were made in logical order; dates follow it except where an amendment falls late.
    std::stable_sort(events_.begin(), events_.end(),
                     [](const TaskEvent& a, const TaskEvent& b) { return a.on < b.on; });
    return AppendEvents(tx);
  }

  Status AppendEvents(Transaction& tx) {
    for (const TaskEvent& e : events_) {
      if (auto s = tx.AppendTaskEvent(e); !s) return s;
      ++summary_.task_events;
    }
    return {};
  }

  // ---- values ----

  std::uint64_t ExpectedValues() const {
    std::uint64_t total = 0;
    for (const IndicatorSpec& spec : specs_) total += ReportingUnits(spec).size() * kMonths;
    return total;
  }

  // The units that report `spec`, in id order.
  std::vector<std::pair<OrgUnitId, double>> ReportingUnits(const IndicatorSpec& spec) const {
    std::vector<std::pair<OrgUnitId, double>> units;
    if (spec.rule == Rule::kRatio) return units;
    switch (spec.level) {
      case Level::kCommune:
        for (const ProvinceRef& p : units_.provinces) {
          for (const UnitRef& c : p.communes) units.push_back({c.id, 1.0});
        }
        if (spec.villages) {
          for (const ProvinceRef& p : units_.provinces) {
            for (const UnitRef& v : p.villages) units.push_back({v.id, 0.2});
          }
        }
        break;
      case Level::kDepartment:
        for (const ProvinceRef& p : units_.provinces) {
          units.push_back({p.departments[spec.department_slot % p.departments.size()].id,
                           LevelScale(Level::kDepartment)});
        }
        break;
      case Level::kProvince:
        for (const ProvinceRef& p : units_.provinces) {
          units.push_back({p.unit.id, LevelScale(Level::kProvince)});
        }
        break;
    }
    return units;
  }

  Status Flush(std::uint64_t total) {
    if (batch_.empty()) return {};
    auto tx = store_.Begin();
    if (!tx) return std::unexpected(tx.error());
    if (auto s = (*tx)->PutDataValues(batch_); !s) return s;
    if (auto s = (*tx)->Commit(); !s) return s;
    summary_.values += batch_.size();
    batch_.clear();
    Progress("values", summary_.values, total);
    return {};
  }

  Status WriteValues() {
    const std::uint64_t total = ExpectedValues();
    batch_.reserve(options_.values_per_transaction);
    std::vector<Period> months{Period::Of(PeriodType::kMonth, 2025, 1)};
    while (months.size() < kMonths) months.push_back(months.back().Next());
    Series series{};
    Series partner{};
    for (const IndicatorSpec& spec : specs_) {
      for (const auto& [unit, scale] : ReportingUnits(spec)) {
        Random r(StreamSeed(options_.seed, spec.stream, static_cast<std::uint64_t>(unit.value)));
        if (spec.rule == Rule::kDenominator) {
          FillPair(scale, r, series, partner);
        } else if (spec.rule == Rule::kNumerator) {
          FillPair(scale, r, partner, series);
        } else {
          FillSeries(spec.rule, scale, r, series);
        }
        for (int m = 0; m < kMonths; ++m) {
          DataValue& v = batch_.emplace_back();
          v.indicator = spec.indicator.id;
          v.unit = unit;
          v.period = months[m];
          v.value = series[m];
          v.state = ValueState::kApproved;
          v.stored_by = kStoredBy;
          if (batch_.size() >= options_.values_per_transaction) {
            if (auto s = Flush(total); !s) return s;
          }
        }
      }
    }
    return Flush(total);
  }

  Store& store_;
  const GenerateOptions& options_;
  const Shape shape_;
  GenerateSummary summary_;
  Units units_;
  std::vector<IndicatorSpec> specs_;
  std::vector<TaskEvent> events_;
  std::vector<DataValue> batch_;
};

}  // namespace

std::string_view GenerateScaleName(GenerateScale scale) {
  switch (scale) {
    case GenerateScale::kProvince:
      return "province";
    case GenerateScale::kNational:
      return "national";
    case GenerateScale::kVillages:
      break;
  }
  return "villages";
}

Result<GenerateScale> ParseGenerateScale(std::string_view text) {
  for (GenerateScale scale :
       {GenerateScale::kProvince, GenerateScale::kNational, GenerateScale::kVillages}) {
    if (text == GenerateScaleName(scale)) return scale;
  }
  return InvalidArgument("unknown scale '" + std::string(text) +
                         "' (expected province, national or villages)");
}

Result<GenerateSummary> Generate(Store& store, const GenerateOptions& options) {
  if (options.values_per_transaction == 0) {
    return InvalidArgument("values_per_transaction must be positive");
  }
  Writer writer(store, options);
  return writer.Run();
}

}  // namespace planwatch
