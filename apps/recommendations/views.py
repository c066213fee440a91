"""Export pages: the prebuilt files of the whole record (/downloads/), and export jobs (/exports/…).

Files are served by Django's FileResponse (whitenoise serves only the files collected at deploy time);
gunicorn's gthread workers hand them to the client without holding a process per download.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.recommendations.export_requests import ExportLimitReached, export_job_create
from apps.recommendations.exports.client_identity import client_key
from apps.recommendations.exports.files import DATASETS, exports_path
from apps.recommendations.exports.http import content_disposition
from apps.recommendations.exports.selectors import dataset_file_by_name, dataset_file_list, export_job_by_token
from apps.recommendations.exports.tokens import export_job_token_make
from apps.recommendations.exports.writers import CONTENT_TYPES, EXPORT_FORMATS
from apps.recommendations.models import ExportJob


@require_GET
def download_list(request: HttpRequest) -> HttpResponse:
    """The whole record as prebuilt files, with the date, size and SHA-256 of each."""
    return render(request, "exports/downloads.html", {"datasets": dataset_file_list()})


@require_GET
def dataset_file(request: HttpRequest, filename: str) -> FileResponse:
    """One prebuilt file, by the dated name the listing gives (only a listed name is served: no path is read
    from the URL)."""
    dataset = dataset_file_by_name(filename=filename)
    path = exports_path(DATASETS, dataset.filename) if dataset else None
    if dataset is None or path is None or not path.is_file():
        raise Http404("No such file: the listing at /downloads/ names the current ones.")
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[dataset.format])
    response["Content-Disposition"] = content_disposition(dataset.filename)
    response["ETag"] = f'"{dataset.sha256}"'
    response["X-Checksum-SHA256"] = dataset.sha256
    return response


@require_POST
def export_new(request: HttpRequest) -> HttpResponse:
    """Start an export job for the explorer's filters (sent as `query`, the API's query string) and `format`."""
    fmt = request.POST.get("format", "csv")
    kind = request.POST.get("kind", "recommendations")
    query = QueryDict(request.POST.get("query", ""))
    filters = {name: values for name, values in query.lists() if name not in {"format", "page"}}
    error, status = "", 200
    if fmt not in EXPORT_FORMATS or kind not in {"recommendations", "statements"}:
        error, status = f"Unknown export {kind}/{fmt}.", 400
    else:
        try:
            job = export_job_create(
                kind=kind,
                fmt=fmt,
                filters=filters,
                client_key=client_key(request),
                requester_id=request.user.pk if request.user.is_authenticated else None,
            )
        except ExportLimitReached as exc:
            error, status = str(exc), 429
        except ValidationError as exc:
            error, status = "; ".join(exc.messages), 400
        else:
            return redirect("exports:job", token=export_job_token_make(job_id=job.pk))
    return render(request, "exports/job_refused.html", {"error": error}, status=status)


def _job_or_404(token: str) -> ExportJob:
    job = export_job_by_token(token=token)
    if job is None:
        raise Http404("No export for this link: it is mistyped, or the export has expired.")
    return job


@require_GET
def export_job(request: HttpRequest, token: str) -> HttpResponse:
    """A job's progress; htmx polls the status block every 2 s until the file is ready (no inline script)."""
    job = _job_or_404(token)
    context = {"job": job, "token": token, "keep_hours": settings.EXPORT_JOB_KEEP_HOURS}
    template = "exports/_job_status.html" if getattr(request, "htmx", False) else "exports/job.html"
    return render(request, template, context)


@require_GET
def export_job_file(request: HttpRequest, token: str) -> FileResponse:
    job = _job_or_404(token)
    path = exports_path(job.file) if job.file else None
    if job.status != ExportJob.Status.DONE or path is None or not path.is_file():
        raise Http404("This export has no file (yet): its page shows where it stands.")
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[job.format])
    response["Content-Disposition"] = content_disposition(job.filename)
    response["X-Checksum-SHA256"] = job.sha256
    return response
