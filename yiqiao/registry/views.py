"""Pages of the register: parse the request, call one query or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core import import_jobs
from yiqiao.core.access import VIEW
from yiqiao.core.imports import IMPORTERS, template_rows
from yiqiao.core.models import ImportJob
from yiqiao.core.panels import organisation_panels, page_panels
from yiqiao.core.scope import mask_email, mask_phone, user_scope
from yiqiao.core.tabular import write_xlsx

from . import queries, services
from .forms import ContactForm, ImportUploadForm, OrganisationForm, SpaceForm
from .models import Organisation, Region, Service, Space
from .services.imports import organisation_export as organisation_export_table

EXPORT_LIMIT = 100_000


def _page_size(request: HttpRequest) -> int:
    from django.conf import settings

    try:
        size = int(request.GET.get("per_page", settings.PAGE_SIZE_DEFAULT))
    except ValueError:
        size = settings.PAGE_SIZE_DEFAULT
    return max(5, min(size, settings.PAGE_SIZE_MAX))


def _scoped_regions(user: Any) -> list[Region]:
    scope = user_scope(user)
    qs = (
        Region.objects.all() if scope.everything else Region.objects.filter(id__in=scope.region_ids)
    )
    return list(qs.order_by("path"))


def _require_editor(user: Any) -> None:
    if not user.can_edit_register:
        raise PermissionDenied("当前角色无权修改名录")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page: the figures of the register the user can see; a leader's is the cockpit."""
    if getattr(request.user, "is_leader", False):
        return redirect("dashboard:cockpit")
    return render(request, "core/home.html", {"figures": queries.home_figures(user=request.user)})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = queries.OrganisationFilters.from_mapping(request.GET)
    qs = queries.organisation_list(user=request.user, filters=filters)
    page = queries.organisation_page(qs, request.GET.get("page"), _page_size(request))
    objects = list(page.object_list)
    _attach_chain_nodes(objects)
    context = {
        "page": page,
        "organisations": objects,
        "filters": filters,
        "query": filters.as_query(),
        "kinds": Organisation.Kind.choices,
        "stages": Organisation.Stage.choices,
        "regions": _scoped_regions(request.user),
        "chain_nodes": queries.chain_choices(),
        "qualifications": [
            ("high_tech", "高新技术企业"),
            ("specialised", "专精特新"),
            ("little_giant", "专精特新“小巨人”"),
            ("listed", "上市企业"),
            ("pre_ipo", "拟上市"),
            ("chain_leader", "链主企业"),
        ],
        "sorts": [
            ("name", "名称"),
            ("-founded_on", "成立日期（新→旧）"),
            ("-revenue", "营收（高→低）"),
            ("-rd_spend", "研发投入（高→低）"),
            ("-headcount", "人数（多→少）"),
            ("-updated", "最近更新"),
        ],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_organisation_table.html", context)
    return render(request, "registry/organisation_list.html", context)


def _attach_chain_nodes(orgs: list[Organisation]) -> None:
    """One query for the chain tags of a whole page (no N+1)."""
    through = Organisation.chain_nodes.through
    by_org: dict[int, list[str]] = {}
    rows = through.objects.filter(organisation_id__in=[o.pk for o in orgs]).values_list(
        "organisation_id", "chainnode__name"
    )
    for org_id, name in rows:
        by_org.setdefault(org_id, []).append(name)
    for org in orgs:
        org.chain_names = by_org.get(org.pk, [])  # type: ignore[attr-defined]


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = queries.access_organisation(request.user, pk)
    related = queries.organisation_detail(org)
    confidential = request.user.can_view_confidential  # type: ignore[union-attr]
    contacts = [
        {
            "name": c.name,
            "title": c.title,
            "is_primary": c.is_primary,
            "phone": c.phone if confidential else mask_phone(c.phone) if c.phone else "",
            "email": c.email if confidential else mask_email(c.email) if c.email else "",
        }
        for c in related["contacts"]
    ]
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "org": org,
            "contacts": contacts,
            "confidential": confidential,
            "contact_form": ContactForm() if request.user.can_edit_register else None,  # type: ignore[union-attr]
            "panels": organisation_panels(request, org),
            **{k: v for k, v in related.items() if k != "contacts"},
        },
    )


@login_required
def organisation_create(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    regions = _scoped_regions(request.user)
    form = OrganisationForm(request.POST or None, regions=regions, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(data=form.service_data(), by=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已新增机构“{org.name}”")
            return redirect("registry:organisation-detail", pk=org.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "org": None})


@login_required
def organisation_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    org = queries.access_organisation(request.user, pk, for_edit=True)
    regions = _scoped_regions(request.user)
    form = OrganisationForm(request.POST or None, instance=org, regions=regions, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_update(
                organisation=org,
                data=form.service_data(),
                by=request.user,
                row_version=form.cleaned_data.get("row_version"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("registry:organisation-detail", pk=org.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "org": org})


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def contact_add(request: SignedInRequest, pk: int) -> HttpResponse:
    org = queries.access_organisation(request.user, pk, for_edit=True)
    form = ContactForm(request.POST)
    if form.is_valid():
        services.contact_create(organisation=org, data=form.cleaned_data, by=request.user)
        messages.success(request, "已添加联系人")
    else:
        messages.error(
            request,
            "联系人信息有误："
            + "；".join(
                f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
                for f, errs in form.errors.items()
                for e in errs
            ),
        )
    return redirect("registry:organisation-detail", pk=org.pk)


@login_required
def organisation_export(request: HttpRequest) -> HttpResponse:
    filters = queries.OrganisationFilters.from_mapping(request.GET)
    qs: QuerySet[Organisation] = queries.organisation_list(user=request.user, filters=filters)
    confidential = request.user.can_view_confidential  # type: ignore[union-attr]
    # The import template's columns, so the file imports back unchanged.
    headers, rows = organisation_export_table(qs, confidential=confidential, limit=EXPORT_LIMIT)
    content = write_xlsx(headers, rows, title="机构名录")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=organisations.xlsx"
    return response


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    pairs = queries.likely_duplicates(user=request.user)
    return render(request, "registry/duplicates.html", {"pairs": pairs})


@login_required
@require_POST
def organisation_merge(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    try:
        keep_id, merge_id = int(request.POST["keep"]), int(request.POST["merge"])
    except (KeyError, ValueError) as exc:
        raise Http404("参数错误") from exc
    keep = queries.access_organisation(request.user, keep_id, for_edit=True)
    merge = queries.access_organisation(request.user, merge_id, for_edit=True)
    try:
        services.organisation_merge(keep=keep, merge=merge, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("registry:duplicates")
    messages.success(request, f"已将“{merge.name}”合并至“{keep.name}”，历史记录已保留")
    return redirect("registry:organisation-detail", pk=keep.pk)


# ---- spaces ----


@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    filters = queries.SpaceFilters.from_mapping(request.GET)
    qs = queries.space_list(user=request.user, filters=filters)
    page = Paginator(qs, _page_size(request)).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "filters": filters,
        "query": query,
        "kinds": Space.Kind.choices,
        "parks": [
            r
            for r in _scoped_regions(request.user)
            if r.kind in {Region.Kind.ZONE, Region.Kind.PARK}
        ],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_space_table.html", context)
    return render(request, "registry/space_list.html", context)


@login_required
def space_export(request: HttpRequest) -> HttpResponse:
    filters = queries.SpaceFilters.from_mapping(request.GET)
    qs = queries.space_list(user=request.user, filters=filters)
    headers = [
        "编号",
        "名称",
        "类型",
        "所在园区",
        "地址",
        "总面积（㎡）",
        "可用面积（㎡）",
        "租金（元/㎡·月）",
        "GMP等级",
        "洁净等级",
        "楼面荷载（kg/㎡）",
        "产权/运营方",
        "可招商",
    ]

    def rows() -> Any:
        for s in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                s.pk,
                s.name,
                s.get_kind_display(),
                s.park.name,
                s.address,
                float(s.total_area_m2),
                float(s.available_area_m2),
                float(s.rent_yuan_per_m2_month) if s.rent_yuan_per_m2_month is not None else None,
                s.gmp_grade,
                s.cleanroom_class,
                s.floor_load_kg_m2,
                s.owner.name if s.owner else "",
                "是" if s.is_available else "否",
            ]

    response = HttpResponse(
        write_xlsx(headers, rows(), title="载体"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=spaces.xlsx"
    return response


@login_required
def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space = queries.access_space(request.user, pk)
    return render(request, "registry/space_detail.html", {"space": space})


@login_required
def space_create(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    form = SpaceForm(request.POST or None, user=request.user, regions=_scoped_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_create(data=form.service_data(), by=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已新增载体“{space.name}”")
            return redirect("registry:space-detail", pk=space.pk)
    return render(request, "registry/space_form.html", {"form": form, "space": None})


@login_required
def space_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    space = queries.access_space(request.user, pk, for_edit=True)
    form = SpaceForm(
        request.POST or None,
        instance=space,
        user=request.user,
        regions=_scoped_regions(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_update(
                space=space,
                data=form.service_data(),
                by=request.user,
                row_version=form.cleaned_data.get("row_version"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("registry:space-detail", pk=space.pk)
    return render(request, "registry/space_form.html", {"form": form, "space": space})


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    qs = queries.service_list(user=request.user, category=category)
    page = Paginator(qs, _page_size(request)).get_page(request.GET.get("page"))
    # A provider is a link only where its page opens for this user (an enterprise sees few).
    readable = set(
        Organisation.objects.restrict(request.user, VIEW)
        .filter(pk__in={s.provider_id for s in page})
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "registry/service_list.html",
        {
            "page": page,
            "readable_providers": readable,
            "categories": Service.Category.choices,
            "category": category,
            "panels": page_panels("services", request),
        },
    )


# ---- import ----


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"target": request.GET.get("target", "organisations")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.YIQIAO_IMPORT_MAX_BYTES:
            form.add_error(
                "file", f"文件过大，上限为 {settings.YIQIAO_IMPORT_MAX_BYTES // 1048576} MB"
            )
        else:
            job = import_jobs.import_job_create(
                target=form.cleaned_data["target"],
                filename=upload.name,
                content=upload.read(),
                by=request.user,
            )
            return redirect("registry:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by_id=request.user.pk).order_by("-created_at")[:10]
    return render(request, "registry/import_start.html", {"form": form, "jobs": jobs})


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, created_by_id=request.user.pk)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    errors = [r for r in job.report if r["action"] == "error"]
    changes = [r for r in job.report if r["action"] != "error"][:200]
    context = {"job": job, "errors": errors, "changes": changes}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_import_job.html", context)
    return render(request, "registry/import_job.html", context)


@login_required
@require_POST
def import_job_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request.user)
    job = _own_job(request, pk)
    decision = request.POST.get("decision", "")
    if decision == "discard":
        import_jobs.import_job_discard(job=job, by=request.user)
        messages.info(request, "已取消本次导入，未写入任何数据")
    elif not import_jobs.import_job_start_apply(job=job, mode=decision, by=request.user):
        messages.error(request, "无法开始导入：任务状态已变化，或文件仍有错误行")
    return redirect("registry:import-job", pk=job.pk)


@login_required
def import_template(request: HttpRequest, target: str, fmt: str) -> HttpResponse:
    if target not in IMPORTERS:
        raise Http404("未知的导入对象")
    headers, example = template_rows(target)
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerow(example)
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            write_xlsx(headers, [example], title=IMPORTERS[target].title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f"attachment; filename={target}-template.{fmt}"
    return response


def register_url(name: str, **kwargs: Any) -> str:
    return reverse(f"registry:{name}", kwargs=kwargs)
