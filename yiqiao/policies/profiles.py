"""From the register to the engine: one organisation's profile dict, or the whole register as a
columnar snapshot (values_list in chunks straight into numpy arrays; no per-row ORM objects).

Both builders read the same columns with the same rules, so a batch screening and a
per-organisation explanation agree:

- ``region_code`` is the code of the district (区县) the organisation is registered in (its own
  region when it has no district above it), or that district's division code (see
  :func:`_region_codes`); ``park_code`` the code of its park;
- ``qualifications`` is the set of is_* flags that are set (the flags are always known);
- ``chain_nodes`` is the set of its chain-node codes plus their parents, kept to the codes the
  field dictionary declares; no chain node recorded counts as missing data, not as "none";
- blank ``lifecycle_stage``/``listed_market`` and NULL numbers/dates are missing;
- fact fields come from :class:`OrganisationFact`: the latest value dated on or before ``on``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet

from yiqiao.registry.models import Organisation, Region

from .engine import FieldDictionary, FieldSpec, ProfileError, Snapshot, load_fields
from .engine import snapshot_from_arrays as engine_snapshot_from_arrays
from .engine.fields import AWARDS_RECEIVED
from .engine.profile_values import coerce, coerce_item
from .engine.snapshot import ItemTable, item_table
from .models import Award, OrganisationFact, OrganisationRecord

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
FIELDS_FILE = LIBRARY_DIR / "fields.yaml"
# The libraries shipped: the fictional one of the demo district, and the starter library of
# real clauses (both use FIELDS_FILE). A deployment picks one with YIQIAO_POLICY_LIBRARY.
LIBRARIES = {"demo": LIBRARY_DIR, "starter": LIBRARY_DIR / "starter"}


def library_dir(name: str | None = None) -> Path:
    """The policy library folder: ``name`` (``demo``, ``starter`` or a folder path), else the
    setting ``YIQIAO_POLICY_LIBRARY`` (default ``demo``)."""
    from django.conf import settings

    chosen = name or getattr(settings, "YIQIAO_POLICY_LIBRARY", "") or "demo"
    return LIBRARIES.get(chosen, Path(chosen))


CHUNK = 5_000
EPOCH = dt.date(1970, 1, 1)

QUALIFICATION_FLAGS = {
    "high_tech": "is_high_tech",
    "specialised": "is_specialised",
    "little_giant": "is_little_giant",
    "listed": "is_listed",
    "pre_ipo": "is_pre_ipo",
    "chain_leader": "is_chain_leader",
}
_SCALAR_COLUMNS = {
    # field name → Organisation column read by values_list
    "kind": "kind",
    "founded_on": "founded_on",
    "registered_capital_yuan": "registered_capital_yuan",
    "revenue_yuan": "revenue_yuan",
    "rd_spend_yuan": "rd_spend_yuan",
    "headcount": "headcount",
    "lifecycle_stage": "lifecycle_stage",
    "listed_market": "listed_market",
}


@lru_cache(maxsize=1)
def field_dictionary() -> FieldDictionary:
    """The field dictionary of the policy library (loaded once per process). The region fields
    (``region_code``, ``park_code``, ``province_code`` …) show a code as the region's name
    (:class:`RegionNames`), so an explanation never reads "注册区县 xs.jc.th"."""
    names = RegionNames()
    return load_fields(FIELDS_FILE).with_names(
        {name: names for name in ("region_code", "park_code", *LEVEL_FIELDS)}
    )


class RegionNames(Mapping[str, str]):
    """Region code → region name, for display: the register's own codes, GB/T 2260 division
    codes and the aliases of ``settings.YIQIAO_POLICY_REGION_CODES``. Read from the register on
    first use, again after :data:`NAMES_TTL` seconds or once a region is saved or deleted."""

    _loaded: dict[str, str] | None = None
    _at = 0.0

    def _names(self) -> dict[str, str]:
        if RegionNames._loaded is None or time.monotonic() - RegionNames._at > NAMES_TTL:
            from django.conf import settings

            aliases: dict[str, str] = getattr(settings, "YIQIAO_POLICY_REGION_CODES", {}) or {}
            names: dict[str, str] = {}
            for code, division, name in Region.objects.values_list("code", "division_code", "name"):
                names[code] = name
                if division:
                    names.setdefault(division, name)
                if code in aliases:
                    names.setdefault(aliases[code], name)
            RegionNames._loaded, RegionNames._at = names, time.monotonic()
        return RegionNames._loaded

    @classmethod
    def forget(cls, **_: object) -> None:
        """Drop the names read (a region was saved or deleted)."""
        cls._loaded = None

    def __getitem__(self, code: str) -> str:
        return self._names()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


NAMES_TTL = 60.0


# ---- value conversion shared by both builders --------------------------------------------------


def _register_value(spec: FieldSpec, value: Any) -> Any:
    """A register column value in the engine's Python type; blank/None → None (missing)."""
    if value is None or value == "":
        return None
    if spec.type in ("number", "money"):
        return float(value)
    if spec.type == "int":
        return int(value)
    return value


def fact_value(spec: FieldSpec, raw: Any) -> Any:
    """A stored (JSON) fact value in the engine's type; raises ProfileError when it does not fit."""
    if raw is None:
        return None
    if spec.type == "list" and isinstance(raw, list):
        return tuple(coerce_item(spec, item, i) for i, item in enumerate(raw))
    if spec.type == "date" and isinstance(raw, str):
        try:
            raw = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ProfileError(f"字段 {spec.name}（{spec.label}）应为日期，实为 {raw!r}") from exc
    return coerce(spec, raw)


def fact_to_json(spec: FieldSpec, value: Any) -> Any:
    """The JSON form stored for an engine-typed value (dates as ISO text, sets as sorted lists)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def _region_codes() -> dict[int, str]:
    """region id → the value used as ``region_code`` (注册地区划代码).

    The code of the district (区县) the region lies in, else the region's own code; then, in
    order of preference, that district's administrative division code when the register holds
    one (a ``division_code`` column on Region), or the alias configured in
    ``settings.YIQIAO_POLICY_REGION_CODES`` ({register code: division code}).
    """
    from django.conf import settings

    aliases: dict[str, str] = getattr(settings, "YIQIAO_POLICY_REGION_CODES", {}) or {}
    has_division = any(f.name == "division_code" for f in Region._meta.get_fields())
    columns = ["id", "code", "kind", "parent_id"] + (["division_code"] if has_division else [])
    rows = list(Region.objects.values_list(*columns))
    by_id = {r[0]: r for r in rows}
    out: dict[int, str] = {}
    for row in rows:
        node: tuple[Any, ...] | None = row
        district = row
        while node is not None:
            if node[2] == Region.Kind.DISTRICT:
                district = node
                break
            node = by_id.get(node[3]) if node[3] is not None else None
        division = district[4] if has_division and district[4] else None
        out[row[0]] = division or aliases.get(district[1], district[1])
    return out


LEVEL_FIELDS = {
    "province_code": "province",
    "city_code": "city",
    "county_code": "district",
    "zone_code": "zone",
}


def _region_levels() -> dict[str, dict[int, str]]:
    """Per level field (province_code, city_code, county_code, zone_code): region id → the code
    of the region's ancestor of that kind (itself included), through the same aliases as
    ``region_code`` (``settings.YIQIAO_POLICY_REGION_CODES`` maps register codes to division
    codes). A region with no ancestor of a kind has no entry (missing data)."""
    from django.conf import settings

    aliases: dict[str, str] = getattr(settings, "YIQIAO_POLICY_REGION_CODES", {}) or {}
    rows = {r[0]: r for r in Region.objects.values_list("id", "code", "kind", "parent_id")}
    out: dict[str, dict[int, str]] = {name: {} for name in LEVEL_FIELDS}
    for region_id in rows:
        node: tuple[Any, ...] | None = rows[region_id]
        while node is not None:
            for name, kind in LEVEL_FIELDS.items():
                if node[2] == kind and region_id not in out[name]:
                    out[name][region_id] = aliases.get(node[1], node[1])
            node = rows.get(node[3]) if node[3] is not None else None
    return out


def _chain_codes(fields: FieldDictionary) -> dict[int, frozenset[str]]:
    """chain node id → its code and its ancestors' codes that the dictionary declares."""
    spec = fields.get("chain_nodes")
    if spec is None:
        return {}
    from yiqiao.registry.models import ChainNode

    rows = {
        pk: (code, parent)
        for pk, code, parent in ChainNode.objects.values_list("id", "code", "parent_id")
    }
    out: dict[int, frozenset[str]] = {}
    for pk in rows:
        codes: set[str] = set()
        node: int | None = pk
        while node is not None and node in rows:
            codes.add(rows[node][0])
            node = rows[node][1]
        out[pk] = frozenset(c for c in codes if not spec.values or c in spec.values)
    return out


# ---- one organisation ---------------------------------------------------------------------------


def organisation_profile(organisation: Organisation, *, on: dt.date) -> dict[str, object]:
    """The engine profile of one organisation on ``on`` (register columns + facts); absent keys
    are missing data. Four small queries."""
    fields = field_dictionary()
    profile: dict[str, object] = {}
    for name, column in _SCALAR_COLUMNS.items():
        spec = fields.get(name)
        if spec is not None and spec.source == "register":
            value = _register_value(spec, getattr(organisation, column))
            if value is not None:
                profile[name] = value
    if "region_code" in fields:
        profile["region_code"] = _region_codes()[organisation.region_id]
    levels = _region_levels()
    for name in LEVEL_FIELDS:
        code = levels[name].get(organisation.region_id)
        if name in fields and code is not None:
            profile[name] = code
    if "park_code" in fields and organisation.park_id is not None:
        profile["park_code"] = organisation.park.code  # type: ignore[union-attr]
    if "qualifications" in fields:
        profile["qualifications"] = frozenset(
            code for code, flag in QUALIFICATION_FLAGS.items() if getattr(organisation, flag)
        )
    if "chain_nodes" in fields:
        chain = _chain_codes(fields)
        node_ids = organisation.chain_nodes.through.objects.filter(
            organisation_id=organisation.pk
        ).values_list("chainnode_id", flat=True)
        codes = frozenset().union(*(chain.get(i, frozenset()) for i in node_ids))
        if codes:
            profile["chain_nodes"] = codes
    for field, raw in (
        OrganisationFact.objects.filter(organisation=organisation, as_of__lte=on)
        .order_by("as_of", "id")
        .values_list("field", "value")
    ):
        spec = fields.get(field)
        if spec is None or spec.source != "fact":
            continue
        try:
            value = fact_value(spec, raw)
        except ProfileError:
            continue  # a value that no longer fits its field counts as missing
        if value is None:
            profile.pop(field, None)
        else:
            profile[field] = value
    profile.update(_organisation_lists(organisation, on, fields, profile))
    return profile


def _organisation_lists(
    organisation: Organisation, on: dt.date, fields: FieldDictionary, profile: dict[str, object]
) -> dict[str, object]:
    """List fields of one organisation: its records dated on or before ``on`` (a list with no
    record stays missing unless a fact says it is empty), and the awards received on or before
    ``on`` (the platform knows every award it recorded, so none is an empty list, not missing)."""
    out: dict[str, object] = {}
    records = (
        OrganisationRecord.objects.filter(organisation=organisation, recorded_on__lte=on)
        .order_by("recorded_on", "id")
        .values_list("field", "data")
    )
    for field, data in records:
        spec = fields.get(field)
        if spec is None or spec.type != "list":
            continue
        try:
            item = coerce_item(spec, data, 0)
        except ProfileError:
            continue  # a record that no longer fits the dictionary reads as absent
        current = out.get(field, profile.get(field) or ())
        out[field] = (*current, item)  # type: ignore[misc]
    if AWARDS_RECEIVED in fields:
        out[AWARDS_RECEIVED] = tuple(
            {"policy": code, "date": day, "amount_yuan": float(amount)}
            for code, day, amount in Award.objects.filter(
                organisation=organisation, awarded_on__lte=on
            )
            .order_by("awarded_on", "id")
            .values_list("policy_code", "awarded_on", "amount")
        )
    return out


# ---- the whole register -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterSnapshot:
    """A snapshot plus the organisation id of each row."""

    snapshot: Snapshot
    organisation_ids: npt.NDArray[np.int64]


def _empty(spec: FieldSpec, size: int) -> npt.NDArray[Any]:
    kind = spec.type
    if kind in ("number", "money"):
        return np.zeros(size, dtype=np.float64)
    if kind == "int":
        return np.zeros(size, dtype=np.int64)
    if kind == "bool":
        return np.zeros(size, dtype=np.bool_)
    if kind == "date":
        return np.zeros(size, dtype=np.int32)
    if kind == "set":
        return np.zeros(size, dtype=np.uint64)
    return np.zeros(size, dtype=np.int32)


class _Column:
    """One snapshot column being filled: array, missing mask and (coded types) vocabulary."""

    def __init__(self, spec: FieldSpec, size: int, vocab: Iterable[str] = ()) -> None:
        self.spec = spec
        self.array = _empty(spec, size)
        self.missing = np.ones(size, dtype=np.bool_)
        self.codes: dict[str, int] = {}
        for code in [*spec.values, *vocab]:
            self.codes.setdefault(code, len(self.codes))

    def code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))

    def encode(self, value: Any) -> Any:
        """The stored form of one engine-typed value (not None)."""
        kind = self.spec.type
        if kind == "date":
            return (value - EPOCH).days
        if kind in ("enum", "str"):
            return self.code(str(value))
        if kind == "set":
            bits = 0
            for item in value:
                bits |= 1 << self.code(item)
            return bits
        return value

    def put(self, row: int, value: Any) -> None:
        """Store one engine-typed value (None = missing)."""
        if value is None:
            return
        self.array[row] = self.encode(value)
        self.missing[row] = False

    def put_many(self, rows: npt.NDArray[np.int64], values: list[Any]) -> None:
        """Store a chunk of engine-typed values at ``rows`` (None or "" = missing), vectorised
        per column type."""
        present = np.fromiter((v is not None and v != "" for v in values), np.bool_, len(values))
        kind = self.spec.type
        if kind in ("number", "money"):
            data: Any = [float(v) if ok else 0.0 for v, ok in zip(values, present, strict=True)]
        elif kind == "int":
            data = [int(v) if ok else 0 for v, ok in zip(values, present, strict=True)]
        elif kind == "date":
            data = [(v - EPOCH).days if ok else 0 for v, ok in zip(values, present, strict=True)]
        elif kind in ("enum", "str"):
            data = [self.code(str(v)) if ok else 0 for v, ok in zip(values, present, strict=True)]
        elif kind == "bool":
            data = [bool(v) for v in values]
        else:
            for row, value, ok in zip(rows.tolist(), values, present, strict=True):
                if ok:
                    self.put(row, value)
            return
        self.array[rows] = np.asarray(data, dtype=self.array.dtype)
        self.missing[rows] = ~present

    def put_raw(self, rows: npt.NDArray[np.int64], values: list[Any]) -> None:
        """Store a chunk of register column values as the database driver returns them (dates
        as ISO text or dates, decimals as numbers or Decimal; None or "" = missing), each
        column type converted as one array."""
        kind = self.spec.type
        if kind in ("number", "money", "int"):
            numbers = np.asarray(values, dtype=np.float64)  # None → NaN
            missing = np.isnan(numbers)
            self.array[rows] = np.where(missing, 0, numbers).astype(self.array.dtype)
            self.missing[rows] = missing
        elif kind == "date":
            days = np.asarray([v or None for v in values], dtype="datetime64[D]")  # None → NaT
            missing = np.isnat(days)
            self.array[rows] = np.where(missing, 0, days.astype(np.int64)).astype(np.int32)
            self.missing[rows] = missing
        elif kind in ("enum", "str"):
            lookup = {v: self.code(str(v)) for v in set(values) if v is not None and v != ""}
            codes = np.fromiter((lookup.get(v, -1) for v in values), np.int64, len(values))
            self.array[rows] = np.where(codes < 0, 0, codes).astype(self.array.dtype)
            self.missing[rows] = codes < 0
        else:
            self.put_many(rows, values)

    def vocab(self) -> tuple[str, ...]:
        return tuple(sorted(self.codes, key=self.codes.__getitem__))


def _raw_rows(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Rows of a values_list query as the database driver returns them (no converters)."""
    return [row for chunk in _raw_chunks(query) for row in chunk]


def _raw_chunks(query: QuerySet[Any], size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    """Chunks of rows of a values_list query straight from the cursor (no per-value Django
    converters; each column is converted as an array by the caller)."""
    from django.db import connections

    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(size):
            yield chunk


def register_snapshot(organisations: QuerySet[Organisation], *, on: dt.date) -> RegisterSnapshot:
    """Columnar snapshot of ``organisations`` on ``on`` for :func:`engine.screen`.

    Reads register columns with one id-ordered query fetched in chunks (each column converted
    as an array), chain nodes from the through table, facts field by field (see
    :func:`_read_facts`), records and awards streamed; rows follow ascending organisation id.
    """
    fields = field_dictionary()
    base = organisations.order_by().values_list("id", flat=True)
    ids = np.sort(np.asarray([r[0] for r in _raw_rows(organisations.values_list("id"))], np.int64))
    size = len(ids)
    position = {int(pk): i for i, pk in enumerate(ids)}
    columns: dict[str, _Column] = {}

    def column(name: str) -> _Column | None:
        spec = fields.get(name)
        if spec is None:
            return None
        if name not in columns:
            columns[name] = _Column(spec, size)
        return columns[name]

    scalar = [(n, c) for n, c in _SCALAR_COLUMNS.items() if n in fields]
    region_code = _region_codes() if "region_code" in fields else {}
    levels = {n: codes for n, codes in _region_levels().items() if n in fields}
    park_codes = dict(Region.objects.values_list("id", "code")) if "park_code" in fields else {}
    flags = list(QUALIFICATION_FLAGS.items())
    names = ["id", "region_id", "park_id", *(c for _, c in scalar), *(f for _, f in flags)]
    flag_bits = None
    if "qualifications" in fields:
        qualifications = column("qualifications")
        assert qualifications is not None
        flag_bits = [np.uint64(1 << qualifications.code(code)) for code, _ in flags]
    for chunk in _raw_chunks(organisations.order_by("pk").values_list(*names)):
        values = list(zip(*chunk, strict=True))
        rows = np.searchsorted(ids, np.asarray(values[0], dtype=np.int64))
        if region_code:
            column("region_code").put_many(rows, [region_code.get(r) for r in values[1]])  # type: ignore[union-attr]
        for name, by_region in levels.items():
            target = column(name)
            if target is not None:
                target.put_many(rows, [by_region.get(r) for r in values[1]])
        if park_codes:
            column("park_code").put_many(  # type: ignore[union-attr]
                rows, [park_codes.get(r) if r is not None else None for r in values[2]]
            )
        for offset, (name, _) in enumerate(scalar, start=3):
            target = column(name)
            assert target is not None
            target.put_raw(rows, list(values[offset]))
        if flag_bits is not None:
            target = column("qualifications")
            assert target is not None
            start = 3 + len(scalar)
            bits = np.zeros(len(chunk), dtype=np.uint64)
            for k, bit in enumerate(flag_bits):
                bits |= np.asarray(values[start + k], dtype=np.bool_).astype(np.uint64) * bit
            target.array[rows] = bits
            target.missing[rows] = False
    for name in ("region_code", "park_code", "qualifications", *(n for n, _ in scalar)):
        column(name)
    chain = column("chain_nodes")
    if chain is not None:
        chain_map = _chain_codes(fields)
        through = Organisation.chain_nodes.through
        by_org: dict[int, set[str]] = {}
        for org_id, node_id in through.objects.filter(organisation_id__in=base).values_list(
            "organisation_id", "chainnode_id"
        ):
            by_org.setdefault(org_id, set()).update(chain_map.get(node_id, ()))
        for org_id, codes in by_org.items():
            if codes:
                chain.put(position[org_id], codes)
    lists = _ListBuilder(fields, size)
    _read_facts(fields, ids, on, column, lists)
    records = (
        OrganisationRecord.objects.filter(organisation_id__in=base, recorded_on__lte=on)
        .order_by("organisation_id", "recorded_on", "id")
        .values_list("organisation_id", "field", "data")
    )
    for org_id, field, data in records.iterator(chunk_size=CHUNK):
        lists.record(position[org_id], field, data)
    if AWARDS_RECEIVED in fields:
        awards = (
            Award.objects.filter(organisation_id__in=base, awarded_on__lte=on)
            .order_by("organisation_id", "awarded_on", "id")
            .values_list("organisation_id", "policy_code", "awarded_on", "amount")
        )
        for org_id, code, day, amount in awards.iterator(chunk_size=CHUNK):
            lists.record(
                position[org_id], AWARDS_RECEIVED,
                {"policy": code, "date": day, "amount_yuan": float(amount)},
            )  # fmt: skip
    tables, list_missing = lists.tables()
    plain = {n: c for n, c in columns.items() if c.spec.type != "list"}
    snapshot = engine_snapshot_from_arrays(
        fields,
        size,
        {n: c.array for n, c in plain.items()},
        {n: (c.missing if c.missing.any() else None) for n, c in plain.items()},
        {n: c.vocab() for n, c in plain.items() if c.spec.type in ("enum", "str", "set")},
        tables,
    )
    missing = dict(snapshot.missing) | list_missing
    snapshot = type(snapshot)(
        snapshot.size, snapshot.columns, missing, snapshot.vocab, fields, tables
    )
    return RegisterSnapshot(snapshot, ids)


def _fact_texts(field: str, on: dt.date) -> tuple[npt.NDArray[np.int64], list[str]]:
    """(organisation id, value as JSON text) of the facts of ``field`` dated on or before
    ``on``, in the order later values override earlier ones (as_of, id); one raw query, no
    per-row conversion."""
    from django.db import connection

    table = OrganisationFact._meta.db_table
    value = "value::text" if connection.vendor == "postgresql" else "value"
    sql = (
        f"SELECT organisation_id, {value} FROM {table} "  # noqa: S608 - names from the model
        "WHERE field = %s AND as_of <= %s ORDER BY as_of, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field, on])
        rows = cursor.fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), []
    owners, texts = zip(*rows, strict=True)
    return np.asarray(owners, dtype=np.int64), list(texts)


def _latest(
    ids: npt.NDArray[np.int64], owners: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(snapshot rows, positions in ``owners``) of the last fact of each organisation of
    ``ids`` (later facts override earlier ones)."""
    rows = np.searchsorted(ids, owners)
    inside = rows < ids.size
    inside[inside] = ids[rows[inside]] == owners[inside]
    picked = np.flatnonzero(inside)[::-1]
    kept, first = np.unique(rows[picked], return_index=True)
    return kept, picked[first]


def _numbers(spec: FieldSpec, texts: list[str]) -> npt.NDArray[Any] | None:
    """Plain JSON numbers (or ISO dates in quotes) decoded in one vectorised step, as
    :func:`fact_value` would decode each; None when any text needs the general path."""
    kind = spec.type
    if kind not in ("number", "money", "int", "date"):
        return None
    try:
        array = np.asarray(texts, dtype=str)
        if kind == "date":  # "YYYY-MM-DD" in quotes only (numpy would also read "2024-03")
            inner = np.char.strip(array, '"')
            if not (np.char.str_len(array) == 12).all() or not (np.char.str_len(inner) == 10).all():
                return None
            if not ((np.char.find(inner, "-") == 4) & (np.char.rfind(inner, "-") == 7)).all():
                return None
            return inner.astype("datetime64[D]").astype(np.int64).astype(np.int32)
        # JSON numbers parse as Python's float() reads them (NaN, Infinity included); a
        # string, true/false or null fails and takes the general path
        values = array.astype(np.float64)
        if kind == "int":
            if not np.array_equal(values, np.trunc(values)):
                return None
            return values.astype(np.int64)
        return values
    except (ValueError, OverflowError, TypeError):
        return None


def _read_facts(
    fields: FieldDictionary,
    ids: npt.NDArray[np.int64],
    on: dt.date,
    column: Any,
    lists: _ListBuilder,
) -> None:
    """Fact columns, field by field: the latest fact of each organisation dated on or before
    ``on``; a null or a value that no longer fits its field is missing. Numbers and dates are
    decoded as arrays; other values once per distinct text."""
    import json

    position = None
    for name, spec in fields.fields.items():
        if spec.source != "fact":
            continue
        owners, texts = _fact_texts(name, on)
        if not texts:
            continue
        if spec.type == "list":  # every list fact adds its items (rare: explicit "none" lists)
            if position is None:
                position = {int(pk): i for i, pk in enumerate(ids.tolist())}
            for org_id, text in zip(owners.tolist(), texts, strict=True):
                if org_id in position:
                    lists.fact(position[org_id], name, json.loads(text))
            continue
        target = column(name)
        if target is None:
            continue
        rows, picked = _latest(ids, owners)
        chosen = [texts[k] for k in picked.tolist()]
        fast = _numbers(spec, chosen)
        if fast is not None:
            target.array[rows] = fast
            target.missing[rows] = False
            continue
        distinct, inverse = np.unique(np.asarray(chosen, dtype=object), return_inverse=True)
        stored, present = [], []
        for text in distinct.tolist():
            try:
                value = fact_value(spec, json.loads(text))
            except (ProfileError, ValueError):
                value = None
            present.append(value is not None)
            stored.append(target.encode(value) if value is not None else 0)
        inverse = inverse.reshape(-1)
        target.array[rows] = np.asarray(stored, dtype=target.array.dtype)[inverse]
        target.missing[rows] = ~np.asarray(present, dtype=np.bool_)[inverse]


class _ListBuilder:
    """Items of the list fields while the register is read: records (JSON, checked when they
    were written) and explicit "none" facts; encoded column by column at the end."""

    def __init__(self, fields: FieldDictionary, size: int) -> None:
        self.fields = fields
        self.size = size
        self.owners: dict[str, list[int]] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.known: dict[str, np.ndarray] = {}

    def _known(self, field: str) -> np.ndarray:
        if field not in self.known:
            self.known[field] = np.zeros(self.size, dtype=np.bool_)
        return self.known[field]

    def fact(self, row: int, field: str, raw: Any) -> None:
        if isinstance(raw, list):
            self._known(field)[row] = True
            for item in raw:
                if isinstance(item, dict):
                    self.record(row, field, item)

    def record(self, row: int, field: str, data: dict[str, Any]) -> None:
        spec = self.fields.get(field)
        if spec is None or spec.type != "list":
            return
        self._known(field)[row] = True
        self.owners.setdefault(field, []).append(row)
        self.items.setdefault(field, []).append(data)

    def tables(self) -> tuple[dict[str, ItemTable], dict[str, Any]]:
        tables: dict[str, ItemTable] = {}
        missing: dict[str, Any] = {}
        for name, spec in self.fields.fields.items():
            if spec.type != "list":
                continue
            tables[name] = _encode_items(
                spec, self.size, self.owners.get(name, []), self.items.get(name, [])
            )
            known = self.known.get(name)
            if name == AWARDS_RECEIVED:
                missing[name] = None
            elif known is None:
                missing[name] = np.ones(self.size, dtype=np.bool_)
            else:
                missing[name] = None if known.all() else ~known
        return tables, missing


def _encode_items(
    spec: FieldSpec, size: int, owners: list[int], items: list[dict[str, Any]]
) -> ItemTable:
    """Columns of stored items (JSON: dates as text, codes as text), vectorised per field."""
    assert spec.items is not None
    columns: dict[str, npt.NDArray[Any]] = {}
    masks: dict[str, npt.NDArray[np.bool_] | None] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    for name, sub in spec.items.items():
        raw = [item.get(name) for item in items]
        mask = np.fromiter((v is None for v in raw), dtype=np.bool_, count=len(raw))
        masks[name] = mask if mask.any() else None
        kind = sub.type
        if kind == "date":
            texts = [v.isoformat() if isinstance(v, dt.date) else (v or "NaT") for v in raw]
            days = np.array(texts, dtype="datetime64[D]").astype(np.int64)
            columns[name] = np.where(mask, 0, days).astype(np.int32)
        elif kind in ("number", "money"):
            columns[name] = np.array(
                [0.0 if v is None else float(v) for v in raw], dtype=np.float64
            )
        elif kind == "int":
            columns[name] = np.array([0 if v is None else int(v) for v in raw], dtype=np.int64)
        elif kind == "bool":
            columns[name] = np.array([bool(v) for v in raw], dtype=np.bool_)
        elif kind == "set":
            codes = list(sub.values) + sorted({c for v in raw if v for c in v} - set(sub.values))
            bit = {c: 1 << i for i, c in enumerate(codes)}
            vocab[name] = tuple(codes)
            columns[name] = np.array(
                [sum(bit[c] for c in v) if v else 0 for v in raw], dtype=np.uint64
            )
        else:
            codes = list(sub.values) + sorted(
                {str(v) for v in raw if v is not None} - set(sub.values)
            )
            index = {c: i for i, c in enumerate(codes)}
            vocab[name] = tuple(codes)
            columns[name] = np.array(
                [0 if v is None else index[str(v)] for v in raw], dtype=np.int32
            )
    return item_table(spec, size, np.array(owners, dtype=np.int64), columns, masks, vocab)
