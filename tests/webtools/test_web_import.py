"""The import page: uploads of real files, a background import with progress, the summary."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import CORPUS, KithRunner
from kith.services.imports import calendar_available, kind_of
from kith.web import importjobs
from kith.web.shared import Shared
from webtools.rig import csrf_of

Make = Callable[..., TestClient]


def upload(client: TestClient, paths: list[Path], **data: str) -> TestClient:
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    return client.post(  # type: ignore[return-value]
        "/import", data={"csrf": csrf_of(client, "/import"), **data}, files=files,
        follow_redirects=False,
    )  # fmt: skip


def finished(client: TestClient, location: str, seconds: float = 120) -> str:
    """Poll the progress fragment as the page does until it stops polling; its last HTML."""
    deadline = time.monotonic() + seconds
    polls = 0
    while True:
        fragment = client.get(f"{location}/progress", headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        polls += 1
        if 'hx-trigger="every 500ms"' not in fragment.text:
            return fragment.text
        assert time.monotonic() < deadline, "the import did not finish"
        time.sleep(0.1)


def test_the_page_offers_what_kith_reads(make_client: Make) -> None:
    html = make_client().get("/import").text
    assert 'type="file" name="files" multiple' in html
    assert 'enctype="multipart/form-data"' in html
    for kind in ("vCard", "CSV", "mbox", "Kith backup"):
        assert kind in html
    assert (".ics" in html) == calendar_available()
    assert "Up to 200 MB" in html
    assert "add them in" in html  # no owner addresses yet: mail needs them first


def test_contacts_and_mail_from_the_corpus_with_every_skipped_record(
    make_client: Make, kith: KithRunner
) -> None:
    assert kith("me --name 'Sam Rivera' --email sam@example.com").code == 0
    client = make_client()
    vcards = sorted((CORPUS / "vcard").glob("*.vcf"))
    chosen = [
        p for p in vcards if p.name.startswith(("khard__unparsable", "android-vcard__v21_im"))
    ]
    chosen += [p for p in vcards if p.name.startswith("android-vcard__v21_simple")]
    csv = CORPUS / "csv" / "linkedin-connections-toolkit__sample_connections.csv"
    mail = [CORPUS / "mail" / "mbox" / "roundcube__import.mbox",
            CORPUS / "mail" / "eml" / "flanker__iphone.eml"]  # fmt: skip
    answer = upload(client, [*chosen, csv, *mail])
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert re.fullmatch(r"/import/[\w-]+", location)
    page = client.get(location)
    assert page.status_code == 200 and re.search(r"Import(ing|ed) 6 files", page.text)
    html = finished(client, location)
    assert "Contacts from vCards" in html and "Contacts from linkedin" in html and "Mail" in html
    assert "<dt>added</dt>" in html and "<dt>messages read</dt>" in html
    assert "<dt>updated</dt>" not in html  # counts of nothing are left out (but the first)
    # every skipped record: its file, where in it, and why — without the server's temp folder
    assert "khard__unparsable.vcf" in html and "no END:VCARD" in html
    assert "android-vcard__v21_im.vcf" in html and "no name, e-mail address or phone" in html
    assert "card 1" in html
    assert "kith-import-" not in html and "/tmp/" not in html
    again = client.get(location).text
    assert "no END:VCARD" in again  # the summary can be read again
    assert kith("ls --json").json()["total"] >= 3


def test_mail_without_the_owners_addresses_says_where_to_add_them(make_client: Make) -> None:
    client = make_client()
    answer = upload(client, [CORPUS / "mail" / "eml" / "flanker__iphone.eml"])
    html = finished(client, answer.headers["location"])
    assert "Kith needs your own e-mail addresses" in html and "Settings" in html


def test_a_backup_comes_back_whole_into_an_empty_kith_only(
    make_client: Make, kith: KithRunner, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    for command in ("add 'Ann Lee' --email ann@example.com", "add 'Ben Okafor' --circle close"):
        assert kith("--db", str(other), *shlex.split(command)).code == 0
    backup = tmp_path / "kith-backup.json"
    assert kith("--db", str(other), "export", "json", str(backup)).code == 0
    client = make_client()
    html = finished(client, upload(client, [backup]).headers["location"])
    assert "Backup" in html and "<dt>people</dt>" in html, html
    assert kith("ls --json").json()["total"] == 2
    html = finished(client, upload(client, [backup]).headers["location"])
    assert "only into an empty Kith" in html
    assert kith("ls --json").json()["total"] == 2


def test_too_big_an_upload_is_refused_before_it_is_read(
    make_client: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importjobs, "MAX_UPLOAD_BYTES", 50_000)
    client = make_client()
    big = [("files", ("big.vcf", b"BEGIN:VCARD\r\n" + b"x" * 200_000, "text/vcard"))]
    answer = client.post("/import", data={"csrf": csrf_of(client, "/import")}, files=big)
    assert answer.status_code == 413
    assert "more than Kith takes in one import" in answer.text


def test_the_size_is_also_counted_while_saving(tmp_path: Path) -> None:
    jobs = importjobs.Jobs(Shared(tmp_path))
    stream = io.BytesIO(b"BEGIN:VCARD\r\n" + b"x" * 3 * 1024 * 1024)
    limit = importjobs.MAX_UPLOAD_BYTES
    try:
        importjobs.MAX_UPLOAD_BYTES = 1024 * 1024
        with pytest.raises(importjobs.TooLarge):
            jobs.save_uploads([("many.vcf", stream)])
    finally:
        importjobs.MAX_UPLOAD_BYTES = limit


def test_an_import_whose_process_ended_says_so(tmp_path: Path) -> None:
    """A worker that ran an import and ended (killed, restarted) leaves a page that says so."""
    shared = Shared(tmp_path)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    job = importjobs.ImportJob("A" * 16, None, ["contacts.vcf"], label="Contacts", done=3,
                               total=10, pid=int(ended.stdout))  # fmt: skip
    shared.write(job.id + importjobs.SUFFIX, job)
    running = replace(job, id="B" * 16, pid=os.getppid())  # a process that is still there
    shared.write(running.id + importjobs.SUFFIX, running)
    jobs = importjobs.Jobs(shared)
    stopped = jobs.get(job.id, None)
    assert stopped is not None and stopped.finished
    assert "the server process running it ended" in stopped.error
    assert "import the files again" in stopped.error
    going = jobs.get(running.id, None)
    assert going is not None and not going.finished and going.done == 3
    assert jobs.get(job.id, owner=7) is None  # another account's job is not found


def test_a_file_kith_cannot_tell_is_refused_clearly(make_client: Make) -> None:
    client = make_client()
    files = [("files", ("notes.docx", b"PK\x03\x04 binary", "application/octet-stream"))]
    answer = client.post("/import", data={"csrf": csrf_of(client, "/import")}, files=files)
    assert answer.status_code == 422
    assert "cannot tell what notes.docx is" in answer.text


def test_kinds_are_found_by_name_then_by_content() -> None:
    assert kind_of("contacts.VCF", b"") == "vcard"
    assert kind_of("Connections.csv", b"First Name,") == "csv"
    assert kind_of("archive.mbox", b"From x") == "mail"
    assert kind_of("mail_test_12", b"Return-Path: <a@b.c>\r\n") == "mail"
    assert kind_of("card", b"\xef\xbb\xbfBEGIN:VCARD\r\n") == "vcard"
    assert kind_of("backup", b'{"format": "kith"') == "backup"
    assert kind_of("photo.jpg", b"\xff\xd8\xff") is None
    assert kind_of("cal.ics", b"BEGIN:VCALENDAR") == ("calendar" if calendar_available() else None)


def test_a_job_is_private_and_unknown_ones_are_404(make_client: Make) -> None:
    client = make_client()
    assert client.get("/import/nope").status_code == 404
    assert client.get("/import/nope/progress").status_code == 404


def test_posting_without_the_csrf_token_is_refused(make_client: Make) -> None:
    client = make_client()
    client.get("/import")
    files = [("files", ("a.vcf", b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", "text/vcard"))]
    assert client.post("/import", files=files).status_code == 403


def test_the_whole_contact_corpus_lists_as_many_skipped_records_as_the_cli(
    make_client: Make, kith: KithRunner, tmp_path: Path
) -> None:
    vcards = sorted((CORPUS / "vcard").glob("*.vcf"))
    csvs = sorted((CORPUS / "csv").glob("*.csv"))
    client = make_client()
    html = finished(client, upload(client, [*vcards, *csvs]).headers["location"])
    shown = len(re.findall(r"<tr><td>", html))
    other = str(tmp_path / "cli.db")
    expected = len(
        kith("--db", other, "import", "vcard", *map(str, vcards), "--json").json()["problems"]
    )
    for path in csvs:
        found = kith("--db", other, "import", "csv", str(path), "--json").json()
        expected += len(found["problems"])
    assert expected > 0
    assert shown == expected
    assert html.count("<h2>Contacts from ") == 1 + len(csvs)
