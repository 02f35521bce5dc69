"""Vietnamese (default) and English labels for everything a reader sees.

Code, docs and CSV column names stay in English; sheet names, table headers
and chart labels default to Vietnamese (``lang="vi"``) with an English switch
(``lang="en"``).
"""

from __future__ import annotations

__all__ = ["LANGS", "label", "labels"]

LANGS = ("vi", "en")

_LABELS: dict[str, dict[str, str]] = {
    # summary columns
    "option": {"vi": "Mã phương án", "en": "Option"},
    "name": {"vi": "Tên phương án", "en": "Name"},
    "pv_cost": {"vi": "Giá trị hiện tại chi phí", "en": "Present value of cost"},
    "nominal_outlay": {"vi": "Tổng chi danh nghĩa", "en": "Nominal outlay"},
    "residual_value": {"vi": "Giá trị còn lại", "en": "Residual value"},
    "eac": {"vi": "Chi phí đều hằng năm", "en": "Equivalent annual cost"},
    "unit_cost": {"vi": "Chi phí quy dẫn / đơn vị-năm", "en": "Levelized cost per unit-year"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "net_savings": {"vi": "Tiết kiệm ròng so với gốc", "en": "Net savings vs baseline"},
    "sir": {"vi": "SIR", "en": "SIR"},
    "airr": {"vi": "AIRR", "en": "AIRR"},
    "simple_payback_year": {"vi": "Năm hoàn vốn (đơn giản)", "en": "Simple payback year"},
    "discounted_payback_year": {"vi": "Năm hoàn vốn (chiết khấu)", "en": "Discounted payback year"},
    # ledger columns
    "item": {"vi": "Khoản mục", "en": "Item"},
    "category": {"vi": "Nhóm chi phí", "en": "Category"},
    "budget": {"vi": "Nguồn vốn", "en": "Budget"},
    "kind": {"vi": "Loại dòng", "en": "Kind"},
    "year": {"vi": "Năm", "en": "Year"},
    "quantity": {"vi": "Số lượng", "en": "Quantity"},
    "unit_price": {"vi": "Đơn giá (chưa VAT)", "en": "Unit price (excl. VAT)"},
    "nominal": {"vi": "Danh nghĩa (gồm VAT)", "en": "Nominal (incl. VAT)"},
    "real": {"vi": "Giá so sánh năm gốc", "en": "Real (base-year prices)"},
    "discount_factor": {"vi": "Hệ số chiết khấu", "en": "Discount factor"},
    "present_value": {"vi": "Giá trị hiện tại", "en": "Present value"},
    "source": {"vi": "Nguồn số liệu", "en": "Source"},
    "cumulative_nominal": {"vi": "Lũy kế danh nghĩa", "en": "Cumulative nominal"},
    "cumulative_present_value": {"vi": "Lũy kế giá trị hiện tại", "en": "Cumulative present value"},
    # values
    "investment": {"vi": "Vốn đầu tư phát triển", "en": "Development investment"},
    "recurrent": {"vi": "Chi thường xuyên", "en": "Recurrent spending"},
    "cost": {"vi": "Chi phí", "en": "Cost"},
    "replacement": {"vi": "Thay thế", "en": "Replacement"},
    "residual": {"vi": "Giá trị còn lại", "en": "Residual"},
    # console
    "title": {"vi": "Kết quả so sánh phương án", "en": "Comparison of options"},
    "preferred": {"vi": "Phương án có giá trị hiện tại chi phí thấp nhất", "en": "Lowest present-value cost"},
    "conventions": {
        "vi": "Giá trị hiện tại tại đầu năm {base_year}, lãi suất chiết khấu danh nghĩa {rate}/năm, đơn vị {currency}",
        "en": "Present values at the start of {base_year}, nominal discount rate {rate}/year, amounts in {currency}",
    },
    "baseline": {"vi": "phương án gốc", "en": "baseline"},
    "wrote": {"vi": "Đã ghi", "en": "Wrote"},
    # audit metrics
    "paid_rent": {"vi": "Tổng tiền thuê đã trả", "en": "Rent paid"},
    "buy_outlay": {"vi": "Chi phí nếu mua (mua sắm và vận hành)", "en": "Buy and operate outlay"},
    "buy_residual_value": {"vi": "Giá trị còn lại của thiết bị nếu mua", "en": "Residual value if bought"},
    "buy_net_of_residual": {"vi": "Chi phí nếu mua, trừ giá trị còn lại", "en": "Buy outlay net of residual"},
    "rent_minus_buy_net": {"vi": "Chênh lệch thuê so với mua (ròng)", "en": "Rent minus buy (net)"},
    "pv_rent": {"vi": "Giá trị hiện tại tiền thuê", "en": "PV of rent"},
    "pv_buy": {"vi": "Giá trị hiện tại phương án mua", "en": "PV of buying"},
    "meetings": {"vi": "Số cuộc họp", "en": "Meetings"},
    "point_hours_used": {"vi": "Điểm cầu-giờ đã sử dụng", "en": "Point-hours used"},
    "paid_point_months": {"vi": "Điểm cầu-tháng đã trả tiền", "en": "Point-months paid"},
    "capacity_point_hours": {"vi": "Năng lực điểm cầu-giờ đã trả tiền", "en": "Paid capacity (point-hours)"},
    "utilisation": {"vi": "Hiệu suất sử dụng", "en": "Utilisation"},
    "attendance_rate": {"vi": "Tỷ lệ điểm cầu tham gia", "en": "Attendance rate"},
    "idle_share": {"vi": "Tỷ lệ năng lực không sử dụng", "en": "Idle share"},
    "idle_amount": {"vi": "Số tiền tương ứng năng lực không sử dụng", "en": "Idle amount"},
    "cost_per_meeting": {"vi": "Chi phí mỗi cuộc họp", "en": "Cost per meeting"},
    "cost_per_point_year": {"vi": "Chi phí mỗi điểm cầu-năm", "en": "Cost per point-year"},
    "usage_months_outside_horizon": {
        "vi": "Số tháng sử dụng ngoài thời hạn hợp đồng",
        "en": "Usage months outside the horizon",
    },
    # peers
    "peer_prices": {
        "vi": "so sánh với các địa phương khác, giá năm {year}",
        "en": "compared with other provinces, {year} prices",
    },
    "this_scenario": {"vi": "Kịch bản này", "en": "This scenario"},
    "peer_place": {"vi": "Địa phương", "en": "Place"},
    "value": {"vi": "Giá trị công bố", "en": "Published value"},
    "value_at_base": {"vi": "Quy đổi giá năm gốc", "en": "At base-year prices"},
    "peer_verdict": {
        "vi": "Xếp thứ {rank}/{n} (1 = thấp nhất); {position}; bằng {ratio} lần trung vị các địa phương.",
        "en": "Rank {rank} of {n} (1 = lowest); {position}; {ratio} times the peers' median.",
    },
    "position_below": {"vi": "thấp hơn mọi địa phương so sánh", "en": "below every peer"},
    "position_within": {"vi": "nằm trong khoảng của các địa phương", "en": "within the peers' range"},
    "position_above": {"vi": "CAO HƠN mọi địa phương so sánh", "en": "ABOVE every peer"},
}


def label(key: str, lang: str = "vi") -> str:
    """Reader-facing label for ``key`` in ``lang`` (the key itself if unknown)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    entry = _LABELS.get(key)
    return entry[lang] if entry else key


def labels(keys: list[str], lang: str = "vi") -> list[str]:
    """Labels for several keys."""
    return [label(k, lang) for k in keys]
