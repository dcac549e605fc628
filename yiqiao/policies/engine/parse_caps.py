"""Parsing of a version's policy-level limits: the per-year cap, shared cap groups, caps net of
awards already received, the top-up (差额补足) and the period of 就高不重复."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .expr import Expr, Received, check_period
from .model import ReceivedCap
from .parse_conditions import Context, _text, parse_expression, parse_received
from .yamlsrc import as_mapping, as_sequence, check_keys, plain

Items = dict[str, tuple[yaml.Node, yaml.Node]]
CAP_KEYS = frozenset(
    {
        "per_enterprise_per_year", "group", "group_per_enterprise_per_year", "received",
        "annual_minus_received", "cumulative_minus_received",
    }
)  # fmt: skip


@dataclass
class Limits:
    """What ``caps``, ``top_up`` and ``exclusive_period`` say."""

    cap_per_year: Expr | None = None
    cap_group: str | None = None
    cap_group_limit: Expr | None = None
    received_caps: list[ReceivedCap] = field(default_factory=list)
    top_up: Received | None = None
    exclusive_period: str = "year"


def parse_limits(ctx: Context, items: Items, prefix: str) -> Limits:
    """Read ``caps`` (per_enterprise_per_year; group + group_per_enterprise_per_year; received:
    [{limit, period, policies, label}]; annual_minus_received / cumulative_minus_received
    shorthands for this policy's own awards), ``top_up: {policies, period}`` and
    ``exclusive_period``."""
    src = ctx.src
    out = Limits()
    if "caps" in items:
        caps = as_mapping(src, items["caps"][1], f"{prefix}caps")
        check_keys(src, caps, f"{prefix}caps", CAP_KEYS)
        if "per_enterprise_per_year" in caps:
            out.cap_per_year = parse_expression(
                ctx, caps["per_enterprise_per_year"][1], f"{prefix}caps.per_enterprise_per_year",
                ctx.constant_name,
            )  # fmt: skip
        if ("group" in caps) != ("group_per_enterprise_per_year" in caps):
            src.error(
                items["caps"][1],
                f"{prefix}caps.group",
                "group 与 group_per_enterprise_per_year 须同时给出",
            )
        elif "group" in caps:
            raw = plain(caps["group"][1])
            out.cap_group = str(raw) if raw is not None else None
            out.cap_group_limit = parse_expression(
                ctx, caps["group_per_enterprise_per_year"][1],
                f"{prefix}caps.group_per_enterprise_per_year", ctx.constant_name,
            )  # fmt: skip
        for key, period in (
            ("annual_minus_received", "year"),
            ("cumulative_minus_received", "cumulative"),
        ):
            if key in caps:
                limit = parse_expression(
                    ctx, caps[key][1], f"{prefix}caps.{key}", ctx.constant_name
                )
                if limit is not None:
                    words = "每年" if period == "year" else "累计"
                    out.received_caps.append(
                        ReceivedCap(
                            limit,
                            Received((ctx.policy_id,), period),
                            f"{words}上限（扣除本政策已获）",
                        )
                    )
        if "received" in caps:
            for index, node in enumerate(
                as_sequence(src, caps["received"][1], f"{prefix}caps.received")
            ):
                cap = _received_cap(ctx, node, f"{prefix}caps.received[{index}]")
                if cap is not None:
                    out.received_caps.append(cap)
    if "top_up" in items:
        where = f"{prefix}top_up"
        node = items["top_up"][1]
        sub = as_mapping(src, node, where)
        check_keys(src, sub, where, frozenset({"policies", "period", "note"}))
        if "policies" not in sub:
            src.error(
                node, f"{where}.policies", "top_up 须列出 policies（已获奖励所属的政策编号或模式）"
            )
        else:
            out.top_up = parse_received(ctx, sub["policies"][1], sub.get("period"), where)
    if "exclusive_period" in items:
        raw = plain(items["exclusive_period"][1])
        problem = check_period(str(raw))
        if not isinstance(raw, str) or problem is not None:
            src.error(
                items["exclusive_period"][1], f"{prefix}exclusive_period", problem or "应为文本"
            )
        else:
            out.exclusive_period = raw
    return out


def _received_cap(ctx: Context, node: yaml.Node, path: str) -> ReceivedCap | None:
    src = ctx.src
    sub = as_mapping(src, node, path)
    check_keys(src, sub, path, frozenset({"limit", "period", "policies", "label", "note"}))
    if "limit" not in sub:
        src.error(node, f"{path}.limit", "缺少 limit（上限金额）")
        return None
    limit = parse_expression(ctx, sub["limit"][1], f"{path}.limit", ctx.constant_name)
    if "policies" in sub:
        received = parse_received(ctx, sub["policies"][1], sub.get("period"), path)
    else:
        period = plain(sub["period"][1]) if "period" in sub else "year"
        problem = check_period(str(period))
        if problem is not None:
            src.error(sub["period"][1], f"{path}.period", problem)
            return None
        received = Received((ctx.policy_id,), str(period))
    if limit is None or received is None:
        return None
    return ReceivedCap(limit, received, _text(ctx, sub, "label", path))
