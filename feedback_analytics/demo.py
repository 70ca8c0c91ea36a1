"""Demo data: reproducible customer feedback for a network-technology vendor, as canonical rows.

The generator is vectorised: every random choice is drawn for all records at once with NumPy,
and texts are assembled from pre-built fragment pools (Vietnamese, Vietnamese typed without
diacritics, English; formal and casual), so a million records take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from feedback_analytics.ingest.values import COLUMNS

CHANNELS: tuple[str, ...] = ("email", "hotline", "web_form")
PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")
CATEGORIES: tuple[str, ...] = (
    "VPN connectivity",
    "Wi-Fi coverage & roaming",
    "Throughput & performance",
    "Firewall rules & policies",
    "Security & authentication",
    "Portal usability",
    "Reporting & logs",
    "Mobile app",
    "Billing & invoices",
    "Installation & setup",
)
PRODUCTS: tuple[str, ...] = (
    "SecuGate FW-500",
    "SecuGate FW-1200",
    "SecuGate FW-3000",
    "SecuGate VPN Client",
    "AirLink AP-620",
    "AirLink AP-820 Outdoor",
    "FlexWAN Edge 300",
    "FlexWAN Orchestrator",
    "NetCloud Portal",
    "NetCloud Mobile",
    "MyAccount Billing Portal",
)
DEPARTMENTS: tuple[str, ...] = (
    "Network Engineering",
    "Product — Wireless",
    "Product — Security",
    "Cloud Platform",
    "Mobile Team",
    "Billing",
    "Customer Support",
)

# The company is in Viet Nam, which has kept UTC+7 all year since 1975: one fixed offset lets
# every timestamp be formatted from integer seconds without a time-zone database per record.
UTC_OFFSET = "+07:00"

_DAY = 86_400
_HOUR = 3_600
_NEVER = np.int64(2**62)  # "this event never happens"; far beyond any end of data
_MONTHS = 24

_PRODUCT_ALIASES: tuple[str, ...] = (
    "FW-500",
    "FW-1200",
    "FW-3000",
    "VPN Client",
    "AP-620",
    "AP-820",
    "Edge 300",
    "Orchestrator",
    "NetCloud",
    "NetCloud app",
    "MyAccount",
)
# Which products each category's feedback is about (index into PRODUCTS: weight).
_CATEGORY_PRODUCTS: tuple[dict[int, float], ...] = (
    {3: 0.6, 0: 0.1, 1: 0.12, 2: 0.05, 6: 0.08, 7: 0.05},
    {4: 0.62, 5: 0.28, 8: 0.1},
    {0: 0.18, 1: 0.22, 2: 0.12, 6: 0.25, 7: 0.08, 4: 0.15},
    {0: 0.25, 1: 0.3, 2: 0.2, 8: 0.25},
    {8: 0.35, 3: 0.2, 1: 0.15, 0: 0.1, 9: 0.1, 2: 0.1},
    {8: 0.85, 7: 0.15},
    {8: 0.5, 1: 0.15, 2: 0.1, 7: 0.15, 0: 0.1},
    {9: 1.0},
    {10: 0.9, 8: 0.1},
    {0: 0.15, 1: 0.12, 4: 0.25, 5: 0.13, 6: 0.25, 7: 0.1},
)
_CATEGORY_SHARE = (0.14, 0.13, 0.11, 0.10, 0.08, 0.10, 0.07, 0.09, 0.09, 0.09)
_CATEGORY_DEPARTMENT = (0, 1, 0, 2, 2, 3, 3, 4, 5, 6)
_SUPPORT_DESK = 6
# Categories customers confuse with each other: a text sometimes borrows a neighbour's words,
# so a classifier meets the overlap real feedback has.
_NEIGHBOURS = ((4, 2), (2, 9), (0, 1), (4, 5), (3, 0), (6, 7), (5, 3), (5, 4), (5, 9), (1, 3))
# Outages of VPN, security and throughput hurt more, so they are more often urgent.
_CRITICAL = (0, 2, 4)
_PRIORITY_CRITICAL = (0.09, 0.26, 0.52, 0.13)
_PRIORITY_OTHER = (0.03, 0.17, 0.64, 0.16)
_DUE_DAYS = (1, 3, 7, 14)
_ASSIGNEES: tuple[tuple[str, ...], ...] = (
    ("Nguyễn Văn An", "Trần Quốc Bảo", "Lê Minh Tuấn", "Phạm Đức Huy"),
    ("Hoàng Thị Lan", "Vũ Hải Nam", "Đặng Thanh Sơn"),
    ("Bùi Anh Khoa", "Đỗ Thị Hương", "Ngô Gia Phúc", "Trịnh Minh Quân"),
    ("Phan Thị Mai", "Huỳnh Tấn Phát", "Lý Thu Trang"),
    ("Võ Hoàng Long", "Mai Ngọc Ánh"),
    ("Dương Thị Thảo", "Cao Văn Hùng", "Tạ Thu Hà"),
    ("Nguyễn Thị Hồng", "Trần Văn Dũng", "Lê Thị Ngọc Hân", "Phạm Hoàng Yến", "Đinh Công Thành"),
)

# Received-time shape: weekday (Mon..Sun), calendar month, hour of day per channel.
_WEEKDAY_FACTOR = (1.18, 1.08, 1.03, 1.0, 0.95, 0.42, 0.28)
_MONTH_FACTOR = (1.0, 0.9, 1.05, 1.0, 0.97, 1.0, 0.96, 0.98, 1.04, 1.08, 1.1, 1.05)
_HOUR_WEIGHTS = (
    (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 8, 10, 10, 9, 6, 7, 9, 9, 8, 6, 4, 3, 3, 2.5, 2, 1.5),
    (
        0.2,
        0.1,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        3,
        10,
        12,
        12,
        9,
        5,
        8,
        11,
        11,
        9,
        6,
        2,
        1,
        0.8,
        0.6,
        0.4,
        0.3,
    ),
    (2, 1, 0.6, 0.4, 0.3, 0.5, 1.2, 3, 6, 8, 8, 7, 6, 7, 8, 8, 7, 6, 5, 6, 7, 6.5, 5, 3.5),
)
_CHANNEL_SHARE = (0.40, 0.35, 0.25)
_FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))
# Lunar New Year (first day of Tết); the office closes for about a week around it.
_TET = {
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29),
    2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23),
    2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}  # fmt: skip

# Text variants: who writes how. Agents log hotline calls mostly in Vietnamese.
_VI, _VI_CASUAL, _VI_PLAIN, _EN, _EN_CASUAL = range(5)
_N_VARIANTS = 5
_VARIANT_SHARE = (
    (0.21, 0.08, 0.13, 0.42, 0.16),
    (0.32, 0.25, 0.15, 0.17, 0.11),
    (0.20, 0.12, 0.18, 0.30, 0.20),
)


@dataclass(frozen=True)
class _F:
    """One kind of text fragment in Vietnamese and English."""

    vi: tuple[str, ...]
    en: tuple[str, ...]


# Per category: the problem as the customer sees it, an optional detail, the body of an
# improvement proposal (a verb phrase), and the body of a reason (a clause).
_CATEGORY_TEXT: tuple[dict[str, _F], ...] = (
    {  # VPN connectivity
        "problem": _F(
            (
                "VPN Client hay bị rớt kết nối, cứ khoảng 15-20 phút lại mất một lần.",
                "Kết nối VPN rất chập chờn khi làm việc từ xa, nhất là khi dùng 4G.",
                "Không kết nối được VPN site-to-site giữa hai chi nhánh sau khi đổi IP WAN.",
                "Tunnel VPN tự ngắt vào buổi tối và phải kết nối lại bằng tay.",
                "Mỗi lần laptop ngủ dậy là VPN bị treo ở trạng thái 'Đang kết nối'.",
                "VPN kết nối được nhưng không truy cập được các máy chủ nội bộ.",
                "Split tunneling không hoạt động, toàn bộ traffic đều đi qua VPN.",
                "Người dùng macOS không cài được VPN Client bản mới.",
                "VPN báo lỗi xác thực dù nhập đúng mật khẩu.",
                "Khi đổi từ Wi-Fi sang mạng dây thì VPN mất kết nối và không tự kết nối lại.",
            ),
            (
                "The VPN client keeps dropping the connection every 15-20 minutes.",
                "The VPN connection is very unstable when working from home, especially on 4G.",
                "Site-to-site VPN between our two branches went down after we changed the WAN IP.",
                "The VPN tunnel disconnects by itself in the evening and we reconnect manually.",
                "After the laptop wakes from sleep the VPN client hangs on 'Connecting...'.",
                "VPN connects fine but internal servers are not reachable.",
                "Split tunneling does not work, all traffic goes through the tunnel.",
                "Mac users cannot install the new VPN client version.",
                "The VPN client says 'authentication failed' even with the correct password.",
                "When switching from Wi-Fi to cable the VPN drops and never reconnects.",
            ),
        ),
        "detail": _F(
            (
                "Log hiển thị lỗi 'IKE phase 1 timeout'.",
                "Khoảng 30 nhân viên làm việc từ xa bị ảnh hưởng.",
                "Đã thử cài lại VPN Client nhưng vẫn bị.",
                "Lỗi xảy ra cả trên Windows 11 lẫn macOS.",
                "Họp online bị gián đoạn liên tục vì mất VPN.",
                "Bên mình dùng IPsec, cấu hình đúng theo tài liệu hướng dẫn.",
            ),
            (
                "The log shows 'IKE phase 1 timeout'.",
                "Around 30 remote employees are affected.",
                "Reinstalling the VPN client did not help.",
                "It happens on both Windows 11 and macOS.",
                "Our video calls keep getting cut off when the tunnel drops.",
                "We use IPsec, configured exactly as in the admin guide.",
            ),
        ),
        "proposal": _F(
            (
                "bổ sung tính năng tự động kết nối lại VPN khi đổi mạng",
                "cho phép cấu hình split tunneling theo từng ứng dụng",
                "hiển thị rõ nguyên nhân khi kết nối VPN thất bại",
                "tăng thời gian timeout của phiên VPN lên ít nhất 8 tiếng",
                "hỗ trợ giao thức WireGuard cho VPN Client",
                "cho tunnel tự chuyển sang đường WAN dự phòng khi đường chính mất",
                "phát hành bản VPN Client ổn định cho macOS mới",
            ),
            (
                "add automatic VPN reconnect when the network changes",
                "allow per-application split tunneling",
                "show the real cause when a VPN connection fails",
                "extend the VPN session timeout to at least 8 hours",
                "support WireGuard in the VPN client",
                "let the tunnel fail over to the backup WAN link automatically",
                "release a stable VPN client for the latest macOS",
            ),
        ),
        "reason": _F(
            (
                "nhân viên làm việc từ xa bị gián đoạn công việc nhiều lần mỗi ngày",
                "mỗi lần rớt VPN là mất dữ liệu đang nhập trên hệ thống ERP",
                "bộ phận IT phải hỗ trợ kết nối lại thủ công cho từng người",
                "chi nhánh không truy cập được máy chủ kế toán ở trụ sở",
                "khách hàng của chúng tôi phàn nàn vì cuộc gọi bị ngắt giữa chừng",
            ),
            (
                "our remote staff lose their work several times a day",
                "each VPN drop loses unsaved data in our ERP",
                "the IT team has to reconnect every user by hand",
                "the branch cannot reach the accounting server at headquarters",
                "our own customers complain when calls drop in the middle",
            ),
        ),
    },
    {  # Wi-Fi coverage & roaming
        "problem": _F(
            (
                "Sóng Wi-Fi yếu ở phòng họp tầng 3 dù đã lắp thêm access point.",
                "Khi di chuyển giữa các tầng, điện thoại không tự chuyển sang AP gần nhất.",
                "Wi-Fi hay bị mất kết nối khi có đông người dùng cùng lúc.",
                "Thiết bị roaming giữa các AP thì bị rớt cuộc gọi Zalo, Teams.",
                "Vùng phủ sóng ở kho hàng không đủ, nhiều góc mất sóng hoàn toàn.",
                "Một số laptop không thấy SSID băng tần 5GHz.",
                "Khách lưu trú phàn nàn Wi-Fi ở các phòng cuối hành lang rất yếu.",
                "Access point tự khởi động lại vài lần mỗi ngày.",
                "Điện thoại bắt được Wi-Fi nhưng không vào được mạng.",
            ),
            (
                "Wi-Fi signal is weak in the 3rd floor meeting room even after adding an AP.",
                "Phones don't roam to the nearest access point when moving between floors.",
                "Wi-Fi keeps disconnecting when many users are online at the same time.",
                "Teams calls drop when devices roam between access points.",
                "Coverage in our warehouse is poor, some corners have no signal at all.",
                "Some laptops cannot see the 5 GHz SSID.",
                "Hotel guests complain the Wi-Fi is very weak in rooms at the end of the hall.",
                "The access point reboots by itself a few times a day.",
                "Devices join the Wi-Fi but get no internet access.",
            ),
        ),
        "detail": _F(
            (
                "Cường độ tín hiệu đo được chỉ khoảng -80 dBm.",
                "Có khoảng 120 thiết bị kết nối vào giờ cao điểm.",
                "Đã đổi kênh sang 36 và 149 nhưng không cải thiện.",
                "Tình trạng nặng nhất vào buổi trưa.",
                "Các AP đều đang chạy firmware mới nhất.",
            ),
            (
                "Measured signal strength is only around -80 dBm.",
                "About 120 devices are connected at peak hours.",
                "We changed channels to 36 and 149 with no improvement.",
                "It is worst around lunchtime.",
                "All access points run the latest firmware.",
            ),
        ),
        "proposal": _F(
            (
                "hỗ trợ chuẩn 802.11r/k/v để chuyển vùng nhanh hơn",
                "có công cụ khảo sát vùng phủ sóng ngay trên portal",
                "tự động điều chỉnh công suất phát và kênh theo mật độ người dùng",
                "gửi cảnh báo khi access point tự khởi động lại",
                "cân bằng tải thiết bị giữa các AP gần nhau",
                "ra mắt AP ngoài trời công suất cao hơn cho khu vực kho",
            ),
            (
                "support 802.11r/k/v for faster roaming",
                "add a Wi-Fi coverage heatmap tool to the portal",
                "tune transmit power and channels automatically based on client density",
                "alert us when an access point reboots unexpectedly",
                "add client load balancing between neighbouring APs",
                "offer a higher-power outdoor AP for large warehouses",
            ),
        ),
        "reason": _F(
            (
                "nhân viên phải đứng gần AP mới họp online được",
                "máy quét mã vạch trong kho mất kết nối Wi-Fi liên tục",
                "khách đánh giá thấp khách sạn vì Wi-Fi yếu",
                "chúng tôi đã đầu tư nhiều AP nhưng vẫn không phủ sóng hết",
            ),
            (
                "staff have to stand next to an AP to join online meetings",
                "barcode scanners in the warehouse keep losing Wi-Fi",
                "guests give our hotel bad reviews because of the Wi-Fi",
                "we already bought many access points and still have dead zones",
            ),
        ),
    },
    {  # Throughput & performance
        "problem": _F(
            (
                "Băng thông thực tế qua firewall chỉ đạt khoảng 40% so với thông số công bố.",
                "Khi bật IPS thì tốc độ mạng giảm rất mạnh.",
                "CPU của thiết bị thường xuyên lên 95% vào giờ cao điểm.",
                "Độ trễ tăng vọt lên 300ms khi có nhiều người tải file.",
                "SD-WAN không tự chọn đường truyền tốt nhất, gọi video bị giật.",
                "Tải file lên máy chủ nội bộ rất chậm dù đường truyền 1Gbps.",
                "Sau khi nâng cấp firmware, hiệu năng thiết bị giảm rõ rệt.",
                "Mạng chậm vào mỗi buổi sáng khi mọi người cùng đăng nhập.",
            ),
            (
                "Real throughput through the firewall is only about 40% of the datasheet figure.",
                "Throughput drops sharply when IPS is enabled.",
                "Device CPU often sits at 95% during peak hours.",
                "Latency spikes to 300 ms when several people download files.",
                "SD-WAN does not pick the best link and video calls stutter.",
                "Uploads to our internal server are very slow on a 1 Gbps line.",
                "Performance got noticeably worse after the firmware upgrade.",
                "The network is slow every morning when everyone logs in.",
            ),
        ),
        "detail": _F(
            (
                "Đo bằng iperf chỉ được khoảng 380Mbps.",
                "Tỉ lệ mất gói khoảng 3-5% vào giờ cao điểm.",
                "Đã tắt bớt các tính năng không cần thiết nhưng không cải thiện nhiều.",
                "Văn phòng có khoảng 200 người dùng.",
            ),
            (
                "iperf shows only about 380 Mbps.",
                "Packet loss is around 3-5% at peak time.",
                "Disabling unused features did not help much.",
                "The office has roughly 200 users.",
            ),
        ),
        "proposal": _F(
            (
                "tối ưu hiệu năng khi bật IPS và lọc web",
                "cho phép cấu hình QoS theo ứng dụng dễ dàng hơn",
                "công bố thông số hiệu năng thực tế khi bật đầy đủ tính năng bảo mật",
                "bổ sung biểu đồ CPU, RAM và băng thông theo thời gian thực",
                "cải thiện thuật toán chọn đường của SD-WAN theo độ trễ và mất gói",
            ),
            (
                "optimise throughput with IPS and web filtering enabled",
                "make application-based QoS easier to configure",
                "publish real-world throughput numbers with all security features on",
                "add real-time CPU, memory and bandwidth graphs",
                "improve SD-WAN path selection based on latency and packet loss",
            ),
        ),
        "reason": _F(
            (
                "chúng tôi trả tiền cho đường truyền 1Gbps nhưng không dùng hết được",
                "các cuộc gọi video với khách hàng bị giật, lag",
                "nhân viên mất nhiều thời gian chờ tải dữ liệu",
                "nếu không cải thiện thì phải mua thiết bị đời cao hơn",
            ),
            (
                "we pay for a 1 Gbps line and cannot use it",
                "video calls with clients lag and freeze",
                "staff waste a lot of time waiting for transfers",
                "otherwise we will have to buy a bigger model",
            ),
        ),
    },
    {  # Firewall rules & policies
        "problem": _F(
            (
                "Giao diện tạo rule firewall rất khó dùng khi có hơn 500 rule.",
                "Không thể nhóm các địa chỉ IP thành object để dùng lại trong nhiều policy.",
                "Rule chặn website theo danh mục không hoạt động với một số trang HTTPS.",
                "Sau khi sửa policy phải khởi động lại thiết bị thì mới có hiệu lực.",
                "Không biết rule nào đang chặn kết nối của phần mềm kế toán.",
                "Thứ tự các rule bị đảo lộn sau khi import cấu hình.",
                "Không có cách hẹn giờ bật, tắt rule theo giờ làm việc.",
                "NAT port forwarding cấu hình đúng nhưng từ ngoài vẫn không xem được camera.",
            ),
            (
                "The firewall rule editor is painful to use once you have more than 500 rules.",
                "There is no way to group IP addresses into objects and reuse them in policies.",
                "Category-based web blocking does not work for some HTTPS sites.",
                "Policy changes only take effect after rebooting the appliance.",
                "We can't tell which firewall rule is blocking our accounting software.",
                "Rule order gets scrambled after importing a configuration backup.",
                "There is no way to schedule rules by office hours.",
                "Port forwarding is set up correctly but the camera is unreachable from outside.",
            ),
        ),
        "detail": _F(
            (
                "Hiện tại mỗi lần thay đổi phải sửa tay từng rule.",
                "Hệ thống có khoảng 600 rule và 40 VLAN.",
                "Đã kiểm tra log nhưng không thấy ghi nhận rule nào khớp.",
                "Việc này gây rủi ro cấu hình sai rất cao.",
            ),
            (
                "Right now every change means editing rules one by one.",
                "We have about 600 rules and 40 VLANs.",
                "The log doesn't say which rule matched.",
                "This makes a misconfiguration very likely.",
            ),
        ),
        "proposal": _F(
            (
                "có tính năng tìm kiếm và lọc rule theo IP, cổng, ứng dụng",
                "hỗ trợ address object và service group dùng chung",
                "hiển thị số lần khớp (hit count) cho từng rule",
                "cho phép hẹn giờ áp dụng policy theo khung giờ",
                "có bước xem trước thay đổi trước khi áp dụng policy",
                "có công cụ phát hiện rule trùng lặp hoặc bị che khuất",
            ),
            (
                "add search and filtering of rules by IP, port and application",
                "support shared address objects and service groups",
                "show a hit count for every rule",
                "allow scheduling firewall policies by time of day",
                "add a preview step before policy changes are applied",
                "add a tool that finds duplicate and shadowed rules",
            ),
        ),
        "reason": _F(
            (
                "quản trị viên mất nhiều giờ mỗi tuần để bảo trì rule",
                "đã từng có sự cố một rule sai chặn cả hệ thống bán hàng",
                "kiểm toán yêu cầu chứng minh policy được rà soát định kỳ",
                "rất khó bàn giao cấu hình firewall cho nhân sự mới",
            ),
            (
                "our admins spend hours every week maintaining rules",
                "a wrong rule once blocked our whole point-of-sale system",
                "our auditors require proof that policies are reviewed regularly",
                "it is hard to hand the firewall over to new staff",
            ),
        ),
    },
    {  # Security & authentication
        "problem": _F(
            (
                "Portal chưa hỗ trợ xác thực hai lớp (2FA) cho tài khoản quản trị.",
                "Không đăng nhập được bằng tài khoản Microsoft 365 (SSO).",
                "Mã OTP gửi qua SMS đến rất chậm, có khi hết hạn trước khi nhận được.",
                "Tài khoản bị khóa sau 3 lần nhập sai mà không có cách tự mở khóa.",
                "Không thể phân quyền chỉ xem cho nhân viên cấp dưới.",
                "Có nhiều lần đăng nhập thất bại từ IP lạ nhưng hệ thống không cảnh báo.",
                "Chứng chỉ SSL trên thiết bị hết hạn mà không có thông báo trước.",
                "Đồng bộ người dùng từ LDAP, Active Directory hay bị lỗi.",
            ),
            (
                "The portal has no two-factor authentication for admin accounts.",
                "We cannot sign in with our Microsoft 365 accounts (SSO).",
                "SMS OTP codes arrive so late they sometimes expire before we get them.",
                "Accounts are locked after 3 failed attempts with no self-service unlock.",
                "There is no read-only role for junior staff.",
                "We saw many failed logins from unknown IPs and got no alert.",
                "The SSL certificate on the appliance expired without any warning.",
                "LDAP / Active Directory sync keeps failing to import users.",
            ),
        ),
        "detail": _F(
            (
                "Đây là yêu cầu bắt buộc theo chính sách bảo mật của công ty.",
                "Sự việc xảy ra lúc 2 giờ sáng.",
                "Hiện có khoảng 15 quản trị viên dùng chung một mật khẩu.",
                "Ngân hàng đối tác yêu cầu tuân thủ PCI DSS.",
            ),
            (
                "This is mandatory under our company security policy.",
                "It happened around 2 AM.",
                "About 15 admins currently share one password.",
                "Our banking partner requires PCI DSS compliance.",
            ),
        ),
        "proposal": _F(
            (
                "hỗ trợ 2FA bằng ứng dụng authenticator",
                "tích hợp đăng nhập một lần (SSO) qua SAML hoặc Azure AD",
                "gửi cảnh báo qua email khi có đăng nhập bất thường",
                "bổ sung phân quyền chi tiết theo vai trò",
                "nhắc gia hạn chứng chỉ trước 30 ngày",
                "cho phép người dùng tự mở khóa tài khoản qua email",
            ),
            (
                "support 2FA with an authenticator app",
                "add single sign-on via SAML or Azure AD",
                "send an email alert on suspicious logins",
                "add fine-grained role-based access control",
                "remind us 30 days before a certificate expires",
                "let users unlock their own account via email",
            ),
        ),
        "reason": _F(
            (
                "chúng tôi cần vượt qua đợt đánh giá ISO 27001",
                "rủi ro bị chiếm quyền tài khoản quản trị là rất lớn",
                "bộ phận IT quá tải vì phải reset mật khẩu thủ công",
                "đối tác yêu cầu bằng chứng về kiểm soát truy cập",
            ),
            (
                "we need to pass our ISO 27001 audit",
                "the risk of an admin account takeover is too high",
                "IT is overloaded with manual password resets",
                "our partners ask for evidence of access control",
            ),
        ),
    },
    {  # Portal usability
        "problem": _F(
            (
                "Giao diện NetCloud Portal tải rất chậm, mỗi trang mất 10-15 giây.",
                "Menu cài đặt quá nhiều tầng, rất khó tìm chức năng cần dùng.",
                "Portal không có tiếng Việt, nhân viên mới khó sử dụng.",
                "Không thể quản lý nhiều chi nhánh trên cùng một màn hình.",
                "Bảng danh sách thiết bị không cho sắp xếp hoặc lọc theo cột.",
                "Portal bị lỗi hiển thị khi mở trên Safari.",
                "Bị đăng xuất liên tục sau vài phút không thao tác.",
                "Nút lưu cấu hình nằm ở chỗ khó thấy, nhiều lần quên lưu.",
            ),
            (
                "The portal is very slow, every page takes 10-15 seconds to load.",
                "The settings menu is nested too deep, it's hard to find anything.",
                "The portal has no Vietnamese language option.",
                "There is no single screen to manage all our branches.",
                "The device list can't be sorted or filtered by column.",
                "The portal layout breaks in Safari.",
                "We get logged out after a few minutes of inactivity.",
                "The save button is easy to miss and we lost changes several times.",
            ),
        ),
        "detail": _F(
            (
                "Đặc biệt chậm khi mở trang danh sách thiết bị.",
                "Công ty có 25 chi nhánh nên thao tác lặp lại rất nhiều.",
                "Đã thử trên Chrome và Edge đều như nhau.",
                "Nhân viên lớn tuổi rất khó làm quen với giao diện.",
            ),
            (
                "It's especially slow on the device list page.",
                "We have 25 branches so we repeat the same clicks many times.",
                "Same on Chrome and Edge.",
                "Older staff find the interface hard to learn.",
            ),
        ),
        "proposal": _F(
            (
                "bổ sung giao diện tiếng Việt",
                "có dashboard tổng quan cho tất cả chi nhánh",
                "thêm ô tìm kiếm nhanh chức năng và trang cài đặt",
                "cho phép thao tác hàng loạt trên nhiều thiết bị",
                "thiết kế lại menu cài đặt cho gọn hơn",
                "tự lưu nháp cấu hình khi chưa bấm lưu",
            ),
            (
                "add a Vietnamese interface",
                "provide an overview dashboard across all sites",
                "add a quick search for settings and pages",
                "allow bulk actions on many devices at once",
                "simplify the settings menu",
                "autosave draft changes in the portal",
            ),
        ),
        "reason": _F(
            (
                "việc quản trị hằng ngày tốn quá nhiều thời gian",
                "giao diện rối nên nhân viên dễ thao tác nhầm",
                "chúng tôi phải đào tạo lại mỗi khi có người mới",
            ),
            (
                "daily admin work takes far too long",
                "the cluttered interface leads to mistakes",
                "we have to retrain every new hire",
            ),
        ),
    },
    {  # Reporting & logs
        "problem": _F(
            (
                "Báo cáo lưu lượng chỉ lưu được 7 ngày, không đủ để đối chiếu.",
                "Không xuất được log ra file CSV hoặc gửi sang Syslog server.",
                "Báo cáo hằng tháng không cho biết người dùng nào dùng nhiều băng thông nhất.",
                "Thời gian trong log bị lệch 7 tiếng so với giờ Việt Nam.",
                "Tìm kiếm trong log rất chậm và hay bị timeout.",
                "Báo cáo PDF gửi qua email bị lỗi font tiếng Việt.",
                "Không có báo cáo về các mối đe dọa đã bị chặn.",
            ),
            (
                "Traffic reports are kept for only 7 days, not enough for audits.",
                "Logs can't be exported to CSV or forwarded to a syslog server.",
                "The monthly report doesn't show which users use the most bandwidth.",
                "Log timestamps are 7 hours off from local time.",
                "Searching the logs is slow and often times out.",
                "Emailed PDF reports break Vietnamese fonts.",
                "There is no report of the threats that were blocked.",
            ),
        ),
        "detail": _F(
            (
                "Ban giám đốc cần báo cáo này vào đầu mỗi tháng.",
                "Mỗi ngày hệ thống sinh ra khoảng 5GB log.",
                "Đơn vị kiểm toán yêu cầu lưu log tối thiểu 90 ngày.",
            ),
            (
                "Management needs this report at the start of each month.",
                "We generate about 5 GB of logs a day.",
                "Auditors require at least 90 days of log retention.",
            ),
        ),
        "proposal": _F(
            (
                "cho phép lưu trữ log tối thiểu 1 năm",
                "hỗ trợ gửi log sang Syslog hoặc SIEM",
                "bổ sung báo cáo top người dùng và top ứng dụng",
                "cho phép hẹn lịch gửi báo cáo tự động qua email",
                "cho phép chọn múi giờ hiển thị trong log",
            ),
            (
                "keep logs for at least one year",
                "support syslog or SIEM forwarding",
                "add top users and top applications reports",
                "schedule reports to be emailed automatically",
                "let us choose the time zone shown in logs",
            ),
        ),
        "reason": _F(
            (
                "cần có bằng chứng khi điều tra sự cố",
                "ban lãnh đạo cần số liệu sử dụng hằng tháng",
                "quy định tuân thủ yêu cầu lưu log dài hạn",
            ),
            (
                "we need evidence when investigating incidents",
                "management wants monthly usage figures",
                "compliance rules require long log retention",
            ),
        ),
    },
    {  # Mobile app
        "problem": _F(
            (
                "App NetCloud Mobile hay bị văng khi mở màn hình thiết bị.",
                "App không có thông báo đẩy khi thiết bị mất kết nối.",
                "Không đăng nhập được app trên iPhone sau khi cập nhật iOS.",
                "App chỉ xem được, không cấu hình được gì.",
                "Ứng dụng ngốn pin nhiều dù chỉ chạy nền.",
                "Biểu đồ trên app hiển thị số liệu khác với portal.",
                "App không hỗ trợ đăng nhập bằng vân tay hay Face ID.",
            ),
            (
                "The NetCloud Mobile app crashes when opening the device screen.",
                "No push notification from the app when a device goes offline.",
                "Can't log in to the app on iPhone after the iOS update.",
                "The app is view-only, you can't change any settings.",
                "The app drains the battery even in the background.",
                "Charts in the app show different numbers from the web portal.",
                "The app doesn't support fingerprint or Face ID login.",
            ),
        ),
        "detail": _F(
            (
                "Điện thoại dùng Android 14, app bản mới nhất.",
                "Đã gỡ app ra cài lại nhưng vẫn lỗi.",
                "Tôi thường phải xử lý sự cố ngoài giờ nên rất cần app.",
            ),
            (
                "Android 14, latest version of the app.",
                "Uninstalling and reinstalling the app didn't help.",
                "I often handle incidents after hours so I rely on the app.",
            ),
        ),
        "proposal": _F(
            (
                "gửi thông báo đẩy ngay khi thiết bị offline",
                "cho phép khởi động lại thiết bị từ app",
                "hỗ trợ đăng nhập app bằng sinh trắc học",
                "bổ sung chế độ tối (dark mode) cho app",
                "cho phép chỉnh sửa cấu hình cơ bản ngay trên app",
            ),
            (
                "send a push notification as soon as a device goes offline",
                "let us reboot devices from the app",
                "support biometric login in the app",
                "add a dark mode to the app",
                "allow basic configuration changes in the app",
            ),
        ),
        "reason": _F(
            (
                "quản trị viên không phải lúc nào cũng ngồi trước máy tính",
                "cần phản ứng nhanh khi có sự cố ngoài giờ",
                "app hiện tại gần như không dùng được",
            ),
            (
                "admins are not always at a computer",
                "we need to react quickly to incidents after hours",
                "the app is barely usable as it is",
            ),
        ),
    },
    {  # Billing & invoices
        "problem": _F(
            (
                "Hóa đơn điện tử tháng này bị sai mã số thuế công ty.",
                "Bị trừ tiền gia hạn license hai lần trong cùng một tháng.",
                "Không tải được hóa đơn VAT từ MyAccount.",
                "Phí gia hạn tăng mà không có thông báo trước.",
                "Trang thanh toán không hỗ trợ chuyển khoản bằng mã QR ngân hàng.",
                "License đã thanh toán nhưng thiết bị vẫn báo hết hạn.",
                "Không xem được lịch sử thanh toán của các năm trước.",
            ),
            (
                "This month's e-invoice has the wrong company tax code.",
                "We were charged twice for the license renewal this month.",
                "Can't download the VAT invoice from MyAccount.",
                "The renewal price went up without any notice.",
                "The payment page doesn't support bank QR transfers.",
                "The license is paid but the device still says it has expired.",
                "Can't see the payment history of previous years.",
            ),
        ),
        "detail": _F(
            (
                "Số tiền bị trừ thừa là 12.500.000 đồng.",
                "Kế toán cần hóa đơn trước ngày 25 để quyết toán.",
                "Đã gửi email cho bộ phận thanh toán từ tuần trước nhưng chưa được phản hồi.",
            ),
            (
                "The overcharge is 12,500,000 VND.",
                "Our accountant needs the invoice before the 25th to close the books.",
                "We emailed your billing team last week and got no reply.",
            ),
        ),
        "proposal": _F(
            (
                "hoàn lại khoản tiền bị trừ thừa và kiểm tra lại hệ thống thanh toán",
                "cho phép khách hàng tự sửa thông tin xuất hóa đơn",
                "thông báo trước 30 ngày khi thay đổi giá",
                "hỗ trợ thanh toán qua VietQR và ví điện tử",
                "gộp tất cả thiết bị vào một hóa đơn mỗi tháng",
            ),
            (
                "refund the double charge and check the billing system",
                "let us edit the invoice details ourselves",
                "notify customers 30 days before a price change",
                "support VietQR and e-wallet payments",
                "put all devices on one monthly invoice",
            ),
        ),
        "reason": _F(
            (
                "hóa đơn sai thì không khấu trừ thuế được",
                "kế toán phải đối soát thủ công mất nhiều thời gian",
                "chúng tôi cần kiểm soát chặt chẽ chi phí IT",
            ),
            (
                "a wrong invoice can't be used for tax deduction",
                "our accountant reconciles everything by hand",
                "we have to keep IT costs under control",
            ),
        ),
    },
    {  # Installation & setup
        "problem": _F(
            (
                "Tài liệu hướng dẫn cài đặt ban đầu cho thiết bị quá sơ sài.",
                "Thiết bị mới không tự nhận cấu hình từ cloud (zero-touch) như quảng cáo.",
                "Không tìm thấy tài liệu tiếng Việt để cấu hình PPPoE.",
                "Kỹ thuật viên hẹn lắp đặt nhưng đến trễ 2 ngày.",
                "Cấu hình ban đầu cho SD-WAN phức tạp, mất cả ngày vẫn chưa xong.",
                "Thiết bị không nhận cổng WAN thứ hai sau khi lắp đặt.",
                "Nâng cấp firmware bị lỗi giữa chừng, thiết bị không khởi động được.",
            ),
            (
                "The quick start guide for the appliance is far too thin.",
                "New devices don't pick up their config from the cloud (zero-touch) as promised.",
                "We can't find any Vietnamese documentation for setting up PPPoE.",
                "The installation technician arrived 2 days late.",
                "Initial SD-WAN setup is complicated, a full day and still not done.",
                "The second WAN port isn't detected after installation.",
                "A firmware upgrade failed halfway and the device won't boot.",
            ),
        ),
        "detail": _F(
            (
                "Chi nhánh mới dự kiến khai trương vào tuần sau.",
                "Bên mình không có kỹ sư mạng chuyên trách.",
                "Đã làm theo từng bước trong tài liệu.",
            ),
            (
                "The new branch is supposed to open next week.",
                "We don't have a dedicated network engineer.",
                "We followed the guide step by step.",
            ),
        ),
        "proposal": _F(
            (
                "có video hướng dẫn cài đặt bằng tiếng Việt",
                "cải thiện zero-touch để thiết bị cắm vào là chạy",
                "có trình hướng dẫn cài đặt từng bước trên portal",
                "hỗ trợ kỹ thuật từ xa trong lúc lắp đặt",
                "cho phép quay về firmware cũ khi nâng cấp lỗi",
            ),
            (
                "publish setup videos in Vietnamese",
                "make zero-touch provisioning truly plug and play",
                "add a step-by-step setup wizard to the portal",
                "offer remote assistance during installation",
                "allow rolling back to the previous firmware when an upgrade fails",
            ),
        ),
        "reason": _F(
            (
                "việc triển khai chi nhánh mới bị chậm tiến độ",
                "chúng tôi không có đủ nhân sự kỹ thuật",
                "mỗi lần lắp đặt phải gọi hotline nhiều lần",
            ),
            (
                "new branch rollouts are getting delayed",
                "we don't have enough technical staff",
                "every installation needs several calls to your hotline",
            ),
        ),
    },
)

_GENERIC_REASON = _F(
    (
        "việc này ảnh hưởng trực tiếp đến hoạt động kinh doanh",
        "chúng tôi đã mất rất nhiều thời gian vì lỗi này",
        "đối thủ của bên bạn đã có tính năng này",
        "hợp đồng sắp đến hạn gia hạn và chúng tôi cần cân nhắc",
        "sếp yêu cầu xử lý dứt điểm",
        "nhiều người dùng trong công ty phàn nàn",
    ),
    (
        "this directly affects our business",
        "we have lost a lot of time over this",
        "your competitors already offer this",
        "our contract is up for renewal soon",
        "my boss wants this fixed for good",
        "many users in our company complain",
    ),
)
_OPENING_WRITTEN = _F(
    (
        "Chào anh/chị, ",
        "Xin chào, ",
        "Chào team, ",
        "Kính gửi bộ phận hỗ trợ kỹ thuật,\n",
        "Dear team, ",
        "Em chào anh chị ạ. ",
        "Alo team ơi, ",
        "Gấp!!! ",
        "Hi team, ",
        "Chào bạn. ",
    ),
    (
        "Hi, ",
        "Hello team, ",
        "Dear support,\n",
        "Hi there. ",
        "Urgent: ",
        "Good morning, ",
        "Hey guys, ",
        "To whom it may concern,\n",
    ),
)
_OPENING_HOTLINE = _F(
    (
        "KH gọi hotline báo: ",
        "KH phản ánh: ",
        "Khách hàng gọi lên báo: ",
        "Ghi nhận cuộc gọi: ",
        "KH (gọi lần 2) báo: ",
        "Hotline - ",
    ),
    (
        "Customer called: ",
        "Caller reports: ",
        "Call note - ",
        "Cust says: ",
        "Callback requested. ",
    ),
)
# (before the product name, after it)
_PREAMBLE: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = (
    (
        ("Công ty mình đang dùng ", " ở văn phòng. "),
        ("Bên em dùng ", " được khoảng 1 năm. "),
        ("Về ", ": "),
        ("[", "] "),
        ("Sản phẩm ", ": "),
        ("Mình dùng ", ". "),
        ("Hệ thống ", " bên em: "),
    ),
    (
        ("We use ", " at our office. "),
        ("Re: ", " - "),
        ("[", "] "),
        ("About ", ": "),
        ("We have ", " deployed across 5 sites. "),
        ("Issue with ", ". "),
        ("Regarding ", ": "),
    ),
)
_CONTEXT = _F(
    (
        "Tình trạng này xảy ra từ tuần trước.",
        "Lỗi bắt đầu sau khi cập nhật firmware.",
        "Bị từ hôm qua đến giờ.",
        "Đã báo 2 lần rồi mà chưa được xử lý.",
        "Không phải lần đầu bị như vậy.",
        "Ngày nào cũng bị.",
        "Đã khởi động lại thiết bị nhưng không được.",
        "Ảnh chụp màn hình em gửi kèm email.",
        "Lúc được lúc không.",
    ),
    (
        "This started last week.",
        "It began after the latest firmware update.",
        "Been like this since yesterday.",
        "This is the second time we report it.",
        "Not the first time this happens.",
        "Happens every single day.",
        "Rebooting the device didn't help.",
        "Screenshots attached.",
        "It comes and goes.",
    ),
)
_CLOSING = _F(
    (
        "Cảm ơn.",
        "Cảm ơn anh/chị!",
        "Mong sớm nhận được phản hồi.",
        "Nhờ team kiểm tra giúp.",
        "Xử lý gấp giúp em với ạ!",
        "\nTrân trọng.",
        "Thanks!",
        "🙏",
        "😤😤",
        "Mong bên mình hỗ trợ sớm 🙏",
        "Tks team.",
    ),
    (
        "Thanks.",
        "Thanks in advance!",
        "Please advise.",
        "Please fix asap!!",
        "\nRegards.",
        "Looking forward to your reply.",
        "🙏",
        "😡",
        "Cheers 🙂",
        "\nBest regards,\nIT team",
    ),
)
# (before the proposal body, after it)
_PROPOSAL_LEAD: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = (
    (
        ("Đề nghị ", "."),
        ("Mong team ", " ạ."),
        ("Em đề xuất ", "."),
        ("Nên ", "."),
        ("Có thể ", " được không ạ?"),
        ("Đề xuất: ", ""),
        ("Mong muốn bên mình ", "."),
        ("Hy vọng bản cập nhật tới sẽ ", "."),
        ("Rất mong các bạn ", ", cảm ơn!"),
    ),
    (
        ("Please ", "."),
        ("Could you ", "?"),
        ("It would be great to ", "."),
        ("Suggestion: ", "."),
        ("We'd like you to ", "."),
        ("Feature request: ", ""),
        ("Can you guys ", "? thanks"),
        ("Would be nice to ", "."),
        ("We'd love it if you could ", " in the next release."),
    ),
)
_PROPOSAL_TAIL = _F(
    ("Cảm ơn!", "🙏", "Mong được xem xét.", "Việc này rất cần thiết."),
    ("Thanks!", "🙏", "Would really help us.", "+1 from our whole team."),
)
_REASON_LEAD: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = (
    (
        ("Vì ", "."),
        ("Do ", "."),
        ("Lý do: ", "."),
        ("Bởi vì ", "."),
        ("Vì ", " ạ."),
        ("Tại vì ", "!!"),
    ),
    (
        ("Because ", "."),
        ("Reason: ", "."),
        ("Since ", "."),
        ("Main reason: ", "."),
        ("This matters because ", "."),
        ("Why: ", "!"),
    ),
)
_REASON_TAIL = _F(
    ("Mong được ưu tiên xử lý.", "😞", "Cảm ơn.", "Rất cần hỗ trợ sớm."),
    ("Please prioritise.", "😞", "Thanks.", "Hope you can help soon."),
)
# A few customers type their own phone number or address into their words, as real ones do, so
# the app meets contacts in free text that it must mask (feedback_analytics.privacy). Per
# language (Vietnamese, Vietnamese without accents, English) and contact (phone, e-mail): the
# words before and after it.
_CONTACT_SHARE = 0.03
_CONTACT_REQUEST: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Vui lòng gọi lại cho tôi theo số ", "."), ("Liên hệ: ", ""), ("SĐT của tôi là ", " ạ.")),
    (("Liên hệ: ", ""), ("Vui lòng phản hồi qua email ", "."), ("Gửi kết quả về ", " nhé.")),
    (("Vui long goi lai cho toi theo so ", "."), ("Lien he: ", ""), ("sdt cua minh: ", "")),
    (("Lien he: ", ""), ("Gui ket qua qua email ", " giup minh."), ("email: ", "")),
    (("Please call me back on ", "."), ("You can reach me at ", "."), ("Call me: ", "")),
    (("Please reply to ", "."), ("Contact: ", ""), ("Send the fix details to ", " please.")),
)
_CONTACT_LANGUAGE = (0, 0, 1, 2, 2)  # per writer variant: _VI, _VI_CASUAL, _VI_PLAIN, _EN, ...
# Its own stream, so that adding the requests left every other column as it was for a seed.
_CONTACT_STREAM = 0xC0DE
# Survey comments by sentiment: scores 1-2, 3, 4-5.
_COMMENTS: tuple[_F, _F, _F] = (
    _F(
        (
            "Chờ quá lâu mới được xử lý.",
            "Lỗi vẫn còn, không hài lòng.",
            "Phải gọi nhiều lần mới có người hỗ trợ 😡",
            "Không ai thông báo tiến độ cho tôi.",
            "Rất thất vọng với dịch vụ.",
        ),
        (
            "Took way too long.",
            "The problem is still there.",
            "Had to chase you several times 😡",
            "Nobody updated me on progress.",
            "Very disappointed.",
        ),
    ),
    _F(
        (
            "Đã xử lý nhưng hơi lâu.",
            "Tạm ổn.",
            "Cũng được, mong cải thiện thêm.",
            "Mới giải quyết được một phần.",
        ),
        ("Fixed, but it took a while.", "OK.", "Partly solved.", "Fine, could be faster."),
    ),
    _F(
        (
            "Xử lý nhanh, cảm ơn team!",
            "Nhân viên hỗ trợ nhiệt tình.",
            "Rất hài lòng 👍",
            "Ok, đã hoạt động bình thường.",
            "Kỹ thuật viên giải thích dễ hiểu.",
            "Tốt, sẽ giới thiệu cho đối tác.",
        ),
        (
            "Quick fix, thanks!",
            "The support engineer was very helpful.",
            "Great service 👍",
            "Works fine now.",
            "Clear explanation, much appreciated.",
        ),
    ),
)

# Customers: Vietnamese names (family names weighted by how common they are), addresses.
_FAMILY: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 0.38), ("Trần", 0.11), ("Lê", 0.095), ("Phạm", 0.07), ("Hoàng", 0.041),
    ("Huỳnh", 0.031), ("Phan", 0.045), ("Vũ", 0.039), ("Võ", 0.03), ("Đặng", 0.021),
    ("Bùi", 0.02), ("Đỗ", 0.014), ("Hồ", 0.013), ("Ngô", 0.013), ("Dương", 0.01),
    ("Lý", 0.005), ("Đinh", 0.01), ("Trương", 0.01), ("Mai", 0.005), ("Cao", 0.005),
    ("Lương", 0.005), ("Tạ", 0.003),
)  # fmt: skip
_MIDDLE = (
    ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Hoàng", "Công", "Tuấn", "Gia"),
    ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Kim", "Bảo", "Hồng", "Mỹ"),
)
_GIVEN = (
    (
        "An", "Bảo", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hoàng",
        "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa",
        "Phong", "Phúc", "Quang", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến",
        "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    ),
    (
        "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
        "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
        "Phương", "Quỳnh", "Thảo", "Thu", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân",
        "Vy", "Xuân", "Yến",
    ),
)  # fmt: skip
_FREE_MAIL = (
    ("gmail.com", 0.62),
    ("yahoo.com", 0.12),
    ("outlook.com", 0.14),
    ("hotmail.com", 0.12),
)
_COMPANY_MAIL = (
    "minhphat.com.vn", "tanthanhlogistics.vn", "hoasenhotel.vn", "anphugroup.com.vn",
    "saigonprint.vn", "kimlongpharma.vn", "bachkhoasoft.vn", "mekongfood.com.vn",
    "truongthinh.vn", "sunriseschool.edu.vn", "phuongnamclinic.vn", "hanoitech.vn",
    "danangresort.vn", "thanhcongtextile.com.vn", "vietlongsteel.vn", "songhanbank.vn",
)  # fmt: skip
_PHONE_PREFIXES = (
    "90", "93", "89", "70", "79", "77", "76", "78", "91", "94", "88", "81", "82", "83", "84",
    "85", "96", "97", "98", "86", "32", "33", "34", "35", "36", "37", "38", "39", "92", "56",
    "58",
)  # fmt: skip
_STREETS = (
    "Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Lý Thường Kiệt", "Hai Bà Trưng", "Nguyễn Trãi",
    "Lê Duẩn", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần", "Nguyễn Thị Minh Khai",
    "Phan Đình Phùng", "Quang Trung", "Trần Phú", "Hoàng Văn Thụ", "Nguyễn Văn Cừ",
    "Lê Văn Sỹ", "Pasteur", "Tôn Đức Thắng", "Bạch Đằng", "Xuân Thủy", "Kim Mã", "Láng Hạ",
    "Giải Phóng", "Nguyễn Chí Thanh", "Phạm Văn Đồng", "Võ Nguyên Giáp", "Hùng Vương",
    "Nguyễn Văn Linh", "Lạc Long Quân", "Trường Chinh", "Nguyễn Đình Chiểu",
)  # fmt: skip
# City as written, its weight, and its districts.
_CITIES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    (
        "TP. Hồ Chí Minh",
        0.38,
        (
            "Quận 1", "Quận 3", "Quận 7", "Quận 10", "Quận Bình Thạnh", "Quận Phú Nhuận",
            "Quận Tân Bình", "Quận Gò Vấp", "TP. Thủ Đức",
        ),
    ),
    (
        "Hà Nội",
        0.3,
        (
            "Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Đống Đa", "Quận Cầu Giấy",
            "Quận Hai Bà Trưng", "Quận Thanh Xuân", "Quận Tây Hồ", "Quận Nam Từ Liêm",
            "Quận Long Biên", "Quận Hoàng Mai",
        ),
    ),
    (
        "Đà Nẵng",
        0.08,
        ("Quận Hải Châu", "Quận Thanh Khê", "Quận Sơn Trà", "Quận Ngũ Hành Sơn", "Quận Liên Chiểu"),
    ),
    ("Hải Phòng", 0.05, ("Quận Hồng Bàng", "Quận Lê Chân", "Quận Ngô Quyền")),
    ("Cần Thơ", 0.04, ("Quận Ninh Kiều", "Quận Cái Răng")),
    ("Bình Dương", 0.06, ("TP. Thủ Dầu Một", "TP. Dĩ An", "TP. Thuận An")),
    ("Đồng Nai", 0.04, ("TP. Biên Hòa", "Huyện Long Thành")),
    ("Khánh Hòa", 0.025, ("TP. Nha Trang", "TP. Cam Ranh")),
    ("Bà Rịa - Vũng Tàu", 0.025, ("TP. Vũng Tàu", "TP. Bà Rịa")),
)  # fmt: skip
_BUILDINGS = (
    "Tầng 5, Tòa nhà Sao Mai, ",
    "Tầng 12, Hoa Sen Tower, ",
    "Lầu 3, An Phú Plaza, ",
    "Phòng 808, Tòa nhà Thành Công, ",
    "Tầng 2, Khu công nghiệp Tân Tạo, ",
)
_HOUSE_SUFFIX = ("", "", "", "", "/2", "/5", "/12", "A", "B", "/3A")

_VI_ABBREVIATIONS = (
    (r"\bkhông\b", "ko"),
    (r"\bKhông\b", "Ko"),
    (r"\bđược\b", "đc"),
    (r"\bvới\b", "vs"),
    (r"\brồi\b", "r"),
    (r"\banh/chị\b", "a/c"),
    (r"\banh chị\b", "a/c"),
    (r"\bnhiều\b", "nhìu"),
    (r"\btrước\b", "trc"),
    (r"\bCảm ơn\b", "Cám ơn"),
    (r"\bnhân viên\b", "nv"),
)
_EN_ABBREVIATIONS = (
    (r"\bPlease\b", "Pls"),
    (r"\bplease\b", "pls"),
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\bThanks\b", "Thx"),
    (r"\bthanks\b", "thx"),
    (r"\bbecause\b", "cuz"),
    (r"\bBecause\b", "Cuz"),
    (r"n't\b", "nt"),
    (r"\bI'm\b", "im"),
    (r"\bminutes\b", "mins"),
    (r"\bconfiguration\b", "config"),
)


def _strip_diacritics(text: str) -> str:
    """Return text as typed on a keyboard without Vietnamese input: no accents, đ as d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def _abbreviate(text: str, rules: Sequence[tuple[str, str]]) -> str:
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    return text


def _typo(text: str) -> str:
    """Return text with two letters of its longest word swapped, as a hurried typist does."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 6 or not word.isalpha():
        return text
    mid = len(word) // 2
    words[longest] = word[: mid - 1] + word[mid] + word[mid - 1] + word[mid + 1 :]
    return " ".join(words)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _variants(fragments: _F) -> list[list[str]]:
    """Return the fragments as each writer variant types them (indexed by _VI.._EN_CASUAL)."""
    vi, en = list(fragments.vi), list(fragments.en)
    vi_casual = [_abbreviate(t, _VI_ABBREVIATIONS) for t in vi]
    # Half of those who type without accents also abbreviate; the other half only drop accents.
    vi_plain = [_strip_diacritics(vi_casual[i] if i % 2 == 0 else t) for i, t in enumerate(vi)]
    en_casual = []
    for i, t in enumerate(en):
        casual = _abbreviate(t, _EN_ABBREVIATIONS)
        if i % 4 == 1:
            casual = _typo(casual)
        if i % 3 == 0:
            casual = _lower_first(casual)
        en_casual.append(casual)
    return [vi, vi_casual, vi_plain, en, en_casual]


def _paired_variants(
    pairs: tuple[Sequence[tuple[str, str]], Sequence[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    """Return (before, after) pairs per writer variant."""
    before = _variants(_F(tuple(p[0] for p in pairs[0]), tuple(p[0] for p in pairs[1])))
    after = _variants(_F(tuple(p[1] for p in pairs[0]), tuple(p[1] for p in pairs[1])))
    return [list(zip(b, a, strict=True)) for b, a in zip(before, after, strict=True)]


@dataclass(frozen=True)
class _Pool:
    """Fragments in groups, flattened: element 0 of each column is '' (the fragment left out)."""

    columns: tuple[np.ndarray, ...]
    offsets: np.ndarray
    counts: np.ndarray

    def pick(
        self, rng: np.random.Generator, groups: np.ndarray, keep: np.ndarray | None = None
    ) -> np.ndarray:
        """Return one fragment index per record, uniform within its group; 0 where not kept."""
        index = self.offsets[groups] + (rng.random(len(groups)) * self.counts[groups]).astype(
            np.int64
        )
        return index if keep is None else np.where(keep, index, 0)


def _pool(groups: Sequence[Sequence[str | tuple[str, ...]]], prefix: str = "") -> _Pool:
    """Return a pool of groups of fragments; prefix is put before each non-empty fragment."""
    items = [item if isinstance(item, tuple) else (item,) for group in groups for item in group]
    width = len(items[0])

    def prefixed(text: str) -> str:
        # A fragment that starts a new line carries its own separator.
        return text if not text or text.startswith("\n") else prefix + text

    columns = tuple(
        np.array(["", *(prefixed(item[k]) if k == 0 else item[k] for item in items)], dtype=object)
        for k in range(width)
    )
    counts = np.array([len(group) for group in groups], dtype=np.int64)
    offsets = 1 + np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _Pool(columns, offsets, counts)


@dataclass(frozen=True)
class _Texts:
    """Every fragment pool, grouped by writer variant and, where texts differ, by category."""

    opening: _Pool  # group: variant * 2 + is_hotline
    preamble: _Pool  # group: variant
    problem: _Pool  # group: variant * 10 + category
    detail: _Pool  # group: variant * 10 + category
    context: _Pool  # group: variant
    closing: _Pool  # group: variant
    proposal_lead: _Pool  # group: variant
    proposal: _Pool  # group: variant * 10 + category
    proposal_tail: _Pool  # group: variant
    reason_lead: _Pool  # group: variant
    reason: _Pool  # group: variant * 11 + category (10: any category)
    reason_tail: _Pool  # group: variant
    comment: _Pool  # group: variant * 3 + sentiment


def _per_category(kind: str) -> list[list[str]]:
    by_category = [_variants(text[kind]) for text in _CATEGORY_TEXT]
    return [by_category[c][v] for v in range(_N_VARIANTS) for c in range(len(CATEGORIES))]


@lru_cache(maxsize=1)
def _texts() -> _Texts:
    """Return the fragment pools (built once per process)."""
    written, hotline = _variants(_OPENING_WRITTEN), _variants(_OPENING_HOTLINE)
    preamble = _paired_variants(_PREAMBLE)
    reasons = [_variants(text["reason"]) for text in _CATEGORY_TEXT] + [_variants(_GENERIC_REASON)]
    comments = [_variants(c) for c in _COMMENTS]
    return _Texts(
        opening=_pool([g for v in range(_N_VARIANTS) for g in (written[v], hotline[v])]),
        preamble=_pool(preamble),
        problem=_pool(_per_category("problem")),
        detail=_pool(_per_category("detail"), prefix=" "),
        context=_pool(_variants(_CONTEXT), prefix=" "),
        closing=_pool(_variants(_CLOSING), prefix=" "),
        proposal_lead=_pool(_paired_variants(_PROPOSAL_LEAD)),
        proposal=_pool(_per_category("proposal")),
        proposal_tail=_pool(_variants(_PROPOSAL_TAIL), prefix=" "),
        reason_lead=_pool(_paired_variants(_REASON_LEAD)),
        reason=_pool([reasons[c][v] for v in range(_N_VARIANTS) for c in range(len(reasons))]),
        reason_tail=_pool(_variants(_REASON_TAIL), prefix=" "),
        comment=_pool([comments[s][v] for v in range(_N_VARIANTS) for s in range(3)]),
    )


@lru_cache(maxsize=1)
def _times_of_day() -> np.ndarray:
    """Return 'HH:MM:SS+07:00' for every second of a day."""
    return np.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{UTC_OFFSET}" for s in range(_DAY)],
        dtype=object,
    )


def _join(*parts: np.ndarray) -> np.ndarray:
    """Return the element-wise concatenation of string arrays."""
    # One C-level join per record is several times faster than chaining numpy object adds,
    # which allocate a full intermediate array of strings per step.
    return np.array(list(map("".join, zip(*parts, strict=True))), dtype=object)


def _choose_rows(
    rng: np.random.Generator, probabilities: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Return, per record, an outcome drawn from its row of a table of probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))
    outcome = np.empty(len(rows), dtype=np.int64)
    for row in range(len(probabilities)):
        members = rows == row
        outcome[members] = np.searchsorted(cumulative[row], u[members], side="right")
    return np.minimum(outcome, probabilities.shape[1] - 1)


def _choose(rng: np.random.Generator, size: int, weights: Sequence[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _lognormal_hours(
    rng: np.random.Generator, median_hours: np.ndarray | float, sigma: np.ndarray | float, n: int
) -> np.ndarray:
    """Return lognormal delays in seconds (capped at 90 days)."""
    hours = np.asarray(median_hours) * np.exp(np.asarray(sigma) * rng.standard_normal(n))
    return (np.minimum(hours, 90 * 24) * _HOUR).astype(np.int64)


def _office_hours(rng: np.random.Generator, t: np.ndarray, share: float) -> np.ndarray:
    """Return t with a share of night-time events moved to the next morning (never earlier)."""
    n = len(t)
    seconds = t % _DAY
    midnight = t - seconds
    late, early = seconds >= 21 * _HOUR, seconds < 7 * _HOUR
    morning = (7.5 * _HOUR + rng.random(n) * 2.5 * _HOUR).astype(np.int64)
    move = (late | early) & (rng.random(n) < share) & (t < _NEVER)
    return np.where(move, np.where(late, midnight + _DAY, midnight) + morning, t)


@dataclass(frozen=True)
class _Calendar:
    """Days from the first day of data to a month past the last (events can fall later)."""

    start: dt.date
    days: int  # days of data; day index 0 is start
    weight: np.ndarray  # relative intake per day of data
    next_working: np.ndarray  # per day: index of the next working day after it
    working: np.ndarray
    year: np.ndarray


def _calendar(end: dt.date) -> _Calendar:
    """Return the calendar of the 24 months of data ending on end."""
    try:
        start = end.replace(year=end.year - 2) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 2, day=28) + dt.timedelta(days=1)
    days = (end - start).days + 1
    span = days + 40
    dates = np.datetime64(start, "D") + np.arange(span)
    epoch_day = dates.astype(np.int64)
    weekday = (epoch_day + 3) % 7  # 1970-01-01 was a Thursday
    month_start = dates.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day_of_month = (dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970

    holiday = np.zeros(span, dtype=bool)
    for m, d in _FIXED_HOLIDAYS:
        holiday |= (month == m) & (day_of_month == d)
    tet_factor = np.ones(span)
    for y in np.unique(year):
        # Outside the table, early February is close enough for demo data.
        tet_month, tet_day = _TET.get(int(y), (2, 5))
        offset = (np.datetime64(dt.date(int(y), tet_month, tet_day), "D") - dates).astype(np.int64)
        closed = (offset >= -4) & (offset <= 3)  # offset = days until Tết
        holiday |= closed
        tet_factor[closed] = 0.18
        tet_factor[(offset > 3) & (offset <= 10)] = 1.1  # the rush to fix things before
        tet_factor[(offset < -4) & (offset >= -12)] = 0.75  # back slowly after
    working = (weekday < 5) & ~holiday
    working_days = np.flatnonzero(working)
    next_working = working_days[
        np.minimum(
            np.searchsorted(working_days, np.arange(span), side="right"), len(working_days) - 1
        )
    ]

    position = np.arange(days) / max(days - 1, 1)
    weight = (
        np.exp(np.log(2.6) * position)  # the customer base grows
        * np.asarray(_WEEKDAY_FACTOR)[weekday[:days]]
        * np.asarray(_MONTH_FACTOR)[month[:days] - 1]
        * tet_factor[:days]
        * np.where(holiday[:days] & (tet_factor[:days] == 1), 0.35, 1.0)
    )
    return _Calendar(start, days, weight, next_working, working, year)


def _format_times(t: np.ndarray, present: np.ndarray, day_text: np.ndarray) -> np.ndarray:
    """Return ISO 8601 local timestamps for present events, '' for the others."""
    out = np.full(len(t), "", dtype=object)
    shown = t[present]
    out[present] = day_text[shown // _DAY] + _times_of_day()[shown % _DAY]
    return out


def _lookup(values: Iterable[str]) -> np.ndarray:
    """Return the values as an array of str to index with arrays of positions."""
    return np.array(list(values), dtype=object)


def _customers(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    """Return the contact details of `count` customers (names also without accents)."""
    family_names = [f for f, _ in _FAMILY]
    family = _choose(rng, count, [w for _, w in _FAMILY])
    female = rng.random(count) < 0.48
    middle = np.where(
        female, rng.integers(0, len(_MIDDLE[1]), count), rng.integers(0, len(_MIDDLE[0]), count)
    )
    given = np.where(
        female, rng.integers(0, len(_GIVEN[1]), count), rng.integers(0, len(_GIVEN[0]), count)
    )
    n_m, n_g = len(_MIDDLE[0]), len(_GIVEN[0])
    # Male and female name parts share one lookup: female ones come after the male ones.
    middle_all, given_all = _MIDDLE[0] + _MIDDLE[1], _GIVEN[0] + _GIVEN[1]
    middle_ix, given_ix = middle + female * n_m, given + female * n_g

    def parts(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            _lookup(names),
            _lookup(map(_strip_diacritics, names)),
            _lookup(_strip_diacritics(x).lower() for x in names),
        )

    fam, fam_plain, fam_mail = parts(family_names)
    mid, mid_plain, mid_mail = parts(middle_all)
    giv, giv_plain, giv_mail = parts(given_all)
    sp = np.full(count, " ", dtype=object)
    name = _join(fam[family], sp, mid[middle_ix], sp, giv[given_ix])
    name_plain = _join(fam_plain[family], sp, mid_plain[middle_ix], sp, giv_plain[given_ix])

    f, m, g = fam_mail[family], mid_mail[middle_ix], giv_mail[given_ix]
    initial_f = _lookup(_strip_diacritics(x[:1]).lower() for x in family_names)[family]
    initial_m = _lookup(_strip_diacritics(x[:1]).lower() for x in middle_all)[middle_ix]
    numbers = _lookup(
        ["", *(str(y) for y in range(1975, 2004)), *(f"{k:02d}" for k in range(1, 100))]
    )
    number = numbers[rng.integers(0, len(numbers), count)]
    dot = np.full(count, ".", dtype=object)
    empty = np.full(count, "", dtype=object)
    style = rng.integers(0, 4, count)
    company = rng.random(count) < 0.35
    local = np.select(
        [style == 0, style == 1, style == 2],
        [_join(g, dot, f), _join(f, m, g, number), _join(g, f, number)],
        # Vietnamese company mail: given name plus initials of family and middle names (annv).
        _join(g, initial_f, initial_m, empty),
    )
    free = _lookup(d for d, _ in _FREE_MAIL)[_choose(rng, count, [w for _, w in _FREE_MAIL])]
    corporate = _lookup(_COMPANY_MAIL)[rng.integers(0, len(_COMPANY_MAIL), count)]
    at = np.full(count, "@", dtype=object)
    email = _join(local, at, np.where(company, corporate, free))

    # A 9-digit subscriber number: 2-digit network prefix and 7 digits, shown in 3 groups.
    prefix = np.array([int(p) for p in _PHONE_PREFIXES], dtype=np.int64)
    nine = prefix[rng.integers(0, len(prefix), count)] * 10_000_000 + rng.integers(
        0, 10_000_000, count
    )
    three = _lookup(f"{k:03d}" for k in range(1000))
    g1, g2, g3 = three[nine // 1_000_000], three[nine // 1000 % 1000], three[nine % 1000]
    phone_style = _choose(rng, count, (0.45, 0.25, 0.2, 0.1))
    phone = np.select(
        [phone_style == 0, phone_style == 1, phone_style == 2],
        [
            _join(np.full(count, "0", dtype=object), g1, g2, g3),
            _join(np.full(count, "+84 ", dtype=object), g1, sp, g2, sp, g3),
            _join(np.full(count, "0", dtype=object), g1, sp, g2, sp, g3),
        ],
        _join(np.full(count, "+84", dtype=object), g1, g2, g3),
    )

    city_names = [c for c, _, _ in _CITIES]
    city = _choose(rng, count, [w for _, w, _ in _CITIES])
    district_counts = np.array([len(d) for _, _, d in _CITIES])
    district_offsets = np.concatenate(([0], np.cumsum(district_counts)[:-1]))
    districts = _lookup(f"{d}, " for _, _, ds in _CITIES for d in ds)
    district = district_offsets[city] + (rng.random(count) * district_counts[city]).astype(np.int64)
    house = _join(
        _lookup(str(k) for k in range(1000))[rng.integers(1, 400, count)],
        _lookup(_HOUSE_SUFFIX)[rng.integers(0, len(_HOUSE_SUFFIX), count)],
    )
    building = np.where(
        rng.random(count) < 0.2,
        _lookup(_BUILDINGS)[rng.integers(0, len(_BUILDINGS), count)],
        empty,
    )
    ward = np.where(
        rng.random(count) < 0.5,
        _lookup(f"Phường {k}, " for k in range(1, 16))[rng.integers(0, 15, count)],
        empty,
    )
    address = _join(
        building,
        house,
        sp,
        _lookup(_STREETS)[rng.integers(0, len(_STREETS), count)],
        np.full(count, ", ", dtype=object),
        ward,
        districts[district],
        _lookup(city_names)[city],
    )
    return {
        "name": name,
        "name_plain": name_plain,
        "email": email,
        "phone": phone,
        "address": address,
    }


def _with_contact_requests(
    reason: np.ndarray, *, seed: int, variant: np.ndarray, phone: np.ndarray, email: np.ndarray
) -> np.ndarray:
    """Return the reasons with a request to be contacted, giving the record's own phone number
    or e-mail address, appended to about `_CONTACT_SHARE` of those that have one."""
    rng = np.random.default_rng([seed, _CONTACT_STREAM])
    n = len(reason)
    has_phone, has_email = phone != "", email != ""
    typed = (rng.random(n) < _CONTACT_SHARE) & (has_phone | has_email)
    by_email = has_email & (~has_phone | (rng.random(n) < 0.4))
    wording = rng.integers(0, len(_CONTACT_REQUEST[0]), n)[typed]
    group = (np.asarray(_CONTACT_LANGUAGE)[variant] * 2 + by_email)[typed]
    before = _lookup(b for g in _CONTACT_REQUEST for b, _ in g).reshape(len(_CONTACT_REQUEST), -1)
    after = _lookup(a for g in _CONTACT_REQUEST for _, a in g).reshape(len(_CONTACT_REQUEST), -1)
    request = _join(
        before[group, wording], np.where(by_email, email, phone)[typed], after[group, wording]
    )
    reason = reason.copy()
    reason[typed] = _join(reason[typed], np.where(reason[typed] == "", "", " "), request)
    return reason


def generate_demo(records: int = 20_000, *, seed: int = 42, end: dt.date) -> pd.DataFrame:
    """Return `records` demo feedback rows over the 24 months ending on `end`, as canonical text.

    Every cell is a str ('' for empty), exactly as a canonical CSV file holds it; the same
    (records, seed, end) always gives the same frame. Nothing is stamped after `end` 23:59:59
    company time but a `due_at`, the processing time promised at acknowledgement (METRICS.md: a
    promise, not an event); records still open then simply have no later timestamps.
    """
    if records < 0:
        raise ValueError(f"records must be 0 or more, not {records}")
    if isinstance(end, dt.datetime):
        end = end.date()
    if records == 0:
        return pd.DataFrame({c: np.array([], dtype=object) for c in COLUMNS}, dtype=object)
    rng = np.random.default_rng(seed)
    n = records
    cal = _calendar(end)
    last_second = np.int64(cal.days * _DAY - 1)  # end 23:59:59, in seconds since start 00:00

    # --- when and how each record arrives ---
    day = np.repeat(np.arange(cal.days), rng.multinomial(n, cal.weight / cal.weight.sum()))
    channel = _choose(rng, n, _CHANNEL_SHARE)
    hour = _choose_rows(rng, np.asarray(_HOUR_WEIGHTS, dtype=float), channel)
    received = day * _DAY + hour * _HOUR + rng.integers(0, _HOUR, n)
    order = np.argsort(received, kind="stable")
    received, channel, day = received[order], channel[order], day[order]
    hotline = channel == 1

    # --- what it is about ---
    category = _choose(rng, n, _CATEGORY_SHARE)
    # A faulty VPN client release, eight months before the end: a burst of VPN complaints.
    incident = (day >= cal.days - 245) & (day < cal.days - 224) & (rng.random(n) < 0.3)
    category = np.where(incident, 0, category)
    critical = np.isin(category, _CRITICAL)
    priority = np.where(
        critical,
        _choose(rng, n, _PRIORITY_CRITICAL),
        _choose(rng, n, _PRIORITY_OTHER),
    )
    product_weights = np.zeros((len(CATEGORIES), len(PRODUCTS)))
    for c, weights in enumerate(_CATEGORY_PRODUCTS):
        for p, w in weights.items():
            product_weights[c, p] = w
    product = _choose_rows(rng, product_weights, category)
    has_product = rng.random(n) >= np.where(hotline, 0.1, 0.03)

    # --- acknowledgement: hotline calls are logged while the customer is on the line ---
    ack_median = np.array([12.0, 0.4, 8.0])[channel] * np.array([0.4, 0.7, 1.0, 1.3])[priority]
    ack_sigma = np.array([1.1, 1.2, 1.1])[channel]
    acknowledged = received + _lognormal_hours(rng, ack_median, ack_sigma, n)
    missed_call = hotline & (rng.random(n) < 0.03)  # a callback promised, then forgotten
    acknowledged = np.where(
        missed_call, received + _lognormal_hours(rng, 30.0, 0.8, n), acknowledged
    )
    # Written feedback that arrives after hours waits for the next working morning.
    second = received % _DAY
    off_hours = ~cal.working[day] | ((second >= 17.5 * _HOUR) & ~cal.working[day + 1])
    waits = off_hours & ~hotline & (rng.random(n) < 0.8)
    next_morning = cal.next_working[day] * _DAY + 8 * _HOUR + _lognormal_hours(rng, 1.5, 0.8, n)
    acknowledged = np.where(waits, np.maximum(acknowledged, next_morning), acknowledged)
    acknowledged = _office_hours(rng, acknowledged, 0.85)
    acknowledged = np.where(rng.random(n) < 0.004, _NEVER, acknowledged)  # fell through the cracks

    # --- the promise, the resolution and the outcome response ---
    due_seconds = np.array(_DUE_DAYS, dtype=np.int64)[priority] * _DAY
    due = np.where(acknowledged < _NEVER, acknowledged + due_seconds, _NEVER)
    category_speed = np.array([0.0, 0.05, 0.1, -0.1, 0.0, 0.05, 0.0, 0.0, -0.25, 0.15])
    ratio = np.exp(-0.8 + category_speed[category] + 0.75 * rng.standard_normal(n))
    resolved = acknowledged + np.maximum(ratio * due_seconds, 600).astype(np.int64)
    resolved = _office_hours(rng, resolved, 0.85)
    stalled = rng.random(n) < 0.012
    resolved = np.where((acknowledged < _NEVER) & ~stalled, resolved, _NEVER)
    responded = resolved + _lognormal_hours(rng, 1.5, 1.0, n)
    responded = _office_hours(rng, responded, 0.8)
    responded = np.where((resolved < _NEVER) & (rng.random(n) < 0.93), responded, _NEVER)

    # --- the satisfaction survey, a few days after the outcome ---
    survey_base = np.where(responded < _NEVER, responded, resolved)
    surveyed = survey_base + ((0.3 + rng.gamma(2.0, 1.1, n)) * _DAY).astype(np.int64)
    surveyed = np.where((resolved < _NEVER) & (rng.random(n) < 0.42), surveyed, _NEVER)
    lateness = np.clip((resolved - due) / due_seconds, 0, 3)
    ack_breach = acknowledged - received > 48 * _HOUR
    mood = (
        4.35
        + 0.8 * rng.standard_normal(n)
        - 1.0 * (lateness > 0)
        - 0.7 * lateness
        - 0.35 * ack_breach
        - 0.3 * (responded == _NEVER)
    )
    score = np.clip(np.rint(mood), 1, 5).astype(np.int64)

    # --- what has happened by the end of the data ---
    is_acknowledged = acknowledged <= last_second
    is_resolved = resolved <= last_second
    is_surveyed = surveyed <= last_second
    # Days past the end too: a promise made by then may fall due after it (at most 14 days).
    day_text = _lookup(
        f"{(cal.start + dt.timedelta(days=d)).isoformat()}T" for d in range(cal.days + 40)
    )

    # --- triage: label, routing, explicit status ---
    labelled = rng.random(n) < np.where(is_acknowledged, 0.86, 0.4)
    department = np.array(_CATEGORY_DEPARTMENT)[category]
    to_desk = (~labelled & (rng.random(n) < 0.5)) | (rng.random(n) < 0.06)
    department = np.where(to_desk, _SUPPORT_DESK, department)
    routed = is_acknowledged | (rng.random(n) < 0.35)
    team_sizes = np.array([len(a) for a in _ASSIGNEES])
    assignees = _lookup(["", *(a for team in _ASSIGNEES for a in team)])
    assignee = (
        1
        + np.concatenate(([0], np.cumsum(team_sizes)[:-1]))[department]
        + (rng.random(n) * team_sizes[department]).astype(np.int64)
    )
    assignee = np.where(is_acknowledged & (rng.random(n) < 0.96), assignee, 0)
    in_progress = is_acknowledged & ~is_resolved & (rng.random(n) < 0.45)

    # --- contact details: a customer base where some customers write often ---
    base = _customers(rng, max(1, int(n * 0.4)))
    customer = (len(base["name"]) * rng.random(n) ** 1.6).astype(np.int64)
    variant = _choose_rows(rng, np.asarray(_VARIANT_SHARE), channel)
    plain_name = (variant == _VI_PLAIN) & ~hotline
    name = np.where(plain_name, base["name_plain"][customer], base["name"][customer])
    name = np.where(rng.random(n) < 0.03, "", name)
    email = np.where(
        (channel == 0) | (rng.random(n) >= np.where(hotline, 0.55, 0.1)),
        base["email"][customer],
        "",
    )
    phone_missing = np.array([0.55, 0.03, 0.2])[channel]
    phone = np.where(rng.random(n) >= phone_missing, base["phone"][customer], "")
    address_missing = np.array([0.5, 0.6, 0.25])[channel]
    address = np.where(rng.random(n) >= address_missing, base["address"][customer], "")

    # --- the texts ---
    texts = _texts()
    n_cat = len(CATEGORIES)
    neighbour = np.asarray(_NEIGHBOURS)[category, rng.integers(0, 2, n)]

    def borrowed(share: float) -> np.ndarray:
        # The category whose words a fragment uses: usually its own, sometimes a neighbour's.
        return np.where(rng.random(n) < share, neighbour, category)

    opening = texts.opening.pick(rng, variant * 2 + hotline, rng.random(n) < 0.55)
    mention = has_product & (rng.random(n) < 0.35)
    preamble = texts.preamble.pick(rng, variant, mention)
    product_name = np.where(
        rng.random(n) < 0.6, _lookup(PRODUCTS)[product], _lookup(_PRODUCT_ALIASES)[product]
    )
    problem = texts.problem.pick(rng, variant * n_cat + borrowed(0.07))
    detail = texts.detail.pick(rng, variant * n_cat + borrowed(0.15), rng.random(n) < 0.5)
    context = texts.context.pick(rng, variant, rng.random(n) < 0.45)
    closing_share = np.array([0.75, 0.15, 0.5])[channel]
    closing = texts.closing.pick(rng, variant, rng.random(n) < closing_share)
    current_feature = _join(
        texts.opening.columns[0][opening],
        texts.preamble.columns[0][preamble],
        np.where(mention, product_name, ""),
        texts.preamble.columns[1][preamble],
        texts.problem.columns[0][problem],
        texts.detail.columns[0][detail],
        texts.context.columns[0][context],
        texts.closing.columns[0][closing],
    )

    has_proposal = rng.random(n) < np.array([0.92, 0.78, 0.95])[channel]
    lead = texts.proposal_lead.pick(rng, variant, has_proposal)
    body = texts.proposal.pick(rng, variant * n_cat + borrowed(0.1), has_proposal)
    tail = texts.proposal_tail.pick(rng, variant, has_proposal & (rng.random(n) < 0.25))
    proposal = _join(
        texts.proposal_lead.columns[0][lead],
        texts.proposal.columns[0][body],
        texts.proposal_lead.columns[1][lead],
        texts.proposal_tail.columns[0][tail],
    )

    has_reason = rng.random(n) < np.array([0.88, 0.7, 0.9])[channel]
    reason_topic = np.where(rng.random(n) < 0.3, n_cat, borrowed(0.1))
    lead = texts.reason_lead.pick(rng, variant, has_reason)
    body = texts.reason.pick(rng, variant * (n_cat + 1) + reason_topic, has_reason)
    tail = texts.reason_tail.pick(rng, variant, has_reason & (rng.random(n) < 0.2))
    reason = _join(
        texts.reason_lead.columns[0][lead],
        texts.reason.columns[0][body],
        texts.reason_lead.columns[1][lead],
        texts.reason_tail.columns[0][tail],
    )

    reason = _with_contact_requests(reason, seed=seed, variant=variant, phone=phone, email=email)

    sentiment = np.where(score <= 2, 0, np.where(score == 3, 1, 2))
    comment_share = np.array([0.55, 0.3, 0.35])[sentiment]
    comment = texts.comment.pick(
        rng, variant * 3 + sentiment, is_surveyed & (rng.random(n) < comment_share)
    )

    # --- identifiers: per channel and year, in order of arrival ---
    year = cal.year[day]
    key = channel * 10_000 + year
    by_key = np.argsort(key, kind="stable")
    sorted_key = key[by_key]
    group_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sequence = np.empty(n, dtype=np.int64)
    sequence[by_key] = np.arange(n) - np.repeat(group_start, np.diff(np.r_[group_start, n]))
    keys, key_index = np.unique(key, return_inverse=True)
    prefixes = _lookup(f"{('EM', 'HL', 'WF')[k // 10_000]}-{k % 10_000}-" for k in keys)
    number = np.char.zfill((sequence + 1).astype(str), 6).astype(object)
    external_id = _join(prefixes[key_index.reshape(-1)], number)

    columns = {
        "external_id": external_id,
        "channel": _lookup(CHANNELS)[channel],
        "received_at": _format_times(received, np.ones(n, dtype=bool), day_text),
        "customer_name": name,
        "customer_email": email,
        "customer_phone": phone,
        "customer_address": address,
        "product": np.where(has_product, _lookup(PRODUCTS)[product], ""),
        "current_feature": current_feature,
        "proposal": proposal,
        "reason": reason,
        "category": np.where(labelled, _lookup(CATEGORIES)[category], ""),
        "priority": _lookup(PRIORITIES)[priority],
        "department": np.where(routed, _lookup(DEPARTMENTS)[department], ""),
        "assignee": assignees[assignee],
        "status": np.where(in_progress, "in_progress", ""),
        "acknowledged_at": _format_times(acknowledged, is_acknowledged, day_text),
        # The promise is made at acknowledgement, so it is known even when it falls due later.
        "due_at": _format_times(due, is_acknowledged, day_text),
        "resolved_at": _format_times(resolved, is_resolved, day_text),
        "responded_at": _format_times(responded, responded <= last_second, day_text),
        "satisfaction_score": np.where(is_surveyed, _lookup("012345")[score], ""),
        "satisfaction_comment": texts.comment.columns[0][comment],
        "surveyed_at": _format_times(surveyed, is_surveyed, day_text),
    }
    # Object columns of Python str: converting a million texts to a string dtype costs more
    # than generating them, and every consumer (CSV writer, import pipeline) accepts these.
    return pd.DataFrame(
        {c: np.asarray(columns[c], dtype=object) for c in COLUMNS}, dtype=object, copy=False
    )
