"""The one entry point other apps use to ask: which policies does this organisation qualify
for on this date, and with what missing?

    report = organisation_policy_eligibility(organisation, on=today)
    report.verdicts["tp-rd-subsidy"].status    # "eligible" | "if_data_supplied" | "ineligible" | "not_in_effect"
    report.failures                            # policies that could not be explained, and why

The profile comes from the register and the enterprise facts (policies.profiles); the policies
are the published ones (or those the caller passes). A policy whose explanation fails is not
dropped: it is listed in `failures` with the engine's message and logged, so the caller can say
so to the user.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from yiqiao.registry.models import Organisation

from . import engine
from .profiles import organisation_profile
from .queries import published_engine_policies

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PolicyVerdict:
    """One policy's answer for one organisation on one date."""

    code: str
    status: str
    amount_yuan: float | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class EligibilityReport:
    """Verdicts per policy code, and the policies that could not be explained (code → why)."""

    on: dt.date
    verdicts: dict[str, PolicyVerdict] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def failure_note(self) -> str:
        """A sentence for the user naming the policies that could not be assessed ("" if none)."""
        if not self.failures:
            return ""
        return f"{len(self.failures)} 项政策无法评估（{'、'.join(sorted(self.failures))}），请联系政策管理员"


def organisation_policy_eligibility(
    organisation: Organisation,
    *,
    on: dt.date,
    policies: Sequence[engine.Policy] | None = None,
    codes: Collection[str] | None = None,
) -> EligibilityReport:
    """Explain each published policy (or each of `policies`, optionally only `codes`) for the
    organisation on `on`; see the module docstring."""
    if policies is None:
        policies = [parsed for _, parsed in published_engine_policies()]
    library = list(policies)  # award('x') references and exclusive groups resolve in all of them
    if codes is not None:
        wanted = set(codes)
        policies = [p for p in policies if p.id in wanted]
    report = EligibilityReport(on=on)
    if not policies:
        return report
    profile = organisation_profile(organisation, on=on)
    for policy in policies:
        try:
            result = engine.explain(policy, profile, on, library=library)
        except (ValueError, ArithmeticError, LookupError, TypeError) as exc:
            # A policy text the engine cannot evaluate for this profile: recorded, not hidden.
            logger.warning(
                "policy %s not explained for organisation %s: %s", policy.id, organisation.pk, exc
            )
            report.failures[policy.id] = str(exc) or type(exc).__name__
            continue
        report.verdicts[policy.id] = PolicyVerdict(
            code=policy.id,
            status=result.status,
            amount_yuan=result.amount,
            missing=tuple(result.missing_fields),
        )
    return report
