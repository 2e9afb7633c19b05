#!/usr/bin/env python3
"""Writes the Son La demo province as import CSVs (see docs/import-formats.md).

Deterministic: a fixed seed and no clock or environment input, so running it twice gives
byte-identical files. Standard library only. After writing, it reads the files back and checks
the figures that `planwatch init --demo` must reproduce (see README.md); any mismatch aborts.

    python3 data/demo/make_demo.py            # writes next to this script
    python3 data/demo/make_demo.py --out DIR  # writes elsewhere
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys
import unicodedata

SEED = 57  # Resolution 57-NQ/TW
PLAN = "333-KH/TU"
FRAMEWORK = "KHUNG-01-CV/BCĐTW"
D_CHECK = dt.date(2025, 12, 31)  # the date of the seeds' "124 of 169 (73.3%)"
TODAY = dt.date(2026, 10, 31)  # the demo's "now": nothing happens after this date

rng = random.Random(SEED)


def d(s):
    return dt.date.fromisoformat(s)


def iso(x):
    return x.isoformat() if x else ""


def fold(text):
    """ASCII key of a Vietnamese name: 'Chiềng Cơi' -> 'CHIENGCOI'."""
    t = text.replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFD", t)
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Mn")
    return "".join(ch for ch in t.upper() if ch.isalnum())


# ----------------------------------------------------------------------------------------------
# Org units
# ----------------------------------------------------------------------------------------------

# Wards and communes after Resolution 1681/NQ-UBTVQH15 of 16 June 2025 (in force 1 July 2025):
# 8 wards and 67 communes. Grouped by the former district only to make the data plausible
# (remote highland communes report later and reach targets later); districts are not units.
WARDS = ["Tô Hiệu", "Chiềng An", "Chiềng Cơi", "Chiềng Sinh",
         "Mộc Châu", "Mộc Sơn", "Vân Sơn", "Thảo Nguyên"]
COMMUNES_BY_AREA = {
    "Mộc Châu": ["Đoàn Kết", "Lóng Sập", "Chiềng Sơn", "Tân Yên"],
    "Vân Hồ": ["Vân Hồ", "Song Khủa", "Tô Múa", "Xuân Nha"],
    "Quỳnh Nhai": ["Quỳnh Nhai", "Mường Chiên", "Mường Giôn", "Mường Sại"],
    "Thuận Châu": ["Thuận Châu", "Chiềng La", "Nậm Lầu", "Muổi Nọi", "Mường Khiêng", "Co Mạ",
                   "Bình Thuận", "Mường É", "Long Hẹ", "Mường Bám"],
    "Mường La": ["Mường La", "Chiềng Lao", "Mường Bú", "Chiềng Hoa", "Ngọc Chiến"],
    "Bắc Yên": ["Bắc Yên", "Tà Xùa", "Tạ Khoa", "Xím Vàng", "Pắc Ngà", "Chiềng Sại"],
    "Phù Yên": ["Phù Yên", "Gia Phù", "Tường Hạ", "Mường Cơi", "Mường Bang", "Tân Phong",
                "Kim Bon", "Suối Tọ"],
    "Yên Châu": ["Yên Châu", "Chiềng Hặc", "Lóng Phiêng", "Yên Sơn", "Phiêng Khoài"],
    "Mai Sơn": ["Chiềng Mai", "Mai Sơn", "Phiêng Pằn", "Chiềng Mung", "Phiêng Cằm",
                "Mường Chanh", "Tà Hộc", "Chiềng Sung"],
    "Sông Mã": ["Bó Sinh", "Chiềng Khương", "Mường Hung", "Chiềng Khoong", "Mường Lầm",
                "Nậm Ty", "Sông Mã", "Huổi Một", "Chiềng Sơ"],
    "Sốp Cộp": ["Sốp Cộp", "Púng Bánh", "Mường Lạn", "Mường Lèo"],
}
# Highland communes far from the centre: later, harder, fewer signals.
REMOTE = ["Xím Vàng", "Pắc Ngà", "Tà Xùa", "Ngọc Chiến", "Chiềng Hoa", "Mường Lạn", "Mường Lèo",
          "Púng Bánh", "Huổi Một", "Nậm Ty", "Chiềng Khoong", "Mường Lầm", "Kim Bon", "Suối Tọ",
          "Tân Phong", "Mường Bang", "Co Mạ", "Long Hẹ", "Mường Giôn", "Mường Chiên",
          "Song Khủa", "Xuân Nha", "Phiêng Khoài", "Chiềng Sơ", "Mường É", "Chiềng Lao",
          "Tạ Khoa", "Bó Sinh"]

# code, name_vi, name_en, type, parent, leader_name, leader_title, valid_from
CENTRAL_UNITS = [
    ("VN", "Trung ương", "Central", "central", "", "", "", ""),
    ("VN-BCDTW",
     "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
     "Central Steering Committee for Science, Technology, Innovation and Digital Transformation",
     "committee", "VN", "Tô Lâm", "Tổng Bí thư, Trưởng Ban Chỉ đạo", "2025-01-10"),
    ("VN-VPTW", "Văn phòng Trung ương Đảng", "Central Party Office", "other", "VN", "", "", ""),
    ("SL", "Tỉnh Sơn La", "Son La Province", "province", "VN", "Lò Văn Mạnh",
     "Chủ tịch Ủy ban nhân dân tỉnh", ""),
    ("SL-BCD",
     "Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Sơn La",
     "Son La Provincial Steering Committee for Science, Technology, Innovation and Digital "
     "Transformation", "committee", "SL", "Hoàng Minh Đức", "Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo",
     ""),
    ("SL-HDTV",
     "Hội đồng tư vấn về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Sơn La",
     "Son La Provincial Advisory Council on Science, Technology, Innovation and Digital "
     "Transformation", "committee", "SL-BCD", "Lò Văn Mạnh",
     "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng", "2025-09-20"),
    ("SL-VPTU", "Văn phòng Tỉnh ủy", "Provincial Party Committee Office", "department", "SL",
     "Cầm Văn Tuấn", "Chánh Văn phòng Tỉnh ủy", ""),
    ("SL-BTCTU", "Ban Tổ chức Tỉnh ủy", "Provincial Party Organisation Commission", "department",
     "SL", "Đinh Thị Thu Hà", "Trưởng Ban Tổ chức Tỉnh ủy", ""),
    ("SL-BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy",
     "Provincial Party Commission for Information, Education and Mass Mobilisation", "department",
     "SL", "Lường Văn Thắng", "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", "2025-03-01"),
    ("SL-UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy", "Provincial Party Inspection Commission",
     "department", "SL", "Quàng Văn Hải", "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy", ""),
    ("SL-VPUB", "Văn phòng Ủy ban nhân dân tỉnh", "Provincial People's Committee Office",
     "department", "SL", "Nguyễn Thị Minh Hằng", "Chánh Văn phòng UBND tỉnh", ""),
    ("SL-SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology",
     "department", "SL", "Vì Văn Khiêm", "Giám đốc Sở", "2025-03-01"),
    ("SL-SNV", "Sở Nội vụ", "Department of Home Affairs", "department", "SL", "Trần Văn Hòa",
     "Giám đốc Sở", "2025-03-01"),
    ("SL-STC", "Sở Tài chính", "Department of Finance", "department", "SL", "Lê Quang Vinh",
     "Giám đốc Sở", "2025-03-01"),
    ("SL-SGDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training", "department",
     "SL", "Hà Thị Thu Trang", "Giám đốc Sở", ""),
    ("SL-SYT", "Sở Y tế", "Department of Health", "department", "SL", "Bùi Đức Thắng",
     "Giám đốc Sở", ""),
    ("SL-SCT", "Sở Công Thương", "Department of Industry and Trade", "department", "SL",
     "Tòng Văn Lợi", "Giám đốc Sở", ""),
    ("SL-SNNMT", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment",
     "department", "SL", "Nguyễn Hữu Dũng", "Giám đốc Sở", "2025-03-01"),
    ("SL-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch",
     "Department of Culture, Sports and Tourism", "department", "SL", "Lò Thị Thanh Hương",
     "Giám đốc Sở", ""),
    ("SL-SXD", "Sở Xây dựng", "Department of Construction", "department", "SL",
     "Phạm Văn Long", "Giám đốc Sở", "2025-03-01"),
    ("SL-STP", "Sở Tư pháp", "Department of Justice", "department", "SL", "Mè Thị Lan",
     "Giám đốc Sở", ""),
    ("SL-SDTTG", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religions",
     "department", "SL", "Lường Văn Pản", "Giám đốc Sở", "2025-03-01"),
    ("SL-TTT", "Thanh tra tỉnh", "Provincial Inspectorate", "department", "SL",
     "Đỗ Mạnh Cường", "Chánh Thanh tra tỉnh", ""),
    ("SL-CA", "Công an tỉnh", "Provincial Police", "department", "SL", "Nguyễn Quang Bình",
     "Giám đốc Công an tỉnh", ""),
    ("SL-TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh",
     "Provincial Public Administration Service Centre", "department", "SL",
     "Vũ Thị Hồng Nhung", "Giám đốc Trung tâm", ""),
    ("SL-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
     "Provincial Committee of the Vietnam Fatherland Front", "department", "SL",
     "Cầm Thị Phong", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", ""),
    ("SL-BAOPTTH", "Báo và Phát thanh, Truyền hình Sơn La",
     "Son La Newspaper, Radio and Television", "other", "SL", "Nguyễn Thanh Tùng",
     "Tổng Biên tập", ""),
    ("SL-TK", "Thống kê tỉnh Sơn La", "Son La Statistics Office", "other", "SL",
     "Lê Thị Hải Yến", "Trưởng Thống kê tỉnh", ""),
    ("SL-TTDMST", "Trung tâm Hỗ trợ đổi mới sáng tạo và chuyển đổi số",
     "Centre for Innovation and Digital Transformation Support", "other", "SL-SKHCN",
     "Hoàng Anh Tuấn", "Giám đốc Trung tâm", "2025-10-25"),
    ("SL-DHTB", "Trường Đại học Tây Bắc", "Tay Bac University", "other", "SL", "", "", ""),
    ("SL-VNPT", "Viễn thông Sơn La (VNPT)", "VNPT Son La", "other", "SL", "", "", ""),
    ("SL-VIETTEL", "Viettel Sơn La", "Viettel Son La", "other", "SL", "", "", ""),
    ("SL-BUUDIEN", "Bưu điện tỉnh Sơn La", "Son La Provincial Post Office", "other", "SL", "",
     "", ""),
]
DEPT_NAME = {u[0]: u[1] for u in CENTRAL_UNITS}
LEADER = {u[0]: u[5] for u in CENTRAL_UNITS}

# Communes closed by the July 2025 arrangement (a sample: two merges of Mộc Châu town).
OLD_COMMUNES = [
    ("SL-OLD-CHIENGCHUNG", "Xã Chiềng Chung", "Chieng Chung Commune", "Đoàn Kết"),
    ("SL-OLD-DOANKET", "Xã Đoàn Kết", "Doan Ket Commune", "Đoàn Kết"),
    ("SL-OLD-CHIENGKHUA", "Xã Chiềng Khừa", "Chieng Khua Commune", "Lóng Sập"),
    ("SL-OLD-LONGSAP", "Xã Lóng Sập", "Long Sap Commune", "Lóng Sập"),
]


class Commune:
    def __init__(self, name, ward, area):
        self.name = name
        self.ward = ward
        self.area = area
        self.key = fold(name)
        self.code = ("SL-W-" if ward else "SL-C-") + self.key
        self.name_vi = ("Phường " if ward else "Xã ") + name
        ascii_name = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
        ascii_name = "".join(ch for ch in ascii_name if unicodedata.category(ch) != "Mn")
        self.name_en = ascii_name + (" Ward" if ward else " Commune")
        self.remote = name in REMOTE
        # Villages (bản, tiểu khu) or residential groups (tổ dân phố).
        self.villages = rng.randint(16, 24) if ward else rng.randint(18, 52)
        if self.remote:
            self.villages += rng.randint(4, 12)
        self.weight = self.villages * (1.6 if ward else (0.8 if self.remote else 1.0))


COMMUNES = [Commune(n, True, "Sơn La" if i < 4 else "Mộc Châu") for i, n in enumerate(WARDS)]
for area, names in COMMUNES_BY_AREA.items():
    COMMUNES += [Commune(n, False, area) for n in names]
BY_NAME = {c.name: c for c in COMMUNES}
BY_NAME["Chiềng An"].villages = 27  # seed 001: 27 community digital technology teams
BY_NAME["Chiềng An"].weight = 27 * 1.6
CU = {c.code: c for c in COMMUNES}


def unit_rows():
    rows = []
    for code, vi, en, typ, parent, lname, ltitle, vfrom in CENTRAL_UNITS:
        rows.append(dict(code=code, name_vi=vi, name_en=en, type=typ, parent_code=parent,
                         leader_name=lname, leader_title=ltitle, valid_from=vfrom, valid_to="",
                         successor_codes=""))
    for c in COMMUNES:
        lname, ltitle = "", ""
        if c.name == "Chiềng An":
            lname, ltitle = "Trần Công Chính", "Bí thư Đảng ủy phường"
        rows.append(dict(code=c.code, name_vi=c.name_vi, name_en=c.name_en,
                         type="ward" if c.ward else "commune", parent_code="SL",
                         leader_name=lname, leader_title=ltitle, valid_from="2025-07-01",
                         valid_to="", successor_codes=""))
    for code, vi, en, succ in OLD_COMMUNES:
        rows.append(dict(code=code, name_vi=vi, name_en=en, type="commune", parent_code="SL",
                         leader_name="", leader_title="", valid_from="", valid_to="2025-06-30",
                         successor_codes=BY_NAME[succ].code))
    return rows


# ----------------------------------------------------------------------------------------------
# Directives, plans, task groups
# ----------------------------------------------------------------------------------------------

DIRECTIVES = [
    ("57-NQ/TW", "resolution", "Bộ Chính trị", "2024-12-22",
     "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
     "quốc gia",
     "Resolution on breakthroughs in science, technology, innovation and national digital "
     "transformation", ""),
    ("204-QĐ/TW", "decision", "Ban Bí thư", "2024-11-29",
     "Quyết định phê duyệt Đề án Chuyển đổi số trong các cơ quan Đảng",
     "Decision approving the Project on Digital Transformation in Party Agencies", ""),
    ("03/NQ-CP", "resolution", "Chính phủ", "2025-01-09",
     "Nghị quyết ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số "
     "57-NQ/TW",
     "Resolution issuing the Government's action programme to implement Resolution 57-NQ/TW", ""),
    ("229-QĐ/TW", "decision", "Bộ Chính trị", "2025-01-10",
     "Quyết định thành lập Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới "
     "sáng tạo và chuyển đổi số",
     "Decision establishing the Central Steering Committee for Science, Technology, Innovation "
     "and Digital Transformation", ""),
    ("230-QĐ/TW", "regulation", "Bộ Chính trị", "2025-01-10",
     "Quy định chức năng, nhiệm vụ, quyền hạn, chế độ làm việc, quan hệ công tác của Ban Chỉ "
     "đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
     "Regulation on the functions, tasks, powers, working regime and relations of the Central "
     "Steering Committee", ""),
    ("193/2025/QH15", "resolution", "Quốc hội", "2025-02-19",
     "Nghị quyết thí điểm một số cơ chế, chính sách đặc biệt tạo đột phá phát triển khoa học, "
     "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
     "Resolution piloting special mechanisms and policies for breakthroughs in science, "
     "technology, innovation and national digital transformation", ""),
    ("01-CV/BCĐTW", "dispatch", "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, "
     "đổi mới sáng tạo và chuyển đổi số", "2025-03-25",
     "Công văn về việc xây dựng Kế hoạch hành động thực hiện Nghị quyết số 57-NQ/TW tại địa "
     "phương (kèm Khung Kế hoạch hành động của Tỉnh ủy, Thành ủy)",
     "Dispatch on developing local action plans to implement Resolution 57-NQ/TW (with the "
     "action plan framework for provincial Party Committees)",
     "https://ubkttw.vn/danh-muc/tin-tuc-thoi-su/khan-truong-xay-dung-ban-hanh-ke-hoach-hanh-"
     "dong-thuc-hien-nghi-quyet-so-57-nq-tw-tai-dia-phuong.html"),
    ("333-KH/TU", "plan", "Tỉnh ủy Sơn La", "2025-05-07",
     "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá "
     "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
     "Plan to implement Politburo Resolution 57-NQ/TW of 22 December 2024 on breakthroughs in "
     "science, technology, innovation and national digital transformation", ""),
    ("1681/NQ-UBTVQH15", "resolution", "Ủy ban Thường vụ Quốc hội", "2025-06-16",
     "Nghị quyết về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Sơn La năm 2025",
     "Resolution on the arrangement of commune-level administrative units of Son La province "
     "in 2025", ""),
]

GROUPS = [
    ("N1", "Lãnh đạo, chỉ đạo", "Leadership and direction"),
    ("N2", "Nâng cao nhận thức, quyết tâm chính trị; thông tin, truyền thông",
     "Awareness, political determination, information and communication"),
    ("N3", "Hoàn thiện thể chế, chính sách tạo đột phá, bảo đảm nguồn lực",
     "Institutions and policies for breakthroughs and adequate resources"),
    ("N4", "Xây dựng chiến lược phát triển hạ tầng số, ứng dụng và dịch vụ số",
     "Strategy for digital infrastructure, applications and digital services"),
    ("N5", "Chiến lược tổng thể 10 năm phát triển hệ sinh thái khởi nghiệp, đổi mới sáng tạo, "
     "hỗ trợ nghiên cứu và phát triển",
     "10-year strategy for the startup, innovation and research-and-development ecosystem"),
    ("N6", "Chiến lược 5 năm phát triển nguồn nhân lực chất lượng cao",
     "5-year strategy for high-quality human resources"),
    ("N7", "Chuyển đổi số, phát triển kinh tế số cấp tỉnh",
     "Provincial digital transformation and digital economy"),
    ("N8", "Bảo đảm an ninh mạng và chủ quyền số", "Cybersecurity and digital sovereignty"),
    ("N9", "Thúc đẩy hợp tác, liên kết vùng và quốc tế",
     "Regional and international cooperation and linkage"),
    ("N10", "Giám sát, đánh giá và tuyên truyền", "Monitoring, evaluation and dissemination"),
]

# ----------------------------------------------------------------------------------------------
# Texts used in task updates
# ----------------------------------------------------------------------------------------------

# Difficulties reported with progress, each with the proposal that usually goes with it.
DIFFICULTY = {
    "fund": ("Kinh phí thực hiện chưa được bố trí kịp thời trong dự toán năm 2025.",
             "Đề nghị Sở Tài chính tham mưu bố trí bổ sung kinh phí."),
    "staff": ("Nhân lực chuyên trách về chuyển đổi số còn thiếu; cán bộ kiêm nhiệm nhiều việc sau "
              "sắp xếp tổ chức bộ máy.",
              "Đề nghị Sở Nội vụ bố trí đủ công chức chuyên trách chuyển đổi số."),
    "signal": ("Nhiều bản vùng sâu, vùng xa chưa có sóng di động và Internet băng rộng.",
               "Đề nghị các doanh nghiệp viễn thông ưu tiên lắp đặt trạm phát sóng tại các bản "
               "chưa có sóng."),
    "equipment": ("Trang thiết bị công nghệ thông tin tại trụ sở sau sắp xếp chưa đồng bộ, đường "
                  "truyền chưa ổn định.",
                  "Đề nghị hỗ trợ thiết bị đầu cuối và nâng cấp đường truyền cho trụ sở xã."),
    "skills": ("Kỹ năng số của người dân, nhất là đồng bào dân tộc thiểu số, còn hạn chế.",
               "Đề nghị biên soạn tài liệu hướng dẫn bằng tiếng Thái, tiếng Mông và tăng cường "
               "hoạt động của Tổ công nghệ số cộng đồng."),
    "data": ("Dữ liệu còn phân tán, chưa được chuẩn hóa, làm sạch; việc kết nối, chia sẻ giữa các "
             "hệ thống còn hạn chế.",
             "Đề nghị ban hành hướng dẫn thống nhất danh mục dữ liệu dùng chung."),
    "guidance": ("Đang chờ văn bản hướng dẫn của các bộ, ngành Trung ương.",
                 "Đề nghị Sở Khoa học và Công nghệ tổng hợp, báo cáo Bộ Khoa học và Công nghệ "
                 "hướng dẫn."),
    "procurement": ("Thủ tục đầu tư, mua sắm kéo dài so với kế hoạch.",
                    "Đề nghị áp dụng cơ chế phân cấp, rút gọn thủ tục phê duyệt theo Nghị quyết số "
                    "193/2025/QH15."),
    "business": ("Doanh nghiệp, hợp tác xã còn e ngại, thiếu nhân lực vận hành gian hàng trực "
                 "tuyến.",
                 "Đề nghị hỗ trợ đào tạo kỹ năng bán hàng trực tuyến cho hợp tác xã."),
    "workload": ("Khối lượng công việc lớn, trùng thời điểm sắp xếp đơn vị hành chính và vận hành "
                 "chính quyền địa phương hai cấp.",
                 "Đề nghị Ban Chỉ đạo tỉnh xem xét cho gia hạn thời gian hoàn thành."),
}


def difficulty_pool(task):
    """The difficulties a task's lead unit plausibly reports."""
    lead, group = task["lead_unit_code"], task["group_code"]
    if lead in CU or lead.startswith("SL-OLD-"):
        return ["signal", "equipment", "skills", "staff", "fund"]
    if lead in ("SL-SCT", "SL-SNNMT") or group == "N5":
        return ["business", "fund", "data", "guidance"]
    if group == "N4":
        return ["data", "procurement", "fund", "guidance"]
    if group in ("N7", "N8"):
        return ["procurement", "fund", "staff", "data"]
    return ["guidance", "staff", "workload", "fund"]


RETURN_REASONS = [
    "Minh chứng chưa đầy đủ: chưa có quyết định thành lập và danh sách thành viên các tổ.",
    "Sản phẩm chưa đáp ứng yêu cầu: kế hoạch chưa có chỉ tiêu, lộ trình và phân công cụ thể.",
    "Đề nghị bổ sung biên bản nghiệm thu và báo cáo kết quả.",
]
VERIFIER = "Phạm Quốc Chính"  # Deputy Director of the Department of Science and Technology
DST_DIRECTOR = LEADER["SL-SKHCN"]
PPC_CHAIR = LEADER["SL"]
PARTY_SECRETARY = LEADER["SL-BCD"]


def evidence_link(code):
    return "https://minhchung.sonla.example/333-KH-TU/" + code.lower().replace(".", "-") + ".pdf"


# ----------------------------------------------------------------------------------------------
# Tasks of Plan 333-KH/TU
# ----------------------------------------------------------------------------------------------

class Spec:
    """What happens to a task. c: completed_on; claim/v: claim and verify dates (v=None: never
    verified by TODAY); ret: (return_date, reason, reclaim_date); amend: [(date, new_deadline,
    reason, requested_by)]; cancel: (date, reason); corr: verify corrects completed_on;
    expect: status on D_CHECK (None for tasks assigned after it)."""

    def __init__(self, expect=None, c=None, claim=None, v="auto", ret=None, amend=(),
                 cancel=None, corr=None):
        self.expect = expect
        self.c = d(c) if c else None
        self.claim = d(claim) if claim else None
        self.v = v if v in ("auto", None) else d(v)
        self.ret = (d(ret[0]), ret[1], d(ret[2]) if ret[2] else None) if ret else None
        self.amend = [(d(a), d(b), r, q) for a, b, r, q in amend]
        self.cancel = (d(cancel[0]), cancel[1]) if cancel else None
        self.corr = d(corr) if corr else None


TASKS = []  # dicts with the CSV fields plus "spec"


def T(code, group, title_vi, title_en, lead, coord, assigned, deadline, output, spec,
      indicators="", priority=0, parent="", description="", classified=False):
    TASKS.append(dict(code=code, group_code=group, title_vi=title_vi, title_en=title_en,
                      description=description, parent_code=parent, lead_unit_code=lead,
                      coordinating_unit_codes=coord, kind="deadline", assigned_on=assigned,
                      start=assigned, deadline=deadline, cadence="", expected_output=output,
                      priority=priority, indicator_codes=indicators,
                      classified="true" if classified else "false", spec=spec))


def R(code, group, title_vi, title_en, lead, coord, assigned, cadence, output, indicators="",
      missing=()):
    TASKS.append(dict(code=code, group_code=group, title_vi=title_vi, title_en=title_en,
                      description="", parent_code="", lead_unit_code=lead,
                      coordinating_unit_codes=coord, kind="recurring", assigned_on=assigned,
                      start=assigned, deadline="", cadence=cadence, expected_output=output,
                      priority=0, indicator_codes=indicators, classified="false",
                      spec=None, missing=set(missing)))


OK, LATE, RUN, OVER = "done_on_time", "done_late", "in_progress_on_time", "overdue"
M15 = "2025-05-15"  # the detailed assignment of tasks after Plan 333-KH/TU

# --- N1 Leadership and direction ---------------------------------------------------------------
T("1.01", "N1", "Kiện toàn Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và "
  "chuyển đổi số tỉnh Sơn La",
  "Restructure the Son La Steering Committee for Science, Technology, Innovation and Digital "
  "Transformation", "SL-VPTU", "SL-BTCTU;SL-SKHCN", "2025-05-07", "2025-05-31",
  "Quyết định kiện toàn Ban Chỉ đạo; danh sách thành viên", Spec(OK, c="2025-05-26"),
  priority=2, description="Kiện toàn Ban Chỉ đạo do đồng chí Bí thư Tỉnh ủy làm Trưởng ban, "
  "phù hợp với mô hình Ban Chỉ đạo Trung ương.")
T("1.02", "N1", "Ban hành Quy chế làm việc và phân công nhiệm vụ thành viên Ban Chỉ đạo",
  "Issue the Steering Committee's working rules and assign its members' duties", "SL-VPTU",
  "SL-SKHCN", "2025-05-07", "2025-06-15", "Quy chế làm việc; Thông báo phân công",
  Spec(OK, c="2025-06-09"))
T("1.03", "N1", "Thành lập Hội đồng tư vấn cấp tỉnh, mời các chuyên gia, nhà khoa học, nhà quản "
  "lý có uy tín trong và ngoài nước tham gia tư vấn cho Ban Chỉ đạo",
  "Establish a provincial advisory council of reputable experts, scientists and managers from "
  "within and outside the country to advise the Steering Committee", "SL-SKHCN",
  "SL-VPUB;SL-SNV", M15, "2025-08-31", "Quyết định thành lập Hội đồng tư vấn; quy chế hoạt động",
  Spec(LATE, c="2025-09-20", v="2025-09-29"), priority=1)
T("1.04", "N1", "Xây dựng cơ chế phối hợp liên ngành, đa cấp trong triển khai Nghị quyết số "
  "57-NQ/TW", "Develop an inter-sectoral, multi-level coordination mechanism for implementing "
  "Resolution 57-NQ/TW", "SL-SKHCN", "SL-VPTU;SL-VPUB;SL-SNV", M15, "2025-07-31",
  "Quy chế phối hợp giữa các cơ quan, đơn vị và UBND các xã, phường", Spec(OK, c="2025-07-24"))
T("1.05", "N1", "Xây dựng kế hoạch chi tiết với phân công cụ thể, thời hạn hoàn thành và chỉ số "
  "đánh giá", "Build a detailed action plan with specific assignments, deadlines and evaluation "
  "indicators", "SL-SKHCN", "SL-VPUB;SL-STC", M15, "2025-06-30",
  "Danh mục nhiệm vụ, chỉ tiêu và phân công thực hiện", Spec(OK, c="2025-06-20"), priority=2)
T("1.06", "N1", "Gắn trách nhiệm người đứng đầu với kết quả thực hiện; đưa kết quả vào đánh giá, "
  "xếp loại tổ chức và cá nhân", "Link leaders' accountability directly to implementation "
  "results and use them in annual evaluation and rating", "SL-SNV", "SL-BTCTU;SL-SKHCN", M15,
  "2025-11-30", "Văn bản hướng dẫn tiêu chí đánh giá, xếp loại gắn với kết quả thực hiện",
  Spec(LATE, c="2025-12-12", v="2025-12-19"))
T("1.07", "N1", "Tích hợp nội dung Nghị quyết số 57-NQ/TW vào chiến lược, quy hoạch, kế hoạch "
  "phát triển kinh tế - xã hội của tỉnh", "Integrate Resolution 57-NQ/TW into the province's "
  "socio-economic development strategies, planning and plans", "SL-STC", "SL-SKHCN;SL-VPUB",
  M15, "2025-10-31", "Kế hoạch phát triển kinh tế - xã hội năm 2026 có nội dung Nghị quyết 57",
  Spec(OK, c="2025-10-28"))
T("1.08", "N1", "Bố trí ít nhất 01 công chức chuyên trách khoa học, công nghệ và chuyển đổi số "
  "tại các cơ quan chuyên môn và UBND các xã, phường", "Assign at least one official dedicated "
  "to science, technology and digital transformation in each department and commune",
  "SL-SNV", "SL-SKHCN", "2025-06-10", "2025-09-30",
  "Danh sách công chức chuyên trách của 75 xã, phường và các sở", Spec(OK, c="2025-09-22"))
T("1.09", "N1", "Xây dựng Đề án Chuyển đổi số trong các cơ quan Đảng tỉnh Sơn La giai đoạn "
  "2025–2028", "Develop the Project on Digital Transformation in Party Agencies of Son La, "
  "2025–2028", "SL-VPTU", "SL-SKHCN;SL-CA", M15, "2025-08-31",
  "Đề án được Ban Thường vụ Tỉnh ủy ban hành", Spec(OK, c="2025-08-12"), priority=1)
T("1.10", "N1", "Thành lập Trung tâm Hỗ trợ đổi mới sáng tạo và chuyển đổi số",
  "Establish the Centre for Innovation and Digital Transformation Support", "SL-SKHCN",
  "SL-SNV;SL-STC", M15, "2025-10-31", "Quyết định thành lập Trung tâm",
  Spec(OK, c="2025-10-25"))

# --- N2 Awareness, information and communication -----------------------------------------------
T("2.01", "N2", "Tổ chức hội nghị học tập, quán triệt, triển khai Nghị quyết số 57-NQ/TW đến "
  "cán bộ, đảng viên", "Hold conferences to study and disseminate Resolution 57-NQ/TW to cadres "
  "and Party members", "SL-BTGDV", "SL-VPTU", "2025-05-07", "2025-06-30",
  "Hội nghị quán triệt cấp tỉnh; báo cáo kết quả", Spec(OK, c="2025-06-18"))
T("2.02", "N2", "Ban hành Kế hoạch tuyên truyền Nghị quyết số 57-NQ/TW năm 2025",
  "Issue the 2025 plan for communicating Resolution 57-NQ/TW", "SL-BTGDV", "SL-SKHCN",
  "2025-05-07", "2025-05-31", "Kế hoạch tuyên truyền năm 2025", Spec(OK, c="2025-05-22"))
T("2.03", "N2", "Mở chuyên trang, chuyên mục về khoa học, công nghệ, đổi mới sáng tạo và chuyển "
  "đổi số trên các phương tiện thông tin đại chúng", "Strengthen communication on science, "
  "technology, innovation and digital transformation through a dedicated section in the mass "
  "media", "SL-BAOPTTH", "SL-BTGDV;SL-SKHCN", M15, "2025-07-31",
  "Chuyên mục trên báo in, báo điện tử, phát thanh, truyền hình", Spec(OK, c="2025-07-01"))
T("2.04", "N2", "Tổ chức hội thảo chuyên đề, tọa đàm chuyên sâu về khoa học, công nghệ, đổi mới "
  "sáng tạo và chuyển đổi số", "Organise specialised conferences and in-depth seminars on "
  "science, technology, innovation and digital transformation", "SL-SKHCN", "SL-DHTB;SL-BTGDV",
  M15, "2025-10-31", "02 hội thảo chuyên đề; kỷ yếu", Spec(OK, c="2025-10-16"))
T("2.05", "N2", "Tổ chức Cuộc thi tìm hiểu kiến thức, kỹ năng về khoa học, công nghệ, đổi mới "
  "sáng tạo và chuyển đổi số trên địa bàn tỉnh", "Organise a provincial contest on knowledge and "
  "skills in science, technology, innovation and digital transformation", "SL-BTGDV",
  "SL-SKHCN;SL-SGDDT", "2025-06-10", "2025-11-30", "Cuộc thi trực tuyến; quyết định khen thưởng",
  Spec(OVER, c="2025-12-15", claim="2025-12-18", v="2026-01-08"))
T("2.06", "N2", "Ban hành Kế hoạch triển khai Phong trào \"Bình dân học vụ số\"",
  "Issue the plan for the \"Digital Literacy Movement for the People\"", "SL-SKHCN",
  "SL-BTGDV;SL-SGDDT;SL-MTTQ", "2025-06-10", "2025-07-31", "Kế hoạch của Ban Thường vụ Tỉnh ủy",
  Spec(OK, c="2025-07-18"), priority=1)
T("2.07", "N2", "Tuyên truyền trực quan: pano, áp phích, khẩu hiệu về chuyển đổi số tại nơi công "
  "cộng, khu đông dân cư", "Visual communication: billboards, posters and slogans on digital "
  "transformation in public places", "SL-SVHTTDL", "SL-BTGDV", M15, "2025-09-30",
  "Hệ thống pano, áp phích tại trung tâm các xã, phường", Spec(LATE, c="2025-10-20"))
T("2.08", "N2", "Xây dựng Trang chuyển đổi số của tỉnh trên nền tảng số và mạng xã hội "
  "(Facebook, Zalo, YouTube)", "Run the province's digital transformation page on digital "
  "platforms and social networks (Facebook, Zalo, YouTube)", "SL-SKHCN", "SL-BAOPTTH", M15,
  "2025-08-31", "Trang thông tin và các kênh mạng xã hội đang hoạt động", Spec(OK, c="2025-08-05"))
T("2.09", "N2", "Khen thưởng, nhân rộng các điển hình tiên tiến trong thực hiện Nghị quyết số "
  "57-NQ/TW", "Commend and replicate good examples in implementing Resolution 57-NQ/TW",
  "SL-SNV", "SL-SKHCN;SL-MTTQ", M15, "2025-12-31", "Quyết định khen thưởng tập thể, cá nhân",
  Spec(RUN, c="2025-12-22", claim="2025-12-29", v="2026-01-12"))

# --- N3 Institutions and policies --------------------------------------------------------------
T("3.01", "N3", "Trình HĐND tỉnh Nghị quyết miễn, giảm phí, lệ phí khi thực hiện dịch vụ công "
  "trực tuyến", "Submit to the Provincial People's Council a resolution waiving and reducing fees "
  "for online public services", "SL-STC", "SL-TTPVHCC;SL-STP", M15, "2025-09-30",
  "Nghị quyết của HĐND tỉnh", Spec(OK, c="2025-09-12"), priority=1)
T("3.02", "N3", "Trình HĐND tỉnh cơ chế, chính sách đặc thù thu hút, trọng dụng nhân lực khoa "
  "học, công nghệ, đổi mới sáng tạo và chuyển đổi số", "Submit specific policies to attract and "
  "use human resources in science, technology, innovation and digital transformation",
  "SL-SNV", "SL-STC;SL-STP", M15, "2025-10-31", "Nghị quyết của HĐND tỉnh",
  Spec(LATE, c="2025-12-10", v="2025-12-17"))
T("3.03", "N3", "Trình HĐND tỉnh Nghị quyết hỗ trợ kinh phí hoạt động của Tổ công nghệ số cộng "
  "đồng ở xã, phường", "Submit a resolution on financial support for community digital "
  "technology teams in communes and wards", "SL-STC", "SL-SKHCN", M15, "2025-10-31",
  "Nghị quyết của HĐND tỉnh", Spec(OK, c="2025-10-14"))
T("3.04", "N3", "Phân cấp, ủy quyền, giao quyền tự chủ phê duyệt đầu tư, mua sắm, thực hiện "
  "nhiệm vụ khoa học, công nghệ và chuyển đổi số", "Decentralise and delegate authority for "
  "approving investment, procurement and science, technology and digital transformation tasks",
  "SL-SKHCN", "SL-STC;SL-STP", M15, "2025-09-30", "Quyết định phân cấp của UBND tỉnh",
  Spec(OK, c="2025-09-26"))
T("3.05", "N3", "Rà soát, cắt giảm, đơn giản hóa thủ tục hành chính trong lĩnh vực khoa học, "
  "công nghệ và chuyển đổi số", "Review, cut and simplify administrative procedures in science, "
  "technology and digital transformation", "SL-VPUB", "SL-STP;SL-SKHCN", M15, "2025-12-31",
  "Quyết định thông qua phương án đơn giản hóa", Spec(OK, c="2025-12-05"))
T("3.06", "N3", "Bố trí tối thiểu 3% tổng chi ngân sách cho khoa học, công nghệ, đổi mới sáng "
  "tạo và chuyển đổi số trong dự toán năm 2026", "Allocate at least 3% of total budget "
  "expenditure to science, technology, innovation and digital transformation in the 2026 "
  "budget", "SL-STC", "SL-SKHCN", M15, "2025-12-15", "Dự toán ngân sách năm 2026",
  Spec(OK, c="2025-12-10"), indicators="NQ57_STI_BUDGET_SHARE", priority=1)
T("3.07", "N3", "Ban hành quy định khoán chi thực hiện nhiệm vụ khoa học và công nghệ",
  "Issue rules for lump-sum funding of science and technology tasks", "SL-SKHCN", "SL-STC",
  M15, "2025-11-30", "Quyết định của UBND tỉnh",
  Spec(OVER, c="2026-03-20", v="2026-03-31"))
T("3.08", "N3", "Rà soát văn bản quy phạm pháp luật của tỉnh liên quan đến khoa học, công nghệ, "
  "đổi mới sáng tạo và chuyển đổi số", "Review provincial legal documents related to science, "
  "technology, innovation and digital transformation", "SL-STP", "SL-SKHCN", M15, "2025-08-31",
  "Báo cáo rà soát; danh mục văn bản cần sửa đổi", Spec(OK, c="2025-08-22"))

# --- N4 Digital infrastructure, applications and services --------------------------------------
T("4.01", "N4", "Xây dựng kế hoạch thực hiện Chiến lược phát triển hạ tầng số, ứng dụng số và "
  "dịch vụ số", "Develop an implementation plan for the strategy on digital infrastructure, "
  "digital applications and digital services", "SL-SKHCN", "SL-SXD;SL-VNPT;SL-VIETTEL", M15,
  "2025-09-30", "Kế hoạch của UBND tỉnh", Spec(OK, c="2025-09-19"))
T("4.02", "N4", "Xây dựng kế hoạch thực hiện Chiến lược tổng thể 10 năm phát triển hạ tầng số "
  "đồng bộ, hiện đại, an toàn, bền vững", "Formulate a plan to implement the 10-year master "
  "strategy on synchronized, modern, secure and resilient digital infrastructure", "SL-SKHCN",
  "SL-SXD;SL-STC", M15, "2025-12-31", "Kế hoạch 10 năm của UBND tỉnh",
  Spec(RUN, c="2025-12-24", claim="2025-12-26",
       ret=("2026-01-09", RETURN_REASONS[1], "2026-02-05"), v="2026-02-12"))
T("4.03", "N4", "Rà soát danh mục cơ sở dữ liệu dùng chung của tỉnh đã công bố; xây dựng, hoàn "
  "thiện các cơ sở dữ liệu thuộc danh mục", "Review the list of shared provincial databases "
  "already published; build and complete the databases in that list", "SL-SKHCN",
  "SL-SNV;SL-STC;SL-SNNMT;SL-SYT;SL-SGDDT", M15, "2025-11-30",
  "Danh mục CSDL dùng chung được cập nhật; các CSDL hoàn thành", Spec(LATE, c="2025-12-16"))
T("4.04", "N4", "Bảo đảm cung cấp 100% dữ liệu mở theo kế hoạch đã ban hành",
  "Ensure 100% open data provision according to the issued plan", "SL-SKHCN",
  "SL-VPUB;SL-STC;SL-SNNMT", M15, "2025-12-31", "Các bộ dữ liệu mở trên Cổng dữ liệu mở của tỉnh",
  Spec(RUN, c="2025-12-26", claim="2025-12-29", v="2026-01-07"), indicators="OPEN_DATASETS")
T("4.05", "N4", "Phủ sóng di động 4G cho các bản chưa có sóng", "Provide 4G coverage to villages "
  "without mobile signal", "SL-SKHCN", "SL-VNPT;SL-VIETTEL;SL-STC", M15, "2025-10-31",
  "Các trạm phát sóng mới; danh sách bản được phủ sóng",
  Spec(OK, c="2025-12-10", v="2025-12-18",
       amend=[("2025-10-24", "2025-12-15", "Chậm bàn giao mặt bằng lắp đặt trạm BTS tại các bản "
               "vùng cao; mùa mưa lũ gây sạt lở đường vào công trình.", DST_DIRECTOR)]),
  indicators="VILLAGES_4G_NEW", priority=1)
T("4.06", "N4", "Đưa vào vận hành Trung tâm Giám sát, điều hành thông minh (IOC) của tỉnh",
  "Put the provincial Smart Monitoring and Management Centre (IOC) into operation", "SL-SKHCN",
  "SL-VPUB;SL-CA;SL-SXD;SL-SVHTTDL", M15, "2025-09-30",
  "IOC tích hợp giám sát kinh tế - xã hội, đô thị, du lịch, môi trường, an ninh",
  Spec(RUN, c="2026-06-25", v="2026-07-03",
       amend=[("2025-09-12", "2025-12-31", "Chờ bổ sung kinh phí và hoàn thiện đường truyền kết "
               "nối dữ liệu từ các sở, ngành.", DST_DIRECTOR),
              ("2026-01-20", "2026-06-30", "Trung tâm đang vận hành thử nghiệm; cần thêm thời "
               "gian tích hợp dữ liệu du lịch, môi trường và an ninh.", DST_DIRECTOR)]),
  priority=2)
T("4.07", "N4", "Triển khai hệ thống họp trực tuyến kết nối đến 75 xã, phường",
  "Connect the online meeting system to the 75 communes and wards", "SL-VPUB",
  "SL-SKHCN;SL-VNPT", "2025-06-10", "2025-07-15", "Điểm cầu trực tuyến tại 75 xã, phường",
  Spec(OK, c="2025-06-30"), priority=2)
T("4.08", "N4", "Triển khai phòng họp không giấy tờ tại các cơ quan Đảng, chính quyền cấp tỉnh",
  "Deploy paperless meeting rooms in provincial Party and government agencies", "SL-VPTU",
  "SL-VPUB;SL-SKHCN", M15, "2025-09-30", "Phòng họp không giấy tờ được đưa vào sử dụng",
  Spec(OK, c="2025-08-28"))
T("4.09", "N4", "Rà soát, cập nhật, sắp xếp lại hệ thống thông tin, cơ sở dữ liệu phục vụ chính "
  "quyền địa phương hai cấp", "Review, update and reorganise information systems and databases "
  "for the two-level local government", "SL-SKHCN", "SL-VPUB", "2025-06-10", "2025-09-30",
  "Báo cáo rà soát; hệ thống thông tin cập nhật theo đơn vị hành chính mới",
  Spec(LATE, c="2025-11-20"), priority=1)
T("4.10", "N4", "Tích hợp 100% dịch vụ công trực tuyến lên Cổng Dịch vụ công quốc gia",
  "Integrate 100% of online public services into the National Public Service Portal",
  "SL-TTPVHCC", "SL-SKHCN;SL-VPUB", M15, "2025-09-30", "Danh mục dịch vụ công đã tích hợp",
  Spec(OK, c="2025-09-25"), indicators="DVC_INTEGRATED_RATE")
T("4.11", "N4", "Tăng số thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
  "Increase the number of fully online administrative procedures", "SL-VPUB",
  "SL-TTPVHCC;SL-SKHCN", M15, "2025-12-31", "Quyết định công bố danh mục thủ tục toàn trình",
  Spec(OK, c="2025-12-15"), indicators="DVC_FULL_ONLINE")
T("4.12", "N4", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt trên 90%",
  "Digitise administrative procedure records and results (rate above 90%)", "SL-VPUB",
  "SL-TTPVHCC", M15, "2025-12-31", "Báo cáo tỷ lệ số hóa của các sở, ngành, xã, phường",
  Spec(OK, c="2025-12-20", v="2025-12-30"), indicators="DIGITIZATION_RATE")
T("4.13", "N4", "Nâng cấp Cổng dữ liệu mở tỉnh Sơn La", "Upgrade the Son La open data portal",
  "SL-SKHCN", "SL-VNPT", M15, "2025-08-31", "Cổng dữ liệu mở phiên bản mới",
  Spec(OK, c="2025-08-20", claim="2025-08-22", corr="2025-08-18"), indicators="OPEN_DATASETS")
T("4.14", "N4", "Xây dựng nền tảng điện toán đám mây và trung tâm dữ liệu của tỉnh",
  "Build the province's cloud platform and data centre", "SL-SKHCN", "SL-STC;SL-VNPT;SL-VIETTEL",
  "2025-07-15", "2026-06-30", "Nền tảng điện toán đám mây đưa vào vận hành",
  Spec(RUN, c="2026-06-20", v="2026-06-30"))
T("4.15", "N4", "Triển khai giải quyết thủ tục hành chính không phụ thuộc địa giới hành chính",
  "Process administrative procedures regardless of administrative boundaries", "SL-TTPVHCC",
  "SL-VPUB;SL-CA", "2025-06-10", "2025-08-31", "Danh mục thủ tục không phụ thuộc địa giới",
  Spec(OK, c="2025-07-28"))
T("4.16", "N4", "Khảo sát, đề xuất xây dựng Khu công nghệ thông tin tập trung của tỉnh",
  "Survey and propose a concentrated information technology zone for the province", "SL-SKHCN",
  "SL-SXD;SL-STC", M15, "2025-11-30", "Báo cáo đề xuất",
  Spec(OVER, cancel=("2026-04-10", "Chưa đủ điều kiện về quỹ đất và nhà đầu tư; Ban Chỉ đạo thống "
                     "nhất lồng ghép vào quy hoạch tỉnh giai đoạn 2026–2030.")))

# --- N5 Startup, innovation and R&D ecosystem --------------------------------------------------
T("5.01", "N5", "Xây dựng kế hoạch 10 năm thực hiện Chiến lược tổng thể phát triển hệ sinh thái "
  "khởi nghiệp, đổi mới sáng tạo, hỗ trợ nghiên cứu và phát triển", "Develop a 10-year plan for "
  "the master strategy on the startup and innovation ecosystem and support for research and "
  "development", "SL-SKHCN", "SL-DHTB;SL-SCT;SL-STC", M15, "2025-12-31", "Kế hoạch 10 năm",
  Spec(RUN, c="2026-02-10", v="2026-02-24"))
T("5.02", "N5", "Triển khai nhiệm vụ khoa học và công nghệ phục vụ nông nghiệp công nghệ cao",
  "Carry out science and technology projects for high-tech agriculture", "SL-SKHCN",
  "SL-SNNMT;SL-DHTB", "2025-07-15", "2026-12-31", "Các mô hình ứng dụng được nghiệm thu",
  Spec(RUN))
T("5.03", "N5", "Hỗ trợ xác lập, bảo hộ quyền sở hữu trí tuệ cho sản phẩm đặc sản của tỉnh",
  "Support the registration and protection of intellectual property for local specialities",
  "SL-SKHCN", "SL-SNNMT;SL-SCT", M15, "2025-12-31", "Văn bằng bảo hộ được cấp",
  Spec(OK, c="2025-11-26"))
T("5.04", "N5", "Tổ chức Ngày hội khởi nghiệp đổi mới sáng tạo tỉnh Sơn La năm 2025",
  "Hold the 2025 Son La innovative startup festival", "SL-SKHCN", "SL-SGDDT;SL-DHTB;SL-SCT", M15,
  "2025-11-30", "Ngày hội và báo cáo kết quả", Spec(OK, c="2025-11-15"))
T("5.05", "N5", "Hỗ trợ doanh nghiệp đổi mới quy trình sản xuất, nâng cao năng suất, chất lượng",
  "Support enterprises in innovating production processes and improving productivity and "
  "quality", "SL-SKHCN", "SL-SCT", M15, "2025-10-31", "20 doanh nghiệp được hỗ trợ",
  Spec(OVER), indicators="NQ57_INNOVATIVE_ENTERPRISES")
T("5.06", "N5", "Kết nối Trường Đại học Tây Bắc với doanh nghiệp trong nghiên cứu, chuyển giao "
  "công nghệ", "Link Tay Bac University with enterprises in research and technology transfer",
  "SL-SKHCN", "SL-DHTB;SL-SCT", M15, "2025-12-31", "Thỏa thuận hợp tác; danh mục đề tài đặt hàng",
  Spec(OK, c="2025-11-18", claim="2025-11-20",
       ret=("2025-11-28", RETURN_REASONS[2], "2025-12-15"), v="2025-12-22"))

# --- N6 High-quality human resources -----------------------------------------------------------
T("6.01", "N6", "Xây dựng Chiến lược 5 năm phát triển nguồn nhân lực chất lượng cao",
  "Formulate a 5-year strategy for the development of high-quality human resources", "SL-SNV",
  "SL-SGDDT;SL-SKHCN;SL-DHTB", M15, "2025-09-30", "Chiến lược được UBND tỉnh phê duyệt",
  Spec(RUN, c="2026-03-27", v="2026-04-06",
       amend=[("2025-10-20", "2026-03-31", "Chờ hướng dẫn của Bộ Nội vụ về khung chiến lược nhân "
               "lực sau sắp xếp tổ chức bộ máy.", "Trần Văn Hòa")]), priority=1)
T("6.02", "N6", "Đào tạo cán bộ phụ trách chuyển đổi số và cán bộ tiếp nhận, giải quyết thủ tục "
  "hành chính tại các sở, ngành và 75 xã, phường", "Train officials in charge of digital "
  "transformation and officials handling administrative procedures in departments and the 75 "
  "communes and wards", "SL-SNV", "SL-SKHCN;SL-TTPVHCC", "2025-06-10", "2025-08-31",
  "Các lớp tập huấn; danh sách học viên", Spec(OK, c="2025-08-29"),
  indicators="OFFICIALS_TRAINED")
T("6.03", "N6", "Tập huấn công chức cấp xã sau sắp xếp sử dụng các nền tảng số dùng chung",
  "Train commune officials after the reorganisation to use the shared digital platforms",
  "SL-SKHCN", "SL-VPUB;SL-VNPT", "2025-06-10", "2025-07-31", "Lớp tập huấn trực tuyến đến 75 xã",
  Spec(OK, c="2025-07-05"), indicators="OFFICIALS_TRAINED")
T("6.04", "N6", "Đưa nội dung kỹ năng số, giáo dục STEM vào các trường phổ thông",
  "Bring digital skills and STEM education into schools", "SL-SGDDT", "SL-SKHCN", M15,
  "2025-12-31", "Kế hoạch giáo dục STEM năm học 2025–2026", Spec(OK, c="2025-09-05"))
T("6.05", "N6", "Tuyển dụng, thu hút nhân lực công nghệ thông tin cho các cơ quan nhà nước",
  "Recruit and attract IT staff for state agencies", "SL-SNV", "SL-SKHCN", M15, "2025-10-31",
  "Kết quả tuyển dụng", Spec(OVER))
T("6.06", "N6", "Đào tạo nghề, kỹ năng số cho lao động nông thôn",
  "Vocational and digital-skills training for rural workers", "SL-SNV", "SL-SNNMT;SL-MTTQ", M15,
  "2025-12-31", "Các lớp đào tạo; số lao động được đào tạo", Spec(OK, c="2025-12-19"))

# --- N7 Digital transformation and digital economy ---------------------------------------------
T("7.01", "N7", "Xây dựng Kế hoạch chuyển đổi số và phát triển kinh tế số của tỉnh",
  "Develop the provincial plan for digital transformation and digital economy development",
  "SL-SKHCN", "SL-STC;SL-SCT;SL-TK", M15, "2025-10-31", "Kế hoạch của UBND tỉnh",
  Spec(LATE, c="2025-11-25"), indicators="NQ57_DIGITAL_ECONOMY_GDP", priority=1)
T("7.02", "N7", "Xây dựng Sàn thương mại điện tử Sơn La", "Build the Son La e-commerce platform",
  "SL-SCT", "SL-SKHCN;SL-SNNMT;SL-VNPT", M15, "2025-08-31", "Sàn thương mại điện tử vận hành",
  Spec(OK, c="2025-10-15",
       amend=[("2025-08-20", "2025-10-31", "Bổ sung tính năng thanh toán trực tuyến và kết nối "
               "đơn vị vận chuyển theo góp ý của doanh nghiệp.", "Tòng Văn Lợi")]),
  indicators="ECOM_BUSINESSES;ECOM_PRODUCTS", priority=1)
T("7.03", "N7", "Đưa sản phẩm OCOP, nông sản chủ lực lên sàn thương mại điện tử",
  "List OCOP products and key farm produce on the e-commerce platform", "SL-SCT",
  "SL-SNNMT", "2025-08-01", "2025-12-31", "60 sản phẩm được lựa chọn đưa lên sàn",
  Spec(OK, c="2025-12-12"), indicators="ECOM_PRODUCTS")
T("7.04", "N7", "Tổ chức các phiên livestream quảng bá, tiêu thụ nông sản mùa xoài, mận",
  "Hold livestream events promoting mango and plum sales", "SL-SCT", "SL-SNNMT;SL-BAOPTTH", M15,
  "2025-07-31", "Các phiên livestream; sản lượng tiêu thụ", Spec(OK, c="2025-07-10"))
T("7.05", "N7", "Hỗ trợ doanh nghiệp ứng dụng công nghệ số trong sản xuất, kinh doanh",
  "Support businesses to apply digital technology in production and business", "SL-SCT",
  "SL-SKHCN;SL-STC", M15, "2025-12-31", "Khoảng 30% doanh nghiệp ứng dụng công nghệ số",
  Spec(OK, c="2025-12-18", v="2025-12-29"), indicators="BIZ_DIGITAL_RATE")
T("7.06", "N7", "Thanh toán không dùng tiền mặt trong giáo dục, y tế và an sinh xã hội",
  "Cashless payments in education, health and social welfare", "SL-STC",
  "SL-SGDDT;SL-SYT;SL-SNV", M15, "2025-12-31", "Báo cáo tỷ lệ thanh toán không dùng tiền mặt",
  Spec(OK, c="2025-11-28"), indicators="NQ57_CASHLESS")
T("7.07", "N7", "Duy trì, mở rộng mô hình trường học thông minh",
  "Maintain and expand the smart school model", "SL-SGDDT", "SL-SKHCN", M15, "2025-12-31",
  "Các trường đạt tiêu chí trường học thông minh", Spec(OK, c="2025-12-08"))
T("7.08", "N7", "Triển khai bệnh án điện tử, mô hình bệnh viện thông minh",
  "Roll out electronic medical records and the smart hospital model", "SL-SYT", "SL-SKHCN", M15,
  "2025-09-30", "Bệnh án điện tử tại các bệnh viện tuyến tỉnh", Spec(LATE, c="2025-11-28"))
T("7.09", "N7", "Hoàn thiện phần mềm du lịch thông minh Son La Tour",
  "Complete the Son La Tour smart tourism software", "SL-SVHTTDL", "SL-SKHCN", M15, "2025-10-31",
  "Ứng dụng Son La Tour trên kho ứng dụng", Spec(OK, c="2025-10-10"))
T("7.10", "N7", "Phối hợp với doanh nghiệp cấp chữ ký số công cộng cho người dân trưởng thành",
  "Work with businesses to provide public digital signatures to adult citizens", "SL-SKHCN",
  "SL-CA;SL-VNPT;SL-VIETTEL;SL-BUUDIEN", "2025-06-10", "2025-12-31",
  "Số chứng thư chữ ký số công cộng cấp cho người dân", Spec(OK, c="2025-12-26", v="2025-12-31"),
  indicators="PUBLIC_SIGNATURES")
T("7.11", "N7", "Trang bị thiết bị chữ ký số cho 100% cán bộ, công chức cơ quan Đảng",
  "Equip 100% of Party officials and civil servants with digital signature devices", "SL-VPTU",
  "SL-CA", M15, "2025-09-30", "Danh sách cấp phát thiết bị chữ ký số", Spec(OK, c="2025-09-15"))
T("7.12", "N7", "Thu thập, xác thực thông tin đảng viên, xây dựng cơ sở dữ liệu tổ chức đảng và "
  "đảng viên", "Collect and verify Party members' identities to build the database of Party "
  "organisations and members", "SL-BTCTU", "SL-CA;SL-VPTU", M15, "2025-12-31",
  "Cơ sở dữ liệu đảng viên được làm sạch",
  Spec(RUN, c="2025-12-27", claim="2025-12-30", v="2026-01-20"))
T("7.13", "N7", "Ứng dụng phần mềm quản lý đảng viên, hồ sơ, tài liệu, điều hành và tài sản trong "
  "các cấp ủy", "Use software to manage Party members, records, operations and assets in Party "
  "committees at all levels", "SL-VPTU", "SL-BTCTU", M15, "2025-12-31",
  "Phần mềm dùng chung được triển khai", Spec(OK, c="2025-10-30"))
T("7.14", "N7", "Thành lập Tổ công nghệ số cộng đồng tại 100% bản, tiểu khu, tổ dân phố",
  "Set up community digital technology teams in 100% of villages and residential groups",
  "SL-SKHCN", "SL-SNV;SL-MTTQ", "2025-07-10", "2025-12-31",
  "Tổ công nghệ số cộng đồng ở 75 xã, phường",
  Spec(RUN, c="2026-03-24", v="2026-03-31",
       amend=[("2026-01-15", "2026-03-31", "Một số xã vùng cao chưa hoàn thành do địa bàn rộng, "
               "nhiều bản chưa có sóng di động; đề nghị gia hạn đến hết quý I/2026.",
               DST_DIRECTOR)]), indicators="COMMUNITY_DT_TEAMS", priority=1)
T("7.15", "N7", "Triển khai Phong trào \"Bình dân học vụ số\" đến các xã, phường",
  "Launch the \"Digital Literacy Movement for the People\" in every commune and ward",
  "SL-SKHCN", "SL-SGDDT;SL-MTTQ;SL-BTGDV", "2025-07-20", "2025-12-31",
  "Lễ phát động tại 75 xã, phường", Spec(OK, c="2025-10-30"),
  indicators="PEOPLE_DIGITAL_SKILLS", priority=1)
T("7.16", "N7", "Chuyển đổi số trong nông nghiệp: truy xuất nguồn gốc, cấp mã số vùng trồng",
  "Digital transformation in agriculture: traceability and growing-area codes", "SL-SNNMT",
  "SL-SCT", M15, "2025-11-30", "Mã vùng trồng, tem truy xuất nguồn gốc", Spec(OK, c="2025-11-20"))
T("7.17", "N7", "Hoàn thiện, làm sạch cơ sở dữ liệu đất đai của tỉnh",
  "Complete and clean the provincial land database", "SL-SNNMT", "SL-SKHCN;SL-CA", M15,
  "2025-11-30", "Cơ sở dữ liệu đất đai kết nối với cơ sở dữ liệu quốc gia", Spec(OVER))
T("7.18", "N7", "Cấp Phiếu lý lịch tư pháp trực tuyến qua ứng dụng VNeID",
  "Issue criminal record certificates online through VNeID", "SL-STP", "SL-CA", M15,
  "2025-08-31", "Dịch vụ trực tuyến được triển khai", Spec(OK, c="2025-07-30"))

# --- N8 Cybersecurity and digital sovereignty --------------------------------------------------
T("8.01", "N8", "Phê duyệt cấp độ và bảo đảm an toàn cho 100% hệ thống thông tin của tỉnh",
  "Approve security levels and protect 100% of the province's information systems", "SL-SKHCN",
  "SL-CA", M15, "2025-12-31", "Hồ sơ đề xuất cấp độ được phê duyệt", Spec(OK, c="2025-12-16"))
T("8.02", "N8", "Tuyên truyền phòng, chống lừa đảo công nghệ cao, lừa đảo trên không gian mạng",
  "Campaign against high-tech fraud and cyber fraud", "SL-CA", "SL-BAOPTTH;SL-SKHCN", M15,
  "2025-10-31", "Tài liệu, video tuyên truyền; số lượt tiếp cận", Spec(OK, c="2025-10-08"))
T("8.03", "N8", "Diễn tập ứng cứu sự cố an toàn thông tin mạng cấp tỉnh",
  "Provincial cybersecurity incident response exercise", "SL-CA", "SL-SKHCN;SL-VNPT", M15,
  "2025-11-30", "Báo cáo kết quả diễn tập", Spec(OK, c="2025-11-21"))
T("8.04", "N8", "Triển khai giám sát an toàn thông tin tập trung (SOC) cho các hệ thống của tỉnh",
  "Deploy a security operations centre (SOC) for the province's systems", "SL-SKHCN",
  "SL-CA;SL-VIETTEL", "2025-08-01", "2026-06-30", "SOC kết nối với hệ thống giám sát quốc gia",
  Spec(RUN, c="2026-06-12", v="2026-06-22"))
T("8.05", "N8", "Bảo vệ bí mật nhà nước trong hoạt động chuyển đổi số",
  "Protect state secrets in digital transformation activities", "SL-CA", "SL-VPTU", M15,
  "2025-12-31", "Báo cáo kiểm tra", Spec(OK, c="2025-12-12"), classified=True)

# --- N9 Regional and international cooperation -------------------------------------------------
T("9.01", "N9", "Ký kết thỏa thuận hợp tác chuyển đổi số với các tập đoàn công nghệ",
  "Sign digital transformation cooperation agreements with technology groups", "SL-SKHCN",
  "SL-VPUB;SL-VNPT;SL-VIETTEL", M15, "2025-09-30", "Thỏa thuận hợp tác được ký kết",
  Spec(OK, c="2025-08-26"))
T("9.02", "N9", "Hợp tác với các tỉnh vùng trung du và miền núi phía Bắc về khoa học, công nghệ "
  "và đổi mới sáng tạo", "Cooperate with the northern midland and mountain provinces on science, "
  "technology and innovation", "SL-SKHCN", "SL-VPUB", "2025-08-01", "2026-06-30",
  "Chương trình hợp tác vùng", Spec(RUN, c="2026-05-28", v="2026-06-08"))
T("9.03", "N9", "Hợp tác với các tỉnh Bắc Lào trong ứng dụng khoa học, công nghệ",
  "Cooperate with northern Lao provinces on applying science and technology", "SL-VPUB",
  "SL-SKHCN", "2025-08-01", "2026-06-30", "Biên bản ghi nhớ hợp tác", Spec(RUN))

# --- N10 Monitoring, evaluation and dissemination ----------------------------------------------
T("10.01", "N10", "Xây dựng bộ chỉ số và hệ thống theo dõi, đánh giá kết quả thực hiện Nghị quyết "
  "theo thời gian thực", "Build the indicator set and a real-time system to monitor and evaluate "
  "implementation results", "SL-SKHCN", "SL-VPUB;SL-TK", M15, "2025-10-31",
  "Bộ chỉ số; hệ thống theo dõi trực tuyến", Spec(OK, c="2025-10-22"), priority=1)
T("10.02", "N10", "Sơ kết 6 tháng thực hiện Kế hoạch số 333-KH/TU",
  "Six-month interim review of Plan 333-KH/TU", "SL-SKHCN", "SL-VPTU", M15, "2025-11-30",
  "Báo cáo sơ kết", Spec(OK, c="2025-11-14"))
T("10.03", "N10", "Tổng kết năm 2025 thực hiện Nghị quyết số 57-NQ/TW",
  "2025 annual review of Resolution 57-NQ/TW", "SL-SKHCN", "SL-VPTU;SL-VPUB", M15,
  "2025-12-31", "Báo cáo tổng kết năm 2025", Spec(OK, c="2025-12-24", v="2025-12-30"))
T("10.04", "N10", "Kiểm tra, giám sát việc thực hiện Nghị quyết tại các cơ quan, đơn vị, xã, "
  "phường", "Inspect and supervise implementation in agencies, units, communes and wards",
  "SL-UBKTTU", "SL-SKHCN;SL-TTT", M15, "2025-12-31", "Báo cáo kết quả kiểm tra, giám sát",
  Spec(OK, c="2025-12-19"))
T("10.05", "N10", "Công khai kết quả thực hiện; tiếp nhận sáng kiến, ý kiến của người dân và "
  "doanh nghiệp", "Publish implementation results; receive initiatives and feedback from people "
  "and businesses", "SL-SKHCN", "SL-VPUB", M15, "2025-11-30",
  "Chuyên mục công khai kết quả trên Cổng thông tin điện tử tỉnh", Spec(OK, c="2025-11-10"))

# --- Cascade B: sector systems reviewed by departments -----------------------------------------
CASCADE_B = [
    ("SL-SNV", Spec(OK, c="2025-09-18")),
    ("SL-STC", Spec(OK, c="2025-09-24")),
    ("SL-SGDDT", Spec(OK, c="2025-08-29")),
    ("SL-SYT", Spec(LATE, c="2025-10-22")),
    ("SL-SNNMT", Spec(OVER, c="2026-02-26", v="2026-03-09")),
    ("SL-SXD", Spec(OVER, c="2025-12-20", claim="2025-12-23", v="2026-01-06")),
    ("SL-STP", Spec(OK, c="2025-09-10")),
]
for unit, spec in CASCADE_B:
    T("4.09." + unit[3:], "N4", "Rà soát, cập nhật hệ thống thông tin, cơ sở dữ liệu của ngành "
      "phục vụ chính quyền địa phương hai cấp", "Review and update the sector's information "
      "systems and databases for the two-level local government", unit, "SL-SKHCN",
      "2025-06-10", "2025-09-30", "Báo cáo rà soát; dữ liệu cập nhật theo 75 xã, phường", spec,
      parent="4.09")

# --- A pre-merger commune's task, done before the commune was merged ---------------------------
T("4.05.OLD-LONGSAP", "N4", "Rà soát, lập danh sách các bản chưa có sóng di động trên địa bàn xã",
  "List the villages of the commune without mobile signal", "SL-OLD-LONGSAP", "SL-VIETTEL",
  "2025-05-20", "2025-06-30", "Danh sách bản chưa có sóng", Spec(OK, c="2025-06-24", v="2025-07-08"),
  parent="4.05", indicators="VILLAGES_4G_NEW")

# --- Cascade A: community digital technology teams in the 75 communes and wards ----------------
def cascade_a_specs(n_done):
    """Outcome per commune for task 7.14's children; n_done are verified done by D_CHECK."""
    pool = [c for c in COMMUNES if c.remote]
    rng.shuffle(pool)
    not_done = pool[:75 - n_done]
    rest = [c for c in COMMUNES if c not in not_done]
    specs = {}
    # Not done on D: claimed in December and verified in January (4), returned in December and
    # re-claimed in January (1), returned in January after a December claim (1), overdue (the rest,
    # most finished in the first half of 2026; two extended after the deadline; one still open).
    for i, c in enumerate(not_done):
        if i < 4:
            comp = dt.date(2025, 12, 5 + 3 * i)
            specs[c.code] = Spec(OVER, c=iso(comp), claim=iso(comp + dt.timedelta(days=2)),
                                 v=iso(dt.date(2026, 1, 6 + 2 * i)))
        elif i == 4:
            specs[c.code] = Spec(OVER, c="2025-11-25", claim="2025-11-27",
                                 ret=("2025-12-08", RETURN_REASONS[0], "2026-01-12"),
                                 v="2026-01-19")
        elif i == 5:
            specs[c.code] = Spec(OVER, c="2025-12-19", claim="2025-12-22",
                                 ret=("2026-01-10", RETURN_REASONS[0], "2026-03-02"),
                                 v="2026-03-09")
        elif i in (6, 7):
            specs[c.code] = Spec(OVER, c="2026-11-30" if i == 7 else "2026-09-28",
                                 v="2026-10-08" if i == 6 else None,
                                 amend=[("2026-01-22", "2026-12-31", "Địa bàn rộng, nhiều bản chưa "
                                         "có sóng di động; chưa đủ thiết bị cho các tổ.",
                                         DST_DIRECTOR)])
        elif i == 8:
            specs[c.code] = Spec(OVER)
        else:
            comp = dt.date(2026, 1, 10) + dt.timedelta(days=9 * (i - 9))
            specs[c.code] = Spec(OVER, c=iso(comp))
    late_n = 12
    rng.shuffle(rest)
    wards_first = sorted(rest, key=lambda c: (not c.ward, c.name != "Chiềng An"))
    for i, c in enumerate(wards_first):
        if c.name == "Chiềng An":
            specs[c.code] = Spec(OK, c="2025-08-20", claim="2025-08-21", v="2025-08-28")
        elif i < len(wards_first) - late_n:
            comp = dt.date(2025, 8, 8) + dt.timedelta(days=rng.randint(0, 52))
            specs[c.code] = Spec(OK, c=iso(comp))
        else:
            comp = dt.date(2025, 10, 3) + dt.timedelta(days=rng.randint(0, 62))
            specs[c.code] = Spec(LATE, c=iso(comp))
    return specs


# --- Recurring ("regular, continuous") tasks ----------------------------------------------------
R("TX-01", "N2", "Tuyên truyền thường xuyên về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
  "số trên báo chí, phát thanh, truyền hình", "Regular communication on science, technology, "
  "innovation and digital transformation in the press, radio and television", "SL-BAOPTTH",
  "SL-BTGDV", "2025-05-15", "monthly", "Tin, bài, phóng sự hằng tháng",
  missing=("202511", "202605"))
R("TX-02", "N10", "Tổng hợp, báo cáo định kỳ tình hình thực hiện Kế hoạch số 333-KH/TU",
  "Periodic consolidated report on the implementation of Plan 333-KH/TU", "SL-SKHCN",
  "SL-VPTU", "2025-05-15", "monthly", "Báo cáo tháng gửi Ban Chỉ đạo")
R("TX-03", "N4", "Duy trì vận hành ổn định các hệ thống họp trực tuyến, quản lý văn bản, giải "
  "quyết thủ tục hành chính và báo cáo", "Keep the online meeting, document management, "
  "administrative procedure and reporting systems running", "SL-SKHCN", "SL-VPUB;SL-VNPT",
  "2025-05-15", "quarterly", "Báo cáo vận hành hằng quý")
R("TX-04", "N7", "Duy trì hoạt động Tổ công nghệ số cộng đồng hướng dẫn người dân sử dụng dịch vụ "
  "công trực tuyến", "Keep the community digital technology teams guiding people to use online "
  "public services", "SL-W-CHIENGAN", "SL-SKHCN", "2025-08-01", "monthly",
  "Số lượt người dân được hướng dẫn", indicators="PEOPLE_DIGITAL_SKILLS", missing=("202602",))
R("TX-05", "N7", "Tổ chức livestream quảng bá, kết nối tiêu thụ sản phẩm trên sàn thương mại điện "
  "tử", "Regular livestreams promoting and selling products on the e-commerce platform",
  "SL-SCT", "SL-SNNMT", "2025-07-01", "quarterly", "Các phiên livestream trong quý",
  indicators="ECOM_PRODUCTS")
R("TX-06", "N8", "Giám sát, bảo đảm an toàn thông tin cho các hệ thống thông tin của tỉnh",
  "Monitor and protect the security of the province's information systems", "SL-CA",
  "SL-SKHCN", "2025-05-15", "monthly", "Báo cáo giám sát an toàn thông tin",
  missing=("202608", "202609", "202610"))
R("TX-07", "N4", "Đôn đốc các cơ quan, đơn vị cung cấp, cập nhật dữ liệu mở trên Cổng dữ liệu mở "
  "của tỉnh", "Urge agencies to publish and update open data on the provincial portal",
  "SL-SKHCN", "SL-VPUB", "2025-06-01", "quarterly", "Số bộ dữ liệu mở mới công bố trong quý",
  indicators="OPEN_DATASETS")

# --- Tasks cancelled in 2025 (not counted in the 169) ------------------------------------------
DISTRICT_END = ("Chấm dứt hoạt động của cấp huyện từ ngày 01/7/2025 theo mô hình chính quyền địa "
                "phương hai cấp; nội dung được chuyển cho UBND các xã, phường thực hiện.")
T("1.11", "N1", "Hướng dẫn UBND các huyện, thành phố xây dựng kế hoạch chuyển đổi số cấp huyện "
  "năm 2025", "Guide the district people's committees to prepare district digital transformation "
  "plans for 2025", "SL-SKHCN", "SL-SNV", M15, "2025-07-31", "Văn bản hướng dẫn",
  Spec("cancelled", cancel=("2025-07-04", DISTRICT_END)))
T("4.17", "N4", "Nâng cấp cổng thông tin điện tử của các huyện, thành phố",
  "Upgrade the district web portals", "SL-SKHCN", "SL-VNPT", M15, "2025-09-30",
  "Cổng thông tin cấp huyện phiên bản mới", Spec("cancelled", cancel=("2025-07-04", DISTRICT_END)))
T("4.18", "N4", "Đầu tư hệ thống giao ban trực tuyến cấp huyện",
  "Invest in district online briefing systems", "SL-VPUB", "SL-SKHCN", M15, "2025-09-30",
  "Hệ thống giao ban cấp huyện", Spec("cancelled", cancel=("2025-07-10", DISTRICT_END)))
T("7.19", "N7", "Xây dựng phần mềm quản lý hồ sơ đảng viên riêng của tỉnh",
  "Build a provincial software for Party member records", "SL-VPTU", "SL-BTCTU", M15,
  "2025-12-31", "Phần mềm quản lý hồ sơ đảng viên",
  Spec("cancelled", cancel=("2025-09-15", "Sử dụng cơ sở dữ liệu đảng viên dùng chung do Trung ương "
                            "triển khai, tránh đầu tư trùng lặp.")))

# --- Tasks assigned in 2026 --------------------------------------------------------------------
J5 = "2026-01-05"
T("1.12", "N1", "Sơ kết một năm thực hiện Nghị quyết; ban hành Chương trình công tác năm 2026 của "
  "Ban Chỉ đạo", "One-year review; issue the Steering Committee's 2026 work programme",
  "SL-SKHCN", "SL-VPTU", J5, "2026-02-28", "Báo cáo sơ kết; Chương trình công tác năm 2026",
  Spec(c="2026-02-12"), priority=1)
T("4.19", "N4", "Hoàn thành số hóa, xây dựng nền tảng dữ liệu \"đúng, đủ, sạch, sống, thống nhất, "
  "dùng chung\"", "Complete digitisation and build an \"accurate, complete, clean, active, "
  "interconnected and synchronized\" data platform for reuse", "SL-SKHCN",
  "SL-VPUB;SL-SNNMT;SL-SNV", J5, "2026-12-31", "Nền tảng dữ liệu dùng chung của tỉnh",
  Spec(), indicators="DIGITIZATION_RATE", priority=2)
T("4.20", "N4", "Hoàn thiện kiến trúc số đồng bộ phục vụ người dân và doanh nghiệp",
  "Complete a synchronized digital architecture serving citizens and businesses", "SL-SKHCN",
  "SL-VPUB", J5, "2026-06-30", "Kiến trúc chính quyền số của tỉnh (cập nhật)",
  Spec(c="2026-07-14"))
T("4.21", "N4", "Kết nối dữ liệu camera an ninh, giao thông vào Trung tâm IOC",
  "Connect security and traffic camera data to the IOC", "SL-CA", "SL-SKHCN;SL-SXD", "2026-02-02",
  "2026-09-30", "Dữ liệu camera hiển thị trên IOC", Spec())
T("4.22", "N4", "Phủ sóng 4G cho các bản còn lại chưa có sóng di động",
  "Provide 4G coverage to the remaining villages without mobile signal", "SL-SKHCN",
  "SL-VNPT;SL-VIETTEL", J5, "2027-06-30", "Trạm phát sóng mới", Spec(),
  indicators="VILLAGES_4G_NEW")
T("3.09", "N3", "Hoàn thiện khung chính sách về khoa học, công nghệ, đổi mới sáng tạo và chuyển "
  "đổi số năm 2026", "Complete the 2026 policy framework for science, technology, innovation and "
  "digital transformation", "SL-STP", "SL-SKHCN;SL-STC", J5, "2026-06-30",
  "Các nghị quyết, quyết định được ban hành", Spec(c="2026-06-24"))
T("7.20", "N7", "Mở rộng mô hình trường học thông minh đến các trường trung học phổ thông",
  "Extend the smart school model to upper secondary schools", "SL-SGDDT", "SL-SKHCN", J5,
  "2026-08-31", "Các trường THPT đạt tiêu chí", Spec(c="2026-08-20"))
T("7.21", "N7", "Triển khai bệnh án điện tử tại 100% bệnh viện công lập",
  "Electronic medical records in 100% of public hospitals", "SL-SYT", "SL-SKHCN", J5, "2026-06-30",
  "Bệnh án điện tử tại các bệnh viện, trung tâm y tế", Spec(c="2026-08-14"))
T("7.22", "N7", "Nâng số doanh nghiệp, hợp tác xã tham gia Sàn thương mại điện tử Sơn La",
  "Bring more businesses and cooperatives onto the Son La e-commerce platform", "SL-SCT",
  "SL-SNNMT", J5, "2026-12-31", "100 doanh nghiệp, hợp tác xã trên sàn", Spec(),
  indicators="ECOM_BUSINESSES")
T("5.07", "N5", "Hỗ trợ các dự án khởi nghiệp đổi mới sáng tạo qua Trung tâm Hỗ trợ đổi mới sáng "
  "tạo và chuyển đổi số", "Support innovative startup projects through the Centre for Innovation "
  "and Digital Transformation Support", "SL-TTDMST", "SL-SKHCN;SL-DHTB", "2026-02-02",
  "2026-10-31", "10 dự án khởi nghiệp được hỗ trợ", Spec(c="2026-10-20", v=None))
T("6.07", "N6", "Đào tạo chuyên sâu về trí tuệ nhân tạo và dữ liệu cho đội ngũ chuyển đổi số",
  "Advanced training on artificial intelligence and data for digital transformation staff",
  "SL-SNV", "SL-SKHCN;SL-DHTB", "2026-03-02", "2026-09-30", "Các khóa đào tạo chuyên sâu",
  Spec(c="2026-09-25"), indicators="OFFICIALS_TRAINED")
T("8.06", "N8", "Kiểm tra, đánh giá an toàn thông tin các hệ thống cấp xã",
  "Audit the information security of commune-level systems", "SL-CA", "SL-SKHCN", "2026-03-02",
  "2026-06-30", "Báo cáo kiểm tra tại 75 xã, phường", Spec(c="2026-06-19"))
T("10.06", "N10", "Sơ kết 6 tháng đầu năm 2026 thực hiện Kế hoạch số 333-KH/TU",
  "Mid-2026 interim review of Plan 333-KH/TU", "SL-SKHCN", "SL-VPTU", "2026-06-01", "2026-07-31",
  "Báo cáo sơ kết 6 tháng", Spec(c="2026-07-24"))
T("2.10", "N2", "Phát động Cuộc thi sáng kiến chuyển đổi số năm 2026",
  "Launch the 2026 digital transformation initiatives contest", "SL-BTGDV", "SL-SKHCN;SL-MTTQ",
  "2026-04-01", "2027-03-31", "Cuộc thi và các sáng kiến được công nhận", Spec())
T("7.23", "N7", "Phổ cập kỹ năng số cơ bản cho người dân qua Phong trào \"Bình dân học vụ số\" "
  "năm 2026", "Basic digital skills for the people through the \"Digital Literacy Movement for "
  "the People\" in 2026", "SL-SKHCN", "SL-SGDDT;SL-MTTQ", J5, "2026-12-31",
  "Tỷ lệ người trưởng thành có kỹ năng số cơ bản", Spec(), indicators="PEOPLE_DIGITAL_SKILLS",
  priority=1)


# Descriptions, from the seeds' own sentences.
DESCRIPTIONS = {
    "1.03": "Mời các chuyên gia, nhà khoa học, nhà quản lý có uy tín trong và ngoài nước tham gia "
            "tư vấn kịp thời, hiệu quả cho Ban Chỉ đạo; Chủ tịch UBND tỉnh làm Chủ tịch Hội đồng.",
    "1.04": "Tăng cường sự tham gia của các cấp ủy, tổ chức và các chủ thể liên quan; phân công "
            "trách nhiệm rõ ràng, thời hạn thực hiện cụ thể.",
    "1.05": "Kế hoạch chi tiết với phân công cụ thể, thời hạn và chỉ số đánh giá; kết quả, sản "
            "phẩm theo tháng, quý, năm và giai đoạn.",
    "1.06": "Trách nhiệm của người đứng đầu được gắn trực tiếp với kết quả thực hiện.",
    "2.03": "Tăng cường thông tin, tuyên truyền trên các phương tiện thông tin đại chúng, tạo đồng "
            "thuận và khơi dậy tinh thần sáng tạo trong toàn xã hội.",
    "4.04": "Cung cấp đầy đủ các bộ dữ liệu mở của các ngành, lĩnh vực trên Cổng dữ liệu mở của "
            "tỉnh theo kế hoạch đã ban hành.",
    "4.06": "Tích hợp, giám sát các lĩnh vực kinh tế - xã hội, đô thị, du lịch, môi trường và an "
            "ninh.",
    "4.12": "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; giải quyết thủ tục không phụ "
            "thuộc địa giới hành chính, tạo thuận lợi cho người dân và doanh nghiệp.",
    "4.19": "Xây dựng nền tảng dữ liệu \"đúng, đủ, sạch, sống, thống nhất, dùng chung\" để tái sử "
            "dụng, cụ thể hóa Nghị quyết số 57-NQ/TW.",
    "7.02": "Kết nối, tiêu thụ sản phẩm, hàng hóa, nông sản của tỉnh qua sàn thương mại điện tử; "
            "tổ chức các phiên livestream quảng bá sản phẩm.",
    "7.10": "Phối hợp với các doanh nghiệp cung cấp dịch vụ chứng thực chữ ký số cấp chữ ký số "
            "công cộng cho người dân trưởng thành.",
    "7.12": "Công an các xã, phường thu thập, xác thực thông tin căn cước của đảng viên để xây dựng "
            "cơ sở dữ liệu tổ chức đảng và đảng viên.",
    "7.14": "Tổ công nghệ số cộng đồng trực tiếp xuống từng bản, tiểu khu hướng dẫn người dân sử "
            "dụng tiện ích số và dịch vụ công trực tuyến (đổi giấy phép lái xe, bảo hiểm y tế, tra "
            "cứu chính sách hỗ trợ), quảng bá sản phẩm trên mạng xã hội, phòng, chống lừa đảo công "
            "nghệ cao, lừa đảo trên không gian mạng.",
    "10.01": "Sử dụng dữ liệu và tiến độ theo thời gian thực làm thước đo đánh giá; công khai kết "
             "quả thực hiện.",
}


def cascade_c():
    """Task 7.23 cascaded to 16 communes in 2026."""
    picks = [c for c in COMMUNES if not c.ward]
    picks = sorted(picks, key=lambda c: c.key)
    rng.shuffle(picks)
    picks = picks[:16]
    for i, c in enumerate(sorted(picks, key=lambda c: c.key)):
        if i % 4 == 0:
            spec = Spec()  # still running (deadline passed: overdue as of TODAY)
        elif i % 4 == 1:
            spec = Spec(c=iso(dt.date(2026, 10, 2) + dt.timedelta(days=i)))  # late
        else:
            spec = Spec(c=iso(dt.date(2026, 8, 3) + dt.timedelta(days=3 * i)))
        T("7.23." + c.code[3:], "N7", "Hoàn thành phổ cập kỹ năng số cơ bản cho người trưởng thành "
          "trên địa bàn", "Complete basic digital skills training for adults in the locality",
          c.code, "SL-SKHCN", "2026-01-12", "2026-09-30",
          "Ít nhất 70% người trưởng thành có kỹ năng số cơ bản", spec, parent="7.23",
          indicators="PEOPLE_DIGITAL_SKILLS")


def add_cascade_a():
    counted_done = 0
    for t in TASKS:
        s = t["spec"]
        if s is None or t["kind"] != "deadline" or d(t["assigned_on"]) > D_CHECK:
            continue
        if s.expect in (OK, LATE):
            counted_done += 1
    specs = cascade_a_specs(124 - counted_done)
    for c in COMMUNES:
        T("7.14." + c.code[3:], "N7", "Thành lập Tổ công nghệ số cộng đồng tại các bản, tiểu khu, "
          "tổ dân phố", "Set up community digital technology teams in the villages and residential "
          "groups", c.code, "SL-SKHCN;SL-MTTQ", "2025-07-15", "2025-09-30",
          f"Quyết định thành lập {c.villages} tổ công nghệ số cộng đồng", specs[c.code],
          parent="7.14", indicators="COMMUNITY_DT_TEAMS")
    return specs


# ----------------------------------------------------------------------------------------------
# Task events
# ----------------------------------------------------------------------------------------------

def actor_of(unit_code):
    if unit_code in CU:
        c = CU[unit_code]
        return ("UBND phường " if c.ward else "UBND xã ") + c.name
    if unit_code.startswith("SL-OLD-"):
        return "UBND xã " + {u[0]: u[1] for u in OLD_COMMUNES}[unit_code][4:]
    return LEADER.get(unit_code) or DEPT_NAME.get(unit_code, unit_code)


def ev(task, kind, date, **kw):
    row = dict(plan_code=PLAN, task_code=task["code"], kind=kind, date=iso(date),
               progress_percent="", completed_on="", new_deadline="", period="", actor="",
               requested_by="", reason="", difficulties="", proposals="", evidence="")
    for k, v in kw.items():
        row[k] = iso(v) if isinstance(v, dt.date) else str(v)
    return row


def progress_rows(task, start, end, final_pct, troubled):
    """Progress updates strictly between start and end, about every six weeks."""
    rows = []
    span = (end - start).days
    if span < 12:
        return rows
    n = max(1, min(5, span // 45))
    for i in range(1, n + 1):
        day = start + dt.timedelta(days=span * i // (n + 1) + rng.randint(-3, 3))
        if not start < day < end:
            continue
        pct = max(5, min(95, round(final_pct * i / n / 5) * 5))
        diff, prop = "", ""
        if troubled and i >= n - 1 or rng.random() < 0.18:
            diff, prop = DIFFICULTY[rng.choice(difficulty_pool(task))]
            prop = prop if rng.random() < 0.75 else ""
        rows.append(ev(task, "progress", day, progress_percent=pct,
                       actor=actor_of(task["lead_unit_code"]), difficulties=diff, proposals=prop))
    return rows


def task_events(task):
    s = task["spec"]
    lead = task["lead_unit_code"]
    assigned = d(task["assigned_on"])
    if task["kind"] == "recurring":
        return recurring_events(task)
    rows = []
    claim = None
    if s.c:
        claim = s.claim or s.c + dt.timedelta(days=rng.randint(1, 4))
    stop = min(x for x in [claim, s.cancel[0] if s.cancel else None, TODAY + dt.timedelta(1)]
               if x)
    deadline_passed = d(task["deadline"]) < min(stop, TODAY)
    open_pct = 100 if claim else (60 if s.cancel else rng.choice([55, 65, 70, 80]))
    rows += progress_rows(task, assigned, stop, min(open_pct, 90),
                          troubled=deadline_passed or bool(s.amend) or s.expect == OVER)
    for a_date, new_deadline, reason, who in s.amend:
        rows.append(ev(task, "amend", a_date, new_deadline=new_deadline, reason=reason,
                       requested_by=who,
                       actor=PARTY_SECRETARY if lead in ("SL-VPTU", "SL-BTCTU") else PPC_CHAIR))
    if s.cancel:
        rows.append(ev(task, "cancel", s.cancel[0], reason=s.cancel[1], actor=DST_DIRECTOR))
    if claim and claim <= TODAY:
        rows.append(ev(task, "claim", claim, completed_on=s.c, progress_percent=100,
                       actor=actor_of(lead), evidence=evidence_link(task["code"])))
        last_claim = claim
        if s.ret:
            r_date, r_reason, reclaim = s.ret
            rows.append(ev(task, "return", r_date, reason=r_reason, actor=VERIFIER))
            if reclaim and reclaim <= TODAY:
                rows.append(ev(task, "claim", reclaim, completed_on=s.c, progress_percent=100,
                               actor=actor_of(lead), evidence=evidence_link(task["code"])))
                last_claim = reclaim
            else:
                last_claim = None
        if last_claim:
            v = s.v
            if v == "auto":
                v = last_claim + dt.timedelta(days=rng.randint(3, 9))
                if last_claim <= D_CHECK < v:
                    v = D_CHECK  # "auto" means verified promptly, within the same year
            if v is not None and v <= TODAY:
                rows.append(ev(task, "verify", v, completed_on=s.corr or s.c,
                               actor=VERIFIER if rng.random() < 0.8 else DST_DIRECTOR))
    rows.sort(key=lambda r: r["date"])
    return rows


def periods_between(start, end, cadence):
    out = []
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= end:
        if cadence == "monthly":
            out.append((f"{y}{m:02d}", last_day(y, m)))
        elif m % 3 == 0:
            out.append((f"{y}Q{m // 3}", last_day(y, m)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def last_day(y, m):
    nxt = dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)
    return nxt - dt.timedelta(days=1)


def recurring_events(task):
    rows = []
    for period, end in periods_between(d(task["assigned_on"]), TODAY, task["cadence"]):
        report_on = end + dt.timedelta(days=rng.randint(2, 9))
        if period in task["missing"] or report_on > TODAY:
            continue
        diff, prop = "", ""
        if rng.random() < 0.2:
            diff, prop = DIFFICULTY[rng.choice(difficulty_pool(task))]
        rows.append(ev(task, "progress", report_on, period=period,
                       actor=actor_of(task["lead_unit_code"]), difficulties=diff, proposals=prop,
                       evidence=evidence_link(task["code"] + "-" + period)))
    return rows


# ----------------------------------------------------------------------------------------------
# Indicators, targets and data values
# ----------------------------------------------------------------------------------------------

IND_FIELDS = ["code", "name_vi", "name_en", "unit_of_measure", "class", "value_type",
              "unit_aggregation", "numerator_code", "denominator_code", "factor",
              "time_aggregation", "direction", "period_type", "baseline_value", "baseline_date",
              "min_value", "max_value", "at_risk_threshold", "data_source",
              "responsible_unit_code"]
INDICATORS = []


def I(code, name_vi, name_en, uom, value_type="count", unit_agg="sum", time_agg="last",
      period="monthly", baseline=None, base_date="2024-12-31", cls="operational", num="",
      den="", factor="", lo=0, hi="", source="", resp="SL-SKHCN", direction="up", risk=""):
    if value_type == "percent":
        lo, hi = 0, 100
    INDICATORS.append(dict(code=code, name_vi=name_vi, name_en=name_en, unit_of_measure=uom,
                           **{"class": cls}, value_type=value_type, unit_aggregation=unit_agg,
                           numerator_code=num, denominator_code=den, factor=factor,
                           time_aggregation=time_agg, direction=direction, period_type=period,
                           baseline_value="" if baseline is None else baseline,
                           baseline_date=base_date if baseline is not None else "",
                           min_value=lo, max_value=hi, at_risk_threshold=risk,
                           data_source=source, responsible_unit_code=resp))


I("OPEN_DATASETS", "Số bộ dữ liệu mở trên Cổng dữ liệu mở của tỉnh",
  "Open datasets on the provincial open data portal", "bộ dữ liệu", baseline=412,
  source="Cổng dữ liệu mở tỉnh Sơn La")
I("DVC_FULL_ONLINE", "Số thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
  "Administrative procedures offered fully online", "thủ tục", baseline=812,
  source="Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", resp="SL-TTPVHCC")
I("DVC_INTEGRATED", "Số dịch vụ công trực tuyến đã tích hợp lên Cổng Dịch vụ công quốc gia",
  "Online public services integrated into the National Public Service Portal", "dịch vụ",
  baseline=1046, resp="SL-TTPVHCC")
I("DVC_TOTAL", "Tổng số dịch vụ công trực tuyến của tỉnh", "Online public services provided",
  "dịch vụ", baseline=1188, resp="SL-TTPVHCC")
I("DVC_INTEGRATED_RATE", "Tỷ lệ dịch vụ công trực tuyến tích hợp Cổng Dịch vụ công quốc gia",
  "Share of online public services integrated into the National Public Service Portal", "%",
  value_type="percent", unit_agg="ratio", num="DVC_INTEGRATED", den="DVC_TOTAL", factor=100,
  baseline=88.0, resp="SL-TTPVHCC", source="Cổng Dịch vụ công quốc gia")
I("DIGITIZED_RECORDS", "Số hồ sơ thủ tục hành chính đã được số hóa trong kỳ",
  "Administrative procedure records digitised in the period", "hồ sơ", time_agg="sum",
  resp="SL-VPUB")
I("RECORDS_IN_SCOPE", "Số hồ sơ thủ tục hành chính thuộc diện số hóa trong kỳ",
  "Administrative procedure records to be digitised in the period", "hồ sơ", time_agg="sum",
  resp="SL-VPUB")
I("DIGITIZATION_RATE", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
  "Document digitization rate of administrative procedure records", "%", value_type="percent",
  unit_agg="ratio", num="DIGITIZED_RECORDS", den="RECORDS_IN_SCOPE", factor=100, time_agg="sum",
  baseline=68.5, resp="SL-VPUB", source="Báo cáo của các sở, ngành, xã, phường", risk=0.85)
I("PUBLIC_SIGNATURES", "Số chứng thư chữ ký số công cộng cấp cho người dân",
  "Public digital signatures issued to citizens", "chứng thư", time_agg="sum",
  source="Báo cáo của UBND các xã, phường và doanh nghiệp cung cấp dịch vụ")
I("VILLAGES_4G_NEW", "Số bản được phủ sóng 4G mới", "Villages newly covered by 4G", "bản",
  time_agg="sum", source="Doanh nghiệp viễn thông; UBND các xã, phường")
I("ECOM_BUSINESSES", "Số doanh nghiệp, hợp tác xã tham gia Sàn thương mại điện tử Sơn La",
  "Businesses and cooperatives on the Son La e-commerce platform", "đơn vị", baseline=0,
  resp="SL-SCT", source="Sàn thương mại điện tử Sơn La")
I("ECOM_PRODUCTS", "Số sản phẩm được đưa lên Sàn thương mại điện tử Sơn La",
  "Products listed on the Son La e-commerce platform", "sản phẩm", baseline=0, resp="SL-SCT",
  source="Sàn thương mại điện tử Sơn La")
I("COMMUNITY_DT_TEAMS", "Số Tổ công nghệ số cộng đồng", "Community digital technology teams",
  "tổ", baseline=0, source="Báo cáo của UBND các xã, phường")
I("PEOPLE_DIGITAL_SKILLS", "Số lượt người dân được hướng dẫn kỹ năng số (Bình dân học vụ số)",
  "People guided in digital skills (Digital Literacy Movement)", "lượt người", time_agg="sum",
  source="Báo cáo của UBND các xã, phường")
I("OFFICIALS_TRAINED", "Số lượt cán bộ, công chức được tập huấn kỹ năng số",
  "Officials trained in digital skills", "lượt người", time_agg="sum", period="quarterly",
  resp="SL-SNV")
I("BIZ_DIGITAL", "Số doanh nghiệp ứng dụng công nghệ số trong sản xuất, kinh doanh",
  "Businesses applying digital technology", "doanh nghiệp", period="quarterly", resp="SL-SCT")
I("BIZ_SURVEYED", "Số doanh nghiệp được khảo sát", "Businesses surveyed", "doanh nghiệp",
  period="quarterly", resp="SL-SCT")
I("BIZ_DIGITAL_RATE", "Tỷ lệ doanh nghiệp ứng dụng công nghệ số",
  "Share of businesses applying digital technology", "%", value_type="percent",
  unit_agg="ratio", num="BIZ_DIGITAL", den="BIZ_SURVEYED", factor=100, period="quarterly",
  baseline=21.0, resp="SL-SCT", source="Khảo sát doanh nghiệp hằng quý")

STRATEGIC = [
    # code, vi, en, uom, 2030 target, baseline 2024, values {year: value}, responsible
    ("NQ57_ONLINE_DVC_USE", "Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp",
     "Online public service use by people and businesses", "%", 80, 41.8,
     {2023: 32.5, 2024: 41.8, 2025: 58.3}, "SL-TTPVHCC"),
    ("NQ57_CASHLESS", "Tỷ lệ giao dịch không dùng tiền mặt", "Non-cash transactions", "%", 80,
     38.0, {2024: 38.0, 2025: 47.5}, "SL-STC"),
    ("NQ57_DIGITAL_ECONOMY_GDP", "Quy mô kinh tế số trong GRDP", "Digital economy share of GDP",
     "%", 30, 6.2, {2023: 5.4, 2024: 6.2, 2025: 7.4}, "SL-TK"),
    ("NQ57_RD_SPENDING_GDP", "Chi cho nghiên cứu và phát triển (R&D) so với GRDP",
     "R&D expenditure as a share of GDP", "%", 2, 0.21, {2024: 0.21, 2025: 0.28}, "SL-SKHCN"),
    ("NQ57_RD_SOCIAL_SHARE", "Tỷ trọng chi xã hội trong tổng chi cho R&D",
     "Social expenditure share of R&D expenditure", "%", 60, 18.0, {2024: 18.0, 2025: 22.5},
     "SL-SKHCN"),
    ("NQ57_STI_BUDGET_SHARE", "Tỷ lệ chi ngân sách cho khoa học, công nghệ, đổi mới sáng tạo và "
     "chuyển đổi số", "Budget expenditure on science, technology, innovation and digital "
     "transformation", "%", 3, 1.1, {2024: 1.1, 2025: 1.6}, "SL-STC"),
    ("NQ57_INNOVATIVE_ENTERPRISES", "Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo",
     "Enterprises with innovation activities", "%", 40, 12.5, {2024: 12.5, 2025: 15.8},
     "SL-SKHCN"),
    ("NQ57_RESEARCHERS_PER_10K", "Nhân lực nghiên cứu khoa học, phát triển công nghệ, đổi mới "
     "sáng tạo trên 10.000 dân", "Research, technology development and innovation staff per "
     "10,000 people", "người/10.000 dân", 12, 3.1, {2024: 3.1, 2025: 3.4}, "SL-SKHCN"),
    ("NQ57_TFP_CONTRIBUTION", "Đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng",
     "Contribution of total factor productivity (TFP) to growth", "%", 55, 36.2,
     {2024: 36.2, 2025: 38.9}, "SL-TK"),
    ("NQ57_HIGHTECH_EXPORTS", "Tỷ trọng xuất khẩu sản phẩm công nghệ cao trong tổng giá trị hàng "
     "hóa xuất khẩu", "High-tech products in total exports", "%", 50, None, {}, "SL-SCT"),
    ("NQ57_HDI", "Chỉ số phát triển con người (HDI)", "Human development index (HDI)", "", 0.7,
     0.652, {2024: 0.652}, "SL-TK"),
]
for code, vi, en, uom, _t, base, _vals, resp in STRATEGIC:
    is_pct = uom == "%"
    I(code, vi, en, uom, value_type="percent" if is_pct else "number", unit_agg="average",
      period="yearly", baseline=base, cls="strategic", resp=resp,
      hi=1 if code == "NQ57_HDI" else "", source="Nghị quyết số 57-NQ/TW; Thống kê tỉnh Sơn La")
IND = {i["code"]: i for i in INDICATORS}


def target_rows():
    rows = []

    def t(ind, date, value, unit=""):
        rows.append(dict(indicator_code=ind, unit_code=unit, date=date, value=value))

    for code, *_rest in STRATEGIC:
        target = _rest[3]
        t(code, "2030-12-31", target)
    t("NQ57_DIGITAL_ECONOMY_GDP", "2045-12-31", 50)
    t("NQ57_ONLINE_DVC_USE", "2025-12-31", 55, "SL")
    t("NQ57_CASHLESS", "2025-12-31", 50, "SL")
    t("NQ57_STI_BUDGET_SHARE", "2026-12-31", 3, "SL")
    t("OPEN_DATASETS", "2025-12-31", 600, "SL")
    t("OPEN_DATASETS", "2030-12-31", 1200, "SL")
    t("DVC_FULL_ONLINE", "2025-12-31", 950, "SL")
    t("DVC_FULL_ONLINE", "2030-12-31", 1150, "SL")
    t("DVC_INTEGRATED_RATE", "2025-12-31", 100)
    t("DIGITIZATION_RATE", "2025-12-31", 90)
    t("DIGITIZATION_RATE", "2030-12-31", 100)
    t("PUBLIC_SIGNATURES", "2025-12-31", 20000, "SL")
    t("VILLAGES_4G_NEW", "2025-12-31", 60, "SL")
    t("ECOM_BUSINESSES", "2025-12-31", 40, "SL")
    t("ECOM_BUSINESSES", "2030-12-31", 200, "SL")
    t("ECOM_PRODUCTS", "2025-12-31", 60, "SL")
    t("ECOM_PRODUCTS", "2030-12-31", 300, "SL")
    t("BIZ_DIGITAL_RATE", "2025-12-31", 30)
    t("BIZ_DIGITAL_RATE", "2030-12-31", 50)
    for c in COMMUNES:  # one team per village or residential group
        t("COMMUNITY_DT_TEAMS", "2025-12-31", c.villages, c.code)
    return rows


def months(start, end):
    """'YYYYMM' from start to end (dates or 'YYYYMM'), inclusive."""
    y, m = int(start[:4]), int(start[4:6])
    out = []
    while f"{y}{m:02d}" <= end:
        out.append(f"{y}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def quarters(start, end):
    y, q = int(start[:4]), int(start[5])
    out = []
    while f"{y}Q{q}" <= end:
        out.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


LAST_MONTH = "202610"
COMMUNE_MONTHS = months("202507", LAST_MONTH)
NOW_MONTH = LAST_MONTH
# Late reporters: nothing since August 2026 (stale), and a few single missing months.
STALE = {BY_NAME["Mường Lèo"].code, BY_NAME["Xím Vàng"].code, BY_NAME["Huổi Một"].code}
GAPS = {(BY_NAME["Pắc Ngà"].code, "202603"), (BY_NAME["Nậm Ty"].code, "202511"),
        (BY_NAME["Kim Bon"].code, "202604"), (BY_NAME["Púng Bánh"].code, "202511")}
DATA = []  # data-values rows


def missing(unit, period):
    if unit in STALE and period >= "202609":
        return True
    return (unit, period) in GAPS


def put(ind, unit, period, value, comment="", state=""):
    if not state:
        state = "submitted" if period in ("202610", "2026Q3") else "approved"
        if period == "202610" and rng.random() < 0.1:
            state = "draft"
    stored_by = unit.lower() + ".baocao"
    DATA.append(dict(indicator_code=ind, unit_code=unit, period=period, value=value,
                     comment=comment, state=state, stored_by=stored_by))


def unit_start_month(code):
    vf = {u[0]: u[7] for u in CENTRAL_UNITS}.get(code, "")
    return "202501" if not vf else vf[:4] + vf[5:7]


def fit_integers(weights, total):
    """Non-negative integers proportional to weights, summing exactly to total."""
    s = sum(weights)
    raw = [w * total / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def gen_province_stocks():
    # Open datasets, reported by the Department of Science and Technology.
    ms = months("202503", NOW_MONTH)
    end_i = ms.index("202512")
    for i, p in enumerate(ms):
        if i <= end_i:
            v = round(412 + (658 - 412) * (i / end_i) ** 1.15 + rng.randint(-4, 4))
        else:
            v = prev + rng.randint(4, 16)  # a stock: datasets are added, not removed
        v = 658 if p == "202512" else v
        prev = v
        put("OPEN_DATASETS", "SL-SKHCN", p, v)
    # Fully online procedures: list re-published in July 2025 for the two-level government.
    ms = months("202501", NOW_MONTH)
    full = {}
    for i, p in enumerate(ms):
        if p < "202507":
            v = 812 + i * 11 + rng.randint(-2, 2)
        elif p <= "202512":
            v = 905 + (int(p[4:]) - 7) * 12 + rng.randint(-3, 3)
        else:
            v = prev + rng.randint(2, 8)
        v = 967 if p == "202512" else v
        prev = v
        full[p] = v
        put("DVC_FULL_ONLINE", "SL-TTPVHCC", p, v)
    for p in ms:
        total = full[p] + 287 + (0 if p < "202507" else 9)
        share = 1.0 if p >= "202509" else min(0.995, 0.88 + 0.02 * int(p[4:]))
        put("DVC_TOTAL", "SL-TTPVHCC", p, total)
        put("DVC_INTEGRATED", "SL-TTPVHCC", p, total if share >= 1 else int(total * share))
    # E-commerce platform, launched in October 2025.
    ms = months("202510", NOW_MONTH)
    biz = [18, 31, 40]
    prod = [25, 44, 60]
    for i, p in enumerate(ms):
        if i < 3:
            b, pr = biz[i], prod[i]
        else:
            b += rng.randint(2, 6)
            pr += rng.randint(4, 11)
        put("ECOM_BUSINESSES", "SL-SCT", p, b)
        put("ECOM_PRODUCTS", "SL-SCT", p, pr)


DIGI_DEPTS = ["SL-SNV", "SL-STC", "SL-SGDDT", "SL-SYT", "SL-SCT", "SL-SNNMT", "SL-SVHTTDL",
              "SL-SXD", "SL-STP", "SL-SDTTG", "SL-CA", "SL-TTPVHCC"]


def gen_digitization():
    cells = {}  # (unit, period) -> [num, den]
    for u in DIGI_DEPTS:
        size = rng.randint(220, 1400)
        r0 = rng.uniform(0.6, 0.75)
        r1 = rng.uniform(0.9, 0.965)
        for p in months(unit_start_month(u), NOW_MONTH):
            k = min(1.0, ((int(p[:4]) - 2025) * 12 + int(p[4:]) - 1) / 11)
            den = int(size * rng.uniform(0.85, 1.15))
            rate = min(0.995, r0 + (r1 - r0) * k + rng.uniform(-0.015, 0.015))
            if p > "202512":
                rate = min(0.995, r1 + 0.002 * (int(p[4:])) + rng.uniform(-0.01, 0.01))
            cells[(u, p)] = [int(den * rate), den]
    for c in COMMUNES:
        size = int(c.villages * rng.uniform(6, 14) * (2.2 if c.ward else 1))
        r0 = rng.uniform(0.5, 0.72) - (0.06 if c.remote else 0)
        r1 = rng.uniform(0.88, 0.97) - (0.03 if c.remote else 0)
        for p in COMMUNE_MONTHS:
            if missing(c.code, p):
                continue
            idx = COMMUNE_MONTHS.index(p)
            k = min(1.0, idx / 5)
            den = int(size * rng.uniform(0.8, 1.2))
            rate = r0 + (r1 - r0) * k + rng.uniform(-0.02, 0.02)
            if idx > 5:
                rate = min(0.995, r1 + 0.004 * (idx - 5) + rng.uniform(-0.01, 0.01))
            cells[(c.code, p)] = [int(den * min(rate, 0.995)), den]
    for code, *_ in OLD_COMMUNES:
        size = rng.randint(60, 120)
        for p in months("202501", "202506"):
            den = int(size * rng.uniform(0.85, 1.15))
            cells[(code, p)] = [int(den * rng.uniform(0.55, 0.7)), den]
    # December 2025: the province rollup is exactly the seed's 93.2%.
    dec = [k for k in cells if k[1] == "202512"]
    den_sum = sum(cells[k][1] for k in dec)
    want = round(0.932 * den_sum)
    diff = want - sum(cells[k][0] for k in dec)
    order = sorted(dec, key=lambda k: -cells[k][1])
    i = 0
    while diff != 0:
        k = order[i % len(order)]
        num, den = cells[k]
        step = 1 if diff > 0 else -1
        if 0 <= num + step <= den and (num + step) / den <= 0.995:
            cells[k][0] += step
            diff -= step
        i += 1
    for (u, p), (num, den) in sorted(cells.items()):
        put("DIGITIZED_RECORDS", u, p, num)
        put("RECORDS_IN_SCOPE", u, p, den)


def gen_commune_flows(specs_a):
    # Public digital signatures: July-December 2025 sum to 22,336, then 2026.
    ramp = [0.25, 0.55, 0.9, 1.3, 1.55, 1.45]
    cells = []
    for c in COMMUNES:
        for j, p in enumerate(COMMUNE_MONTHS[:6]):
            if missing(c.code, p):
                continue
            cells.append((c.code, p, c.weight * ramp[j] * rng.uniform(0.7, 1.3)))
    fitted = fit_integers([w for _, _, w in cells], 22336)
    for (u, p, _), v in zip(cells, fitted):
        put("PUBLIC_SIGNATURES", u, p, v)
    for c in COMMUNES:
        for p in COMMUNE_MONTHS[6:]:
            if not missing(c.code, p):
                put("PUBLIC_SIGNATURES", c.code, p, int(c.weight * rng.uniform(0.6, 1.2)))
    # Villages newly covered by 4G: 60 in 2025, in remote communes, from August on.
    remote = sorted([c for c in COMMUNES if c.remote], key=lambda c: c.key)
    cover = fit_integers([rng.uniform(0.5, 2.0) for _ in remote], 60)
    new4g = {}
    for c, n in zip(remote, cover):
        allowed = [p for p in ["202508", "202509", "202510", "202511", "202512"]
                   if not missing(c.code, p)]
        for _ in range(n):
            p = rng.choice(allowed)
            new4g[(c.code, p)] = new4g.get((c.code, p), 0) + 1
    for c in remote[:9]:  # the 2026 programme (task 4.22)
        p = rng.choice([m for m in COMMUNE_MONTHS[8:] if not missing(c.code, m)])
        new4g[(c.code, p)] = new4g.get((c.code, p), 0) + rng.randint(1, 2)
    for c in COMMUNES:
        for p in COMMUNE_MONTHS:
            v = new4g.get((c.code, p), 0)
            if missing(c.code, p):
                if v and p <= "202512":
                    raise AssertionError("4G coverage reported in a missing month")
                continue
            put("VILLAGES_4G_NEW", c.code, p, v)
    # Community digital technology teams (stock) follow task 7.14's cascade.
    for c in COMMUNES:
        s = specs_a[c.code]
        done = s.c if (s.c and s.c <= TODAY) else None
        for p in COMMUNE_MONTHS:
            if missing(c.code, p):
                continue
            end = last_day(int(p[:4]), int(p[4:]))
            if done and done <= end:
                v = c.villages
            else:
                started = dt.date(2025, 7, 15)
                frac = min(0.85, 0.15 + 0.12 * max(0, (end - started).days // 30))
                v = int(c.villages * frac)
            put("COMMUNITY_DT_TEAMS", c.code, p, v)
    # People guided by the teams; one outlier (a digit typed twice).
    outlier = (BY_NAME["Mường Bú"].code, "202511")
    for c in COMMUNES:
        for j, p in enumerate(COMMUNE_MONTHS):
            if missing(c.code, p):
                continue
            v = int(c.villages * rng.uniform(9, 16) * min(1.0, 0.3 + 0.15 * j))
            if (c.code, p) == outlier:
                v = v * 10 + 7
                put("PEOPLE_DIGITAL_SKILLS", c.code, p, v, state="submitted")
                continue
            comment = "Báo cáo muộn do mất kết nối mạng" if (c.code, p) == (
                BY_NAME["Pắc Ngà"].code, "202604") else ""
            put("PEOPLE_DIGITAL_SKILLS", c.code, p, v, comment=comment)
    # Officials trained (quarterly): departments and communes.
    for u in DIGI_DEPTS + ["SL-SKHCN", "SL-VPUB"]:
        for q in quarters("2025Q2", "2026Q3"):
            put("OFFICIALS_TRAINED", u, q, rng.randint(8, 60))
    for c in COMMUNES:
        for q in quarters("2025Q3", "2026Q3"):
            if c.code in STALE and q == "2026Q3":
                continue
            put("OFFICIALS_TRAINED", c.code, q, rng.randint(4, 30))


def gen_business_survey():
    units = {"SL-SCT": 1180, "SL-SNNMT": 640, "SL-SVHTTDL": 360, "SL-SXD": 510, "SL-STC": 880}
    cells = {}
    qs = quarters("2025Q2", "2026Q3")
    for u, size in units.items():
        r0 = rng.uniform(0.2, 0.25)
        for i, q in enumerate(qs):
            den = int(size * rng.uniform(0.95, 1.05))
            rate = r0 + 0.025 * i + rng.uniform(-0.01, 0.01)
            cells[(u, q)] = [int(den * rate), den]
    q4 = [k for k in cells if k[1] == "2025Q4"]
    den_sum = sum(cells[k][1] for k in q4)
    diff = round(0.30 * den_sum) - sum(cells[k][0] for k in q4)
    for i in range(abs(diff)):
        cells[q4[i % len(q4)]][0] += 1 if diff > 0 else -1
    for (u, q), (num, den) in sorted(cells.items()):
        put("BIZ_DIGITAL", u, q, num)
        put("BIZ_SURVEYED", u, q, den)


def gen_strategic():
    for code, _vi, _en, _uom, _t, _b, values, _resp in STRATEGIC:
        for year, v in sorted(values.items()):
            put(code, "SL", str(year), v, state="approved")


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------

def write_csv(path, fields, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)


TASK_FIELDS = ["plan_code", "code", "group_code", "title_vi", "title_en", "description",
               "parent_code", "lead_unit_code", "coordinating_unit_codes", "kind", "assigned_on",
               "start", "deadline", "cadence", "expected_output", "priority", "indicator_codes",
               "classified"]
UPDATE_FIELDS = ["plan_code", "task_code", "kind", "date", "progress_percent", "completed_on",
                 "new_deadline", "period", "actor", "requested_by", "reason", "difficulties",
                 "proposals", "evidence"]


def generate(out):
    specs_a = add_cascade_a()
    cascade_c()
    write_csv(os.path.join(out, "units.csv"),
              ["code", "name_vi", "name_en", "type", "parent_code", "leader_name",
               "leader_title", "valid_from", "valid_to", "successor_codes"], unit_rows())
    write_csv(os.path.join(out, "directives.csv"),
              ["number", "kind", "issuer", "issued_on", "title_vi", "title_en", "url"],
              [dict(zip(["number", "kind", "issuer", "issued_on", "title_vi", "title_en", "url"],
                        x)) for x in DIRECTIVES])
    plans = [
        dict(code=FRAMEWORK, title_vi="Khung Kế hoạch hành động của Tỉnh ủy, Thành ủy thực hiện "
             "Nghị quyết số 57-NQ/TW", title_en="Action plan framework for provincial and "
             "municipal Party Committees to implement Resolution 57-NQ/TW", issuer_code="VN-BCDTW",
             directive_numbers="57-NQ/TW;01-CV/BCĐTW;204-QĐ/TW;03/NQ-CP;193/2025/QH15",
             parent_code="", start="2025-03-25", end="2030-12-31",
             stages="2025;2026-2030;vision 2045", standing_agency_code="VN-VPTW"),
        dict(code=PLAN, title_vi=DIRECTIVES[7][4], title_en=DIRECTIVES[7][5], issuer_code="SL",
             directive_numbers="57-NQ/TW;01-CV/BCĐTW", parent_code=FRAMEWORK, start="2025-05-07",
             end="2030-12-31", stages="2025;2026-2030;vision 2045",
             standing_agency_code="SL-SKHCN"),
    ]
    write_csv(os.path.join(out, "plans.csv"),
              ["code", "title_vi", "title_en", "issuer_code", "directive_numbers", "parent_code",
               "start", "end", "stages", "standing_agency_code"], plans)
    groups = []
    for plan in (FRAMEWORK, PLAN):
        for i, (code, vi, en) in enumerate(GROUPS, 1):
            groups.append(dict(plan_code=plan, code=code, title_vi=vi, title_en=en, order=i,
                               parent_code=""))
    write_csv(os.path.join(out, "task-groups.csv"),
              ["plan_code", "code", "title_vi", "title_en", "order", "parent_code"], groups)
    order = {g[0]: i for i, g in enumerate(GROUPS)}

    def task_key(t):
        parts = t["code"].split(".")
        return (order[t["group_code"]], t["code"].startswith("TX"),
                [int(x) if x.isdigit() else 0 for x in parts[:2]], t["code"])

    tasks = sorted(TASKS, key=task_key)
    for t in tasks:
        t["plan_code"] = PLAN
        key = "7.14" if t["parent_code"] == "7.14" else t["code"]
        t["description"] = t["description"] or DESCRIPTIONS.get(key, "")
    write_csv(os.path.join(out, "tasks.csv"), TASK_FIELDS, tasks)
    updates = []
    for t in tasks:
        updates += task_events(t)
    write_csv(os.path.join(out, "task-updates.csv"), UPDATE_FIELDS, updates)
    write_csv(os.path.join(out, "indicators.csv"), IND_FIELDS, INDICATORS)
    write_csv(os.path.join(out, "targets.csv"), ["indicator_code", "unit_code", "date", "value"],
              target_rows())
    gen_province_stocks()
    gen_digitization()
    gen_commune_flows(specs_a)
    gen_business_survey()
    gen_strategic()
    write_csv(os.path.join(out, "data-values.csv"),
              ["indicator_code", "unit_code", "period", "value", "comment", "state", "stored_by"],
              DATA)


# ----------------------------------------------------------------------------------------------
# Checks (on the files as written)
# ----------------------------------------------------------------------------------------------

def read(out, name):
    with open(os.path.join(out, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def status_on(task, events, day):
    """The verified status of a deadline task on `day` (SPEC §3), or None if not counted."""
    if d(task["assigned_on"]) > day:
        return None
    evs = [e for e in events if d(e["date"]) <= day]
    if any(e["kind"] == "cancel" for e in evs):
        return None
    deadline = d(task["deadline"])
    claim, verified, completed = None, False, None
    for e in evs:  # the file keeps each task's events in date order
        if e["kind"] == "amend":
            deadline = d(e["new_deadline"])
        elif e["kind"] == "claim":
            claim, verified = e, False
        elif e["kind"] == "return":
            claim, verified = None, False
        elif e["kind"] == "verify" and claim is not None:
            verified = True
            completed = d(e["completed_on"] or claim["completed_on"])
    if claim is not None and verified:
        return "done_on_time" if completed <= deadline else "done_late"
    return "in_progress_on_time" if day <= deadline else "overdue"


def period_ok(period, ptype):
    if ptype == "monthly":
        return len(period) == 6 and period.isdigit() and 1 <= int(period[4:]) <= 12
    if ptype == "quarterly":
        return len(period) == 6 and period[4] == "Q" and period[5] in "1234"
    if ptype == "yearly":
        return len(period) == 4 and period.isdigit()
    return False


def check(out):
    units = read(out, "units.csv")
    codes = [u["code"] for u in units]
    assert len(codes) == len(set(codes)), "duplicate unit codes"
    ucode = set(codes)
    for u in units:
        assert not u["parent_code"] or u["parent_code"] in ucode, u
        for s in filter(None, u["successor_codes"].split(";")):
            assert s in ucode and u["valid_to"], u
    wards = [u for u in units if u["type"] == "ward"]
    communes = [u for u in units if u["type"] == "commune" and not u["valid_to"]]
    assert len(wards) == 8 and len(communes) == 67, (len(wards), len(communes))
    assert len({fold(u["name_vi"]) for u in wards + communes}) == 75
    parent = {u["code"]: u["parent_code"] for u in units}

    def under(code, root):
        while code:
            if code == root:
                return True
            code = parent[code]
        return False

    directives = {r["number"] for r in read(out, "directives.csv")}
    plans = read(out, "plans.csv")
    pcodes = {p["code"] for p in plans}
    for p in plans:
        assert p["issuer_code"] in ucode and p["standing_agency_code"] in ucode
        assert not p["parent_code"] or p["parent_code"] in pcodes
        assert all(x in directives for x in p["directive_numbers"].split(";")), p
    groups = read(out, "task-groups.csv")
    gkeys = {(g["plan_code"], g["code"]) for g in groups}
    assert len(gkeys) == len(groups) == 20
    inds = {i["code"]: i for i in read(out, "indicators.csv")}
    for i in inds.values():
        for ref in (i["numerator_code"], i["denominator_code"]):
            assert not ref or (ref in inds and inds[ref]["period_type"] == i["period_type"]), i
        assert not i["responsible_unit_code"] or i["responsible_unit_code"] in ucode

    tasks = read(out, "tasks.csv")
    tkeys = [(t["plan_code"], t["code"]) for t in tasks]
    assert len(tkeys) == len(set(tkeys)), "duplicate task codes"
    tcode = {t["code"]: t for t in tasks}
    for t in tasks:
        assert (t["plan_code"], t["group_code"]) in gkeys, t["code"]
        assert not t["parent_code"] or t["parent_code"] in tcode, t["code"]
        assert t["lead_unit_code"] in ucode, t["code"]
        assert all(c in ucode for c in filter(None, t["coordinating_unit_codes"].split(";")))
        assert all(c in inds for c in filter(None, t["indicator_codes"].split(";"))), t["code"]
        assert (t["kind"] == "deadline") == bool(t["deadline"]) != bool(t["cadence"]), t["code"]
    events = {}
    for e in read(out, "task-updates.csv"):
        assert e["task_code"] in tcode, e
        t = tcode[e["task_code"]]
        assert d(t["assigned_on"]) <= d(e["date"]) <= TODAY, e
        if e["kind"] == "claim":
            assert e["completed_on"] and d(e["completed_on"]) <= d(e["date"]), e
        if e["kind"] == "amend":
            assert e["new_deadline"] and e["reason"] and e["requested_by"] and e["actor"], e
        if e["kind"] == "cancel":
            assert e["reason"], e
        if e["period"]:
            assert t["kind"] == "recurring"
            assert period_ok(e["period"], t["cadence"]), e
        events.setdefault(e["task_code"], []).append(e)
    for evs in events.values():
        assert [e["date"] for e in evs] == sorted(e["date"] for e in evs)

    # The seeds' task figures on 31 December 2025.
    counted = {}
    for t in tasks:
        if t["kind"] != "deadline":
            continue
        st = status_on(t, events.get(t["code"], []), D_CHECK)
        if st:
            counted[t["code"]] = st
    done = [c for c, s in counted.items() if s.startswith("done")]
    assert len(counted) == 169, len(counted)
    assert len(done) == 124, len(done)
    # 124/169 = 73.37%: the seed's "73.3%" truncates to one decimal (rounding gives 73.4).
    assert int(1000 * len(done) / len(counted)) / 10 == 73.3
    for t in TASKS:  # each task's intended status
        s = t["spec"]
        if s and s.expect and s.expect != "cancelled":
            assert counted.get(t["code"]) == s.expect, (t["code"], counted.get(t["code"]),
                                                        s.expect)
        if s and s.expect == "cancelled":
            assert t["code"] not in counted
    cancelled_2025 = [t["code"] for t in tasks if t["kind"] == "deadline"
                      and d(t["assigned_on"]) <= D_CHECK and t["code"] not in counted]
    assigned_2026 = [t for t in tasks if d(t["assigned_on"]) > D_CHECK]
    recurring = [t for t in tasks if t["kind"] == "recurring"]

    # Data values: references, periods, bounds, numerator <= denominator.
    dv = read(out, "data-values.csv")
    seen = set()
    for r in dv:
        i = inds[r["indicator_code"]]
        assert r["unit_code"] in ucode, r
        assert period_ok(r["period"], i["period_type"]), r
        assert i["unit_aggregation"] != "ratio", "ratio indicators are computed, not stored"
        v = float(r["value"])
        assert i["min_value"] == "" or v >= float(i["min_value"]), r
        assert i["max_value"] == "" or v <= float(i["max_value"]), r
        key = (r["indicator_code"], r["unit_code"], r["period"])
        assert key not in seen, key
        seen.add(key)
    val = {(r["indicator_code"], r["unit_code"], r["period"]): float(r["value"]) for r in dv}
    for i in inds.values():
        if i["unit_aggregation"] == "ratio":
            for (ic, u, p), v in val.items():
                if ic == i["numerator_code"]:
                    assert v <= val[(i["denominator_code"], u, p)], (ic, u, p)
    for t in read(out, "targets.csv"):
        assert t["indicator_code"] in inds and (not t["unit_code"] or t["unit_code"] in ucode)

    def rollup(ind, periods, root="SL"):
        return sum(v for (ic, u, p), v in val.items()
                   if ic == ind and p in periods and under(u, root))

    months_2025 = {f"2025{m:02d}" for m in range(1, 13)}
    figures = {
        "open datasets (2025-12)": rollup("OPEN_DATASETS", {"202512"}),
        "fully online procedures (2025-12)": rollup("DVC_FULL_ONLINE", {"202512"}),
        "digitization rate % (2025-12)": round(100 * rollup("DIGITIZED_RECORDS", {"202512"})
                                                / rollup("RECORDS_IN_SCOPE", {"202512"}), 1),
        "online services integrated % (2025-12)":
            round(100 * rollup("DVC_INTEGRATED", {"202512"}) / rollup("DVC_TOTAL", {"202512"}),
                  1),
        "public digital signatures (2025)": rollup("PUBLIC_SIGNATURES", months_2025),
        "villages newly covered by 4G (2025)": rollup("VILLAGES_4G_NEW", months_2025),
        "e-commerce businesses (2025-12)": rollup("ECOM_BUSINESSES", {"202512"}),
        "e-commerce products (2025-12)": rollup("ECOM_PRODUCTS", {"202512"}),
        "Chiềng An community teams (2025-12)":
            rollup("COMMUNITY_DT_TEAMS", {"202512"}, "SL-W-CHIENGAN"),
        "businesses applying digital tech % (2025Q4)":
            round(100 * rollup("BIZ_DIGITAL", {"2025Q4"}) / rollup("BIZ_SURVEYED", {"2025Q4"}),
                  1),
    }
    expected = [658, 967, 93.2, 100.0, 22336, 60, 40, 60, 27, 30.0]
    for (name, got), want in zip(figures.items(), expected):
        assert got == want, (name, got, want)
    by_status = {}
    for s in counted.values():
        by_status[s] = by_status.get(s, 0) + 1
    return dict(counted=len(counted), done=len(done), by_status=by_status,
                cancelled_2025=len(cancelled_2025), assigned_2026=len(assigned_2026),
                recurring=len(recurring), figures=figures,
                rows={n: len(read(out, n)) for n in sorted(os.listdir(out)) if n.endswith(".csv")})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    generate(args.out)
    r = check(args.out)
    print(f"2025-12-31: {r['done']} of {r['counted']} tasks done (verified) = "
          f"{100 * r['done'] / r['counted']:.2f}%  {r['by_status']}")
    print(f"cancelled in 2025: {r['cancelled_2025']}, assigned in 2026: {r['assigned_2026']}, "
          f"recurring: {r['recurring']}")
    for k, v in r["figures"].items():
        print(f"  {k}: {v}")
    for k, v in r["rows"].items():
        print(f"  {k}: {v} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
