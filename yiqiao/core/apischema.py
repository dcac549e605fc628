"""Pieces every app's API shares: bounded page numbers and PATCH bodies that cannot null a
required column. Bad input is refused with 422 and a message, never a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema

# Past any real list; keeps OFFSET (page × size) inside a 64-bit integer on every database.
MAX_PAGE = 1_000_000


def page_field() -> Any:
    """The `page` parameter of a list operation: 1 … MAX_PAGE."""
    return Field(1, ge=1, le=MAX_PAGE, description=f"页码（1–{MAX_PAGE}）")


def patch_data(payload: Schema, model: type[models.Model]) -> dict[str, Any]:
    """The fields a PATCH sent (unset ones left alone); `null` for a column that cannot be null
    is refused, naming the field, so a PATCH never reaches the database with it."""
    data = payload.dict(exclude_unset=True)
    for name, value in data.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not getattr(field, "null", True) and not field.many_to_many:
            raise HttpError(422, f"{name}: 不能为 null（清空文字请传空字符串）")
    return data


def choices_schema(choices: type[models.TextChoices]) -> WithJsonSchema:
    """Publish a model's choices inline as a string enum, not as a named component.

    OpenAPI names an enum component after its class, and many models nest one called `Kind`:
    published side by side, the last one overwrote the others (the activity kind listed
    funding kinds). Use as `Annotated[Activity.Kind, choices_schema(Activity.Kind)]`.
    """
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})
