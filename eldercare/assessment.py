"""GB/T 42195-2022 老年人能力评估规范: the 26 items, the four parts and the level arithmetic.

Copied from ../shared/reference/facts.md ("Elderly": GB/T 42195-2022), which is the project's
reading of the standard:
- 26 items in 4 parts: self-care 32 points, basic motion 15, mental state 28, perception and
  social participation 15; total 90.
- Levels by the total: 0 能力完好 (90), 1 轻度失能 (66–89), 2 中度失能 (46–65),
  3 重度失能 (30–45), 4 完全失能 (0–29).
- Adjustments: coma → level 4; a diagnosed dementia (cognitive impairment) or other mental
  disorder, or 2 or more care-risk events (falls, choking, suicide or self-harm, wandering off…)
  in the last 30 days → one level up; one level in all when both apply; never above 4.

Pure functions (no database): the service, the form, the API and the tests share them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    key: str
    part: str
    label: str
    maximum: int


#: The 26 items (GB/T 42195-2022 附录 A/B), each scored 0..maximum, higher = more able.
ITEMS: tuple[Item, ...] = (
    # 自理能力 (8 items, 32)
    Item("eating", "self_care", _("进食"), 4),
    Item("grooming", "self_care", _("修饰"), 4),
    Item("bathing", "self_care", _("洗澡"), 4),
    Item("dressing_upper", "self_care", _("穿/脱上衣"), 4),
    Item("dressing_lower", "self_care", _("穿/脱裤子和鞋袜"), 4),
    Item("urination", "self_care", _("小便控制"), 4),
    Item("defecation", "self_care", _("大便控制"), 4),
    Item("toileting", "self_care", _("如厕"), 4),
    # 基础运动能力 (4 items, 15)
    Item("bed_mobility", "basic_motion", _("床上体位转移"), 4),
    Item("bed_chair_transfer", "basic_motion", _("床椅转移"), 4),
    Item("walking", "basic_motion", _("平地行走"), 4),
    Item("stairs", "basic_motion", _("上下楼梯"), 3),
    # 精神状态 (9 items, 28)
    Item("time_orientation", "mental_state", _("时间定向"), 4),
    Item("place_orientation", "mental_state", _("空间定向"), 4),
    Item("person_orientation", "mental_state", _("人物定向"), 4),
    Item("memory", "mental_state", _("记忆"), 4),
    Item("comprehension", "mental_state", _("理解能力"), 4),
    Item("expression", "mental_state", _("表达能力"), 4),
    Item("aggression", "mental_state", _("攻击行为"), 1),
    Item("depression", "mental_state", _("抑郁症状"), 1),
    Item("consciousness", "mental_state", _("意识水平"), 2),
    # 感知觉与社会参与 (5 items, 15)
    Item("vision", "perception_social", _("视力"), 2),
    Item("hearing", "perception_social", _("听力"), 2),
    Item("daily_affairs", "perception_social", _("执行日常事务"), 4),
    Item("transport", "perception_social", _("使用交通工具外出"), 3),
    Item("social", "perception_social", _("社会交往能力"), 4),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}

PARTS = ("self_care", "basic_motion", "mental_state", "perception_social")
PART_LABELS = {
    "self_care": _("自理能力"),
    "basic_motion": _("基础运动能力"),
    "mental_state": _("精神状态"),
    "perception_social": _("感知觉与社会参与"),
}
PART_MAX = {part: sum(i.maximum for i in ITEMS if i.part == part) for part in PARTS}
TOTAL_MAX = sum(PART_MAX.values())
assert PART_MAX == {"self_care": 32, "basic_motion": 15, "mental_state": 28, "perception_social": 15}

#: (lowest total, level), highest band first: 90 → 0, 66–89 → 1, 46–65 → 2, 30–45 → 3, 0–29 → 4.
BANDS = ((90, 0), (66, 1), (46, 2), (30, 3), (0, 4))
#: 2 or more care-risk events in the last 30 days raise the level.
RISK_EVENTS_RAISE = 2
LEVEL_MAX = 4


def part_scores(items: dict[str, int]) -> dict[str, int]:
    """The four part scores from the 26 item scores."""
    scores = dict.fromkeys(PARTS, 0)
    for key, value in items.items():
        scores[ITEMS_BY_KEY[key].part] += value
    return scores


def level_by_total(total: int) -> int:
    for lowest, level in BANDS:
        if total >= lowest:
            return level
    raise ValueError(total)


def assessed_level(*, total: int, coma: bool, dementia_or_mental_disorder: bool, risk_events_30d: int) -> int:
    """The level GB/T 42195-2022 gives: the band of the total, coma straight to 4, and one level up
    (once, whichever of the two raising conditions apply) capped at 4."""
    if coma:
        return LEVEL_MAX
    level = level_by_total(total)
    if dementia_or_mental_disorder or risk_events_30d >= RISK_EVENTS_RAISE:
        level += 1
    return min(level, LEVEL_MAX)
