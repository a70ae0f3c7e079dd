"""Contacts in and out: the corpus imports, vCards round-trip, a vdir syncs with khard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, KithRunner

NOW = "2026-11-26"
KHARD = Path(sys.executable).with_name("khard")


def ok(kith: KithRunner, *args: str) -> Any:
    result = kith("--now", NOW, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.json() if "--json" in args else result


def test_every_corpus_file_imports_or_is_reported_and_twice_changes_nothing(
    kith: KithRunner,
) -> None:
    first = ok(kith, "import", "vcard", str(CORPUS / "vcard"), "--json")
    assert first["added"] > 60 and first["skipped"] == len(first["problems"])
    for problem in first["problems"]:
        assert problem["where"] and problem["reason"]
    again = ok(kith, "import", "vcard", str(CORPUS / "vcard"), "--json")
    assert (again["added"], again["updated"], again["merged"]) == (0, 0, 0)
    for csv in sorted((CORPUS / "csv").iterdir()):
        summary = ok(kith, "import", "csv", str(csv), "--json")
        assert summary["encoding"], csv.name
        twice = ok(kith, "import", "csv", str(csv), "--json")
        assert (twice["added"], twice["updated"], twice["merged"]) == (0, 0, 0), csv.name


def test_linkedin_and_a_vcard_of_the_same_human_are_one_person(
    kith: KithRunner, tmp_path: Path
) -> None:
    card = tmp_path / "ann.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ann-1\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
        "EMAIL;TYPE=work:ann@acme.example\r\nTEL;TYPE=cell:+44 20 7183 8750\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    linked = tmp_path / "Connections.csv"
    linked.write_text(
        'Notes:\n"When exporting your connection data, you may notice..."\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,https://www.linkedin.com/in/annlee,ann@acme.example,Acme,Partner,12 Mar 2021\n",
        encoding="utf-8",
    )
    ok(kith, "import", "vcard", str(card))
    summary = ok(kith, "import", "csv", str(linked), "--json")
    assert (summary["merged"], summary["added"], summary["detected_format"]) == (1, 0, "linkedin")
    people = ok(kith, "ls", "--json")["people"]
    assert [p["name"] for p in people] == ["Ann Lee"]
    ann = ok(kith, "show", "Ann Lee", "--json")["person"]
    assert ann["org"] == "Acme" and ann["met"]["on"] == "2021-03-12"
    assert ann["phones"] == ["+442071838750"]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_import_export_gives_the_same_cards(
    kith: KithRunner, tmp_path: Path, version: str
) -> None:
    ok(
        kith,
        "add",
        "Mariam Haddad",
        "--email",
        "mariam@bank.example",
        "--phone",
        "+44 20 7183 8750",
        "--org",
        "Green Bank",
        "--title",
        "Partner",
        "--met-at",
        "the Forum",
        "--met-on",
        "2026-11-20",
        "--interest",
        "climate finance",
        "--circle",
        "close",
        "--birthday",
        "03-07",
        "--link",
        "https://linkedin.com/in/mariam",
        "--timezone",
        "Europe/London",
    )
    ok(
        kith,
        "add",
        "Bo Chen",
        "--introduced-by",
        "Mariam Haddad",
        "--every",
        "45",
        "--note",
        "Knows; everyone, in ESG\nsecond line",
    )
    ok(kith, "import", "vcard", str(CORPUS / "vcard" / "ez-vcard__John_Doe_IPHONE.vcf"))
    first = tmp_path / "first.vcf"
    ok(kith, "export", "vcard", str(first), "--version", version)
    fresh = str(tmp_path / "fresh.db")
    ok(kith, "--db", fresh, "import", "vcard", str(first))
    second = tmp_path / "second.vcf"
    ok(kith, "--db", fresh, "export", "vcard", str(second), "--version", version)
    assert second.read_bytes() == first.read_bytes()
    bo = ok(kith, "--db", fresh, "show", "Bo Chen", "--json")["person"]
    assert bo["introduced_by"]["name"] == "Mariam Haddad" and bo["cadence_days"] == 45


# -- vdir and khard ----------------------------------------------------------------------


@pytest.fixture
def khard(tmp_path: Path) -> Any:
    book = tmp_path / "book"
    book.mkdir()
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[kith]]\npath = {book}\n\n[general]\neditor = /bin/true\n"
        "merge_editor = /bin/true\n\n[contact table]\nshow_uids = yes\n\n"
        "[vcard]\npreferred_version = 3.0\n",
        encoding="utf-8",
    )

    def run(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(KHARD), "-c", str(config), *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def edit(who: str, replacements: dict[str, str]) -> None:
        """Edit a contact the way khard does, through its YAML form; answer its question."""
        text = run("show", "--format", "yaml", who)
        for old, new in replacements.items():
            assert old in text, (old, text)
            text = text.replace(old, new)
        form = tmp_path / "edit.yaml"
        form.write_text(text, encoding="utf-8")
        run("edit", "-i", str(form), who, stdin="yes\n")

    run.book = book  # type: ignore[attr-defined]
    run.edit = edit  # type: ignore[attr-defined]
    return run


def names_in(khard: Any) -> list[str]:
    rows = khard("list", "--parsable").strip().splitlines()
    return sorted(row.split("\t")[1] for row in rows if row)


def test_khard_reads_what_kith_writes_and_kith_takes_what_khard_changes(
    kith: KithRunner, khard: Any
) -> None:
    book = str(khard.book)
    ok(kith, "add", "Ann Lee", "--email", "ann@acme.example", "--org", "Acme")
    ok(kith, "add", "Bo Chen", "--phone", "+44 20 7183 8750")
    first = ok(kith, "sync", "vdir", book, "--json")
    assert first["written"] == 2
    assert names_in(khard) == ["Ann Lee", "Bo Chen"]

    khard(
        "new",
        "-a",
        "kith",
        stdin="First name : Zed\nLast name : Zulu\nEmail :\n    work : zed@zulu.example\n",
    )
    arrived = ok(kith, "sync", "vdir", book, "--json")
    assert arrived["added_to_kith"] == 1
    assert ok(kith, "show", "Zed Zulu", "--json")["person"]["emails"] == ["zed@zulu.example"]

    khard.edit("Ann", {"Organisation: Acme": "Organisation: Globex"})
    ok(kith, "edit", "Bo Chen", "--title", "Designer")
    both = ok(kith, "sync", "vdir", book, "--json")
    assert both["updated_in_kith"] == 1 and both["written"] == 1
    assert ok(kith, "show", "Ann Lee", "--json")["person"]["org"] == "Globex"
    assert "Designer" in khard("show", "Bo Chen")

    khard("remove", "--force", "Zed")
    ok(kith, "let-go", "Bo Chen")
    gone = ok(kith, "sync", "vdir", book, "--json")
    assert (gone["let_go_in_kith"], gone["removed"]) == (1, 1)
    assert ok(kith, "show", "Zed Zulu", "--json")["person"]["status"] == "archived"
    assert names_in(khard) == ["Ann Lee"]
    quiet = ok(kith, "sync", "vdir", book, "--json")
    assert (quiet["written"], quiet["added_to_kith"], quiet["updated_in_kith"]) == (0, 0, 0)


def test_when_both_sides_change_the_same_field_kith_wins_and_says_so(
    kith: KithRunner, khard: Any
) -> None:
    book = str(khard.book)
    ok(kith, "add", "Ann Lee", "--email", "ann@acme.example", "--org", "Acme", "--title", "Analyst")
    ok(kith, "sync", "vdir", book)
    khard.edit(
        "Ann", {"Organisation: Acme": "Organisation: Globex", "Title: Analyst": "Title: Director"}
    )
    ok(kith, "edit", "Ann Lee", "--org", "Initech")
    result = ok(kith, "sync", "vdir", book, "--json")
    assert len(result["conflicts"]) == 1
    ann = ok(kith, "show", "Ann Lee", "--json")["person"]
    assert (ann["org"], ann["title"]) == ("Initech", "Director")
    assert "Initech" in khard("show", "Ann") and "Director" in khard("show", "Ann")


def test_a_second_import_reads_only_the_files_that_changed(
    kith: KithRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{0}\r\nFN:{1}\r\nORG:{2}\r\nEND:VCARD\r\n"
    for uid, name in (("a", "Ann Lee"), ("b", "Bo Chen"), ("c", "Cy Diaz")):
        (folder / f"{uid}.vcf").write_text(card.format(uid, name, "Acme"), encoding="utf-8")
    (folder / "bad.vcf").write_text("BEGIN:VCARD\r\nFN:Cut Short\r\n", encoding="utf-8")
    first = ok(kith, "import", "vcard", str(folder), "--json")
    assert (first["added"], first["skipped"]) == (3, 1)
    (folder / "b.vcf").write_text(card.format("b", "Bo Chen", "Globex"), encoding="utf-8")
    second = ok(kith, "import", "vcard", str(folder), "--json")
    assert (second["updated"], second["unchanged"], second["skipped"]) == (1, 2, 1)
    assert second["problems"] == first["problems"], "what was wrong is said again"
    assert ok(kith, "show", "Bo Chen", "--json")["person"]["org"] == "Globex"


def test_killed_in_the_middle_then_run_again_gives_the_same_people(
    kith: KithRunner, tmp_path: Path, db_url: str
) -> None:
    """kill -9 during an import leaves a consistent database; the same command completes it."""
    import os
    import signal
    import time

    from kith.domain.contacts import ContactRecord, Labeled
    from kith.interchange.vcard import write_vcard

    folder = tmp_path / "cards"
    folder.mkdir()
    for i in range(3000):
        record = ContactRecord(
            source="vcard", key=f"uid-{i}", where="", full_name=f"Person {i:04d}",
            emails=(Labeled(f"p{i}@example.org"),), org=f"Org {i % 40}",
        )  # fmt: skip
        (folder / f"{i}.vcf").write_text(write_vcard(record), encoding="utf-8")
    command = [str(KHARD.with_name("kith")), "--db", db_url, "--now", NOW, "import", "vcard",
               str(folder)]  # fmt: skip
    env = {**os.environ, "KITH_CONFIG": str(tmp_path / "config.toml")}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some batches are in, not all
        count = ok(kith, "db", "info", "--json")["people"]
        if count >= 500 or process.poll() is not None:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = ok(kith, "db", "info", "--json")["people"]
    assert interrupted % 500 == 0, "whole batches only: nothing half-written"
    again = ok(kith, "import", "vcard", str(folder), "--json")
    assert again["added"] + again["unchanged"] == 3000
    assert ok(kith, "db", "info", "--json")["people"] == 3000
    assert ok(kith, "search", "p2999@example.org", "--json")["total"] == 1
