"""An export job written by a real Celery worker on Redis, read back through the pages, with its e-mail
received by an SMTP server on loopback; and the prebuilt files rebuilt by the worker."""

import hashlib
import re
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.core.management import call_command
from django.test import Client

from apps.recommendations.exports.tokens import export_job_token_read
from apps.recommendations.models import DatasetFile, ExportJob
from apps.states.models import MemberState
from tests.factories import UserFactory
from tests.integration.test_reminders_delivery import Broker, SMTPServer, Worker, free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class MailRecorder:
    """Keeps every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def export_worker(postgres: None, redis_url: str, tmp_path: Path, settings: Any) -> Iterator[dict[str, Any]]:
    """A worker on a queue of this test's own, writing to the EXPORTS_DIR the test reads; a client to send to it."""
    if MemberState.objects.filter(iso3="CHN").count() == 0:
        call_command("load_reference_data", verbosity=0)
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.EXPORT_SYNC_MAX_ROWS = 50
    queue = f"exports-test-{uuid.uuid4().hex[:8]}"
    smtp_port = free_port()
    server = SMTPServer(smtp_port)
    recorder = MailRecorder()
    server.controller.handler = recorder
    with server:
        worker = Worker(
            broker=Broker(redis_url),
            queue=queue,
            smtp_port=smtp_port,
            log=tmp_path / "worker.log",
            pool="solo",
            EXPORTS_DIR=str(settings.EXPORTS_DIR),
            DJANGO_SECRET_KEY=settings.SECRET_KEY,  # the worker signs the link the test reads
            SITE_URL="https://upr.example.org",
        )
        client = Celery("integration-client", broker=redis_url)
        client.conf.broker_connection_retry_on_startup = True
        try:
            yield {"send": lambda name, *args: client.send_task(name, args=list(args), queue=queue), "mail": recorder}
        finally:
            worker.stop()
            with client.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
            client.close()


def test_a_worker_writes_the_job_and_mails_the_link(export_worker: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr("apps.recommendations.tasks.run_export_job.delay_on_commit", lambda job_id: None)
    advocate = UserFactory(username="it-advocate", email="advocate@example.org")
    browser = Client()
    browser.force_login(advocate)
    accepted = browser.get("/api/v1/recommendations/", {"state_under_review": "CHN", "cycle": "3", "format": "csv"})
    assert accepted.status_code == 202
    job = ExportJob.objects.get()

    export_worker["send"]("apps.recommendations.tasks.run_export_job", job.pk)

    wait_for(lambda: ExportJob.objects.get().status in {"done", "failed"}, 60, "the worker to write the export")
    status = browser.get(accepted["Location"]).json()
    assert status["status"] == "done", status
    content = b"".join(browser.get(status["download_url"]).streaming_content)
    assert hashlib.sha256(content).hexdigest() == status["sha256"]
    assert content.count(b"\n") == 347  # the header and China's 346 recommendations of 2018
    wait_for(lambda: len(export_worker["mail"].messages) == 1, 20, "the e-mail with the link")
    message = export_worker["mail"].messages[0]
    assert message["To"] == "advocate@example.org"
    link = re.search(r"https://upr\.example\.org/exports/([^/\s]+)/", message.get_payload())
    assert link is not None, message.get_payload()
    assert export_job_token_read(token=link.group(1)) == job.pk


def test_the_worker_rebuilds_the_prebuilt_files(export_worker: dict[str, Any]) -> None:
    export_worker["send"]("apps.recommendations.tasks.rebuild_datasets")

    wait_for(lambda: DatasetFile.objects.count() == 6, 90, "six prebuilt files")
    listing = Client().get("/api/v1/downloads/").json()["results"]
    for item in listing:
        response = Client().get(item["url"])
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == item["sha256"]
