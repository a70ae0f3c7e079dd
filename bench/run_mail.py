"""Mail benchmark: import ten years of generated mail, again, and compare who Kith finds with mu.

Usage (``make bench-mail`` runs it with the defaults)::

    .venv/bin/python bench/run_mail.py [--messages 100000] [--runs 3] [--seed 11] [--reuse]
                                       [--src OTHER/src] [--profile] [--strict]

1. ``bench/out/maildir/`` gets ``--messages`` messages from ``bench/mailgen.py``
   (its docstring says what is in them), and ``bench/out/mail-truth.json`` the
   ground truth: who is a real contact (an address the owner wrote to in a
   personal message) and when each was last in touch.  ``--reuse`` keeps both
   when they were made with the same size and seed.
2. In each of ``--runs`` rounds, as whole new processes, each started by a small
   launcher that waits for it with ``os.wait4`` (its own wall time, CPU time and
   peak memory, which a big parent would otherwise inflate):

   - ``kith me`` gives the owner's name and three addresses to a fresh SQLite
     file (not timed), then ``kith import mail <Maildir root> --json`` imports
     everything (the first run), and the same command again (nothing changed:
     the re-run); ``kith export json -`` then shows the people Kith made;
   - ``mu init --maildir=<root> --my-address=…`` ×3 into a fresh
     ``bench/out/mu`` (not timed), ``mu index`` (timed) and
     ``mu cfind --personal --format=csv`` (timed): mu's personal contacts.

   Kith runs with ``--now`` at the end of the ten years and its own empty config
   file (``bench/out/mail-config.toml``).
3. Who Kith made is compared with the truth: a person is right when one of
   their e-mail addresses is a real contact's (precision: right people ÷ all
   people); recall is the share of real contacts' addresses found on some
   person.  mu's contacts are one address each and are scored the same way (its
   rows for the owner's own addresses are left out).  For the real contacts
   found, Kith's last contact (the latest interaction of their person) is
   compared with the truth to the minute, and to the day (UTC).
4. The figures are printed as a table with the targets and written to
   ``bench/out/mail.json``; ``--profile`` adds one more first import under
   cProfile (``bench/out/mail-import.prof``, its top functions printed).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mailgen  # beside this file
from measuring import Figure, Run, environment, run_once

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
MAILDIR = OUT / "maildir"
TRUTH = OUT / "mail-truth.json"
DB = OUT / "mail.db"
KITH_CONFIG = OUT / "mail-config.toml"
MUHOME = OUT / "mu"
LOGS = OUT / "mail-logs"
PROFILE = OUT / "mail-import.prof"
KITH = Path(sys.executable).with_name("kith")
MU = shutil.which("mu") or "mu"
NOW = mailgen.NOW
TARGET_RATE = 5_000  # messages per second, first run
TARGET_RERUN = 0.10  # re-run wall time ÷ first run
TARGET_PEAK_BYTES = 250_000_000  # 250 MB, each Kith process
TARGET_PRECISION = 0.98
TARGET_RECALL = 0.95
EXAMPLES = 8


# --------------------------------------------------------------------------
# Running and timing
# --------------------------------------------------------------------------


def _environment(src: Path | None) -> dict[str, str]:
    return environment(KITH_CONFIG, src, ("KITH_", "MU_"))


def _run_once(command: list[str], label: str, env: dict[str, str]) -> Run:
    return run_once(command, label, env, LOGS)


def _kith(*args: str) -> list[str]:
    return [str(KITH), "--db", str(DB), "--now", NOW, *args]


def _owner_command() -> list[str]:
    command = _kith("me", "--name", mailgen.OWNER_NAME, "--timezone", mailgen.OWNER_TZ)
    for address in mailgen.OWNER:
        command += ["--email", address]
    return command


def _mu(*args: str) -> list[str]:
    return [MU, *args, f"--muhome={MUHOME}"]


def _mu_init() -> list[str]:
    mine = [f"--my-address={a}" for a in mailgen.OWNER]
    return _mu("init", f"--maildir={MAILDIR}", *mine)


def _fresh(path: Path) -> None:
    for leftover in path.parent.glob(f"{path.name}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def kith_has_mail_import(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [str(KITH), "import", "mail", "--help"], env=env, capture_output=True, text=True
    )
    return done.returncode == 0


@dataclass
class Measured:
    first: Figure
    again: Figure
    export: Figure
    index: Figure
    cfind: Figure
    kith: bool
    summaries: dict[str, Any] = field(default_factory=dict)
    backup: dict[str, Any] | None = None
    mu_rows: list[tuple[str, str]] = field(default_factory=list)
    people_per_round: list[int] = field(default_factory=list)
    #: the machine's load average (1 minute) as each round began: others' work slows ours
    load: list[float] = field(default_factory=list)


def measure(runs: int, env: dict[str, str], *, kith: bool, mu: bool = True) -> Measured:
    importing = _kith("import", "mail", str(MAILDIR), "--json")
    exporting = _kith("export", "json", "-")
    indexing = _mu("index")
    finding = _mu("cfind", "--personal", "--format=csv")
    result = Measured(
        Figure("kith import mail (first, empty db)", importing),
        Figure("kith import mail (again, no change)", importing),
        Figure("kith export json - (to score)", exporting),
        Figure("mu index (fresh store)", indexing),
        Figure("mu cfind --personal --format=csv", finding),
        kith,
    )
    for attempt in range(runs):
        tag = f"round{attempt}"
        result.load.append(round(os.getloadavg()[0], 2))
        line = f"  {tag} (load {result.load[-1]:.1f}):"
        if kith:
            _fresh(DB)
            _run_once(_owner_command(), f"{tag}-me", env)
            one = _run_once(importing, f"{tag}-first", env)
            two = _run_once(importing, f"{tag}-again", env)
            three = _run_once(exporting, f"{tag}-export", env)
            result.first.runs.append(one)
            result.again.runs.append(two)
            result.export.runs.append(three)
            result.summaries = {
                "first": _json_or_text(one.stdout),
                "again": _json_or_text(two.stdout),
            }
            result.backup = json.loads(three.stdout)
            result.people_per_round.append(len(result.backup["tables"]["people"]))
            line += f" kith first {one.wall:.2f} s, again {two.wall:.2f} s;"
        if mu:
            _fresh(MUHOME)
            _run_once(_mu_init(), f"{tag}-mu-init", env)
            four = _run_once(indexing, f"{tag}-mu-index", env)
            five = _run_once(finding, f"{tag}-mu-cfind", env)
            result.index.runs.append(four)
            result.cfind.runs.append(five)
            result.mu_rows = _mu_rows(five.stdout)
            line += f" mu index {four.wall:.2f} s, cfind {five.wall:.2f} s"
        print(line, flush=True)
    return result


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


def _mu_rows(text: str) -> list[tuple[str, str]]:
    """``"Name","address"`` lines as mu cfind --format=csv writes them."""
    return [(row[0], row[1]) for row in csv.reader(io.StringIO(text)) if len(row) >= 2]


def profile(env: dict[str, str]) -> list[str]:
    """One more first import under cProfile; returns the top of the report."""
    _fresh(DB)
    _run_once(_owner_command(), "profile-me", env)
    command = [sys.executable, "-m", "cProfile", "-o", str(PROFILE), str(KITH)]
    command += _kith("import", "mail", str(MAILDIR), "--json")[1:]
    _run_once(command, "profile-first", env)
    report = io.StringIO()
    stats = pstats.Stats(str(PROFILE), stream=report)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return report.getvalue().splitlines()


# --------------------------------------------------------------------------
# Scoring against the truth
# --------------------------------------------------------------------------


def _category(truth: dict[str, Any]) -> dict[str, str]:
    """Each non-contact address → its kind (candidates, robots, …); the owner's too."""
    kinds = {a: kind for kind, addresses in truth["non_contacts"].items() for a in addresses}
    kinds.update(dict.fromkeys(truth["owner"]["emails"], "owner"))
    return kinds


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def score_kith(backup: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Kith's people against the truth: precision, recall, last contact, and examples."""
    tables = backup["tables"]
    contacts: dict[str, Any] = truth["contacts"]
    kinds = _category(truth)
    emails: dict[int, list[str]] = defaultdict(list)
    for point in tables["contact_points"]:
        if point["kind"] == "email":
            emails[point["person_id"]].append(point["value"].lower())
    when = {i["id"]: datetime.fromisoformat(i["occurred_at"]) for i in tables["interactions"]}
    last: dict[int, datetime] = {}
    linked: Counter[int] = Counter()
    for link in tables["interaction_people"]:
        moment = when[link["interaction_id"]]
        person = link["person_id"]
        linked[person] += 1
        if person not in last or moment > last[person]:
            last[person] = moment
    people = tables["people"]
    statuses = Counter(p.get("status", "") for p in people)
    right, wrong, found = [], [], {}
    for person in people:
        addresses = emails.get(person["id"], [])
        real = [a for a in addresses if a in contacts]
        (right if real else wrong).append(person)
        for address in real:
            found.setdefault(address, person["id"])
    n_people = len(people)
    missed = sorted(set(contacts) - found.keys())
    dates = _last_contact(right, emails, last, contacts)
    wrong_kinds = Counter(
        kinds.get(emails[p["id"]][0], "unknown") if emails.get(p["id"]) else "no e-mail"
        for p in wrong
    )
    humans_of = [{contacts[a]["human"] for a in emails[p["id"]] if a in contacts} for p in right]
    people_of_human = Counter(h for humans in humans_of for h in humans)
    return {
        "people": n_people,
        "statuses": dict(statuses),
        "interactions": len(tables["interactions"]),
        "right_people": len(right),
        "false_people": len(wrong),
        "false_people_by_kind": dict(wrong_kinds.most_common()),
        "precision": len(right) / n_people if n_people else 0.0,
        "contacts": len(contacts),
        "addresses_found": len(found),
        "addresses_missed": len(missed),
        "recall": len(found) / len(contacts) if contacts else 0.0,
        "humans_found": len({contacts[a]["human"] for a in found}),
        "humans_split": sum(1 for n in people_of_human.values() if n > 1),
        "people_with_several_humans": sum(1 for humans in humans_of if len(humans) > 1),
        **dates,
        "examples": {
            "false_people": [
                {
                    "name": p["name"],
                    "emails": emails.get(p["id"], []),
                    "kind": kinds.get((emails.get(p["id"]) or [""])[0], "unknown"),
                    "interactions": linked[p["id"]],
                }
                for p in wrong[:EXAMPLES]
            ],
            "missed_contacts": [
                {"address": a, **contacts[a], "seen_as": kinds.get(a, "—")}
                for a in missed[:EXAMPLES]
            ],
            "wrong_last_contact": dates.pop("wrong_examples"),
        },
    }


def _last_contact(
    right: list[dict[str, Any]],
    emails: dict[int, list[str]],
    last: dict[int, datetime],
    contacts: dict[str, Any],
) -> dict[str, Any]:
    """Each right person's latest interaction against the truth for their real addresses."""
    minute = day = 0
    later = earlier = none = 0
    examples = []
    for person in right:
        real = [a for a in emails[person["id"]] if a in contacts]
        truth = max(datetime.fromisoformat(contacts[a]["last_contact"]) for a in real)
        mine = last.get(person["id"])
        if mine is None:
            none += 1
        elif _minute(mine) == _minute(truth):
            minute += 1
        else:
            later += mine > truth
            earlier += mine < truth
        if mine is not None and mine.astimezone(UTC).date() == truth.astimezone(UTC).date():
            day += 1
        if (mine is None or _minute(mine) != _minute(truth)) and len(examples) < EXAMPLES:
            examples.append(
                {
                    "name": person["name"],
                    "emails": real,
                    "truth": truth.isoformat(),
                    "kith": mine.isoformat() if mine else None,
                }
            )
    n = len(right) or 1
    return {
        "last_contact_same_minute": minute / n,
        "last_contact_same_day": day / n,
        "last_contact_later_than_truth": later,
        "last_contact_earlier_than_truth": earlier,
        "last_contact_missing": none,
        "wrong_examples": examples,
    }


def score_mu(rows: list[tuple[str, str]], truth: dict[str, Any]) -> dict[str, Any]:
    contacts = truth["contacts"]
    kinds = _category(truth)
    owner = set(truth["owner"]["emails"])
    addresses = {a.lower() for _, a in rows} - owner
    right = addresses & contacts.keys()
    wrong = sorted(addresses - right)
    return {
        "rows": len(rows),
        "addresses": len(addresses),
        "right": len(right),
        "precision": len(right) / len(addresses) if addresses else 0.0,
        "recall": len(right) / len(contacts) if contacts else 0.0,
        "false_by_kind": dict(Counter(kinds.get(a, "unknown") for a in wrong).most_common()),
        "examples": {
            "false": wrong[:EXAMPLES],
            "missed": sorted(contacts.keys() - right)[:EXAMPLES],
        },
    }


# --------------------------------------------------------------------------
# Verdicts, table, JSON
# --------------------------------------------------------------------------


def verdicts(
    measured: Measured, messages: int, kith: dict[str, Any] | None
) -> list[dict[str, Any]]:
    if not measured.kith or kith is None:
        return [{"target": "kith import mail", "measured": "not available", "pass": None}]
    first, again = measured.first, measured.again
    rate = messages / first.median
    share = again.median / first.median
    peak = max(first.peak_mib, again.peak_mib)
    return [
        {
            "target": f"first run ≥ {TARGET_RATE:,} messages/s",
            "measured": f"{rate:,.0f} messages/s ({first.median:.2f} s)",
            "pass": rate >= TARGET_RATE,
        },
        {
            "target": f"re-run ≤ {TARGET_RERUN:.0%} of the first run",
            "measured": f"{share:.1%} ({again.median:.2f} s)",
            "pass": share <= TARGET_RERUN,
        },
        {
            "target": f"peak memory ≤ {TARGET_PEAK_BYTES / 1e6:.0f} MB",
            "measured": f"{peak * 1.048576:.0f} MB ({peak:.0f} MiB)",
            "pass": peak * 1024 * 1024 <= TARGET_PEAK_BYTES,
        },
        {
            "target": f"precision ≥ {TARGET_PRECISION}",
            "measured": f"{kith['precision']:.4f}"
            f" ({kith['false_people']:,} of {kith['people']:,} false)",
            "pass": kith["precision"] >= TARGET_PRECISION,
        },
        {
            "target": f"recall ≥ {TARGET_RECALL}",
            "measured": f"{kith['recall']:.4f} ({kith['addresses_found']:,} of "
            f"{kith['contacts']:,} addresses)",
            "pass": kith["recall"] >= TARGET_RECALL,
        },
    ]


def consistency(measured: Measured, messages: int, drafts: int = 0) -> list[str]:
    """What looks wrong in Kith's own summaries (only the fields that are there are read).

    Unsent drafts (the Drafts folder) are not read: they were never sent.
    """
    problems = []
    first, again = measured.summaries.get("first"), measured.summaries.get("again")
    expected = messages - drafts
    if isinstance(first, dict) and first.get("read", expected) != expected:
        problems.append(
            f"the first run read {first.get('read')} of {expected} messages "
            f"({messages} less {drafts} unsent drafts)"
        )
    if isinstance(again, dict):
        added = {k: again[k] for k in ("people_added", "interactions_added") if again.get(k)}
        if added:
            problems.append(f"the re-run added something: {added}")
    if len(set(measured.people_per_round)) > 1:
        problems.append(f"people differ between rounds: {measured.people_per_round}")
    return problems


def _print(
    generation: dict[str, Any],
    measured: Measured,
    kith: dict[str, Any] | None,
    mu: dict[str, Any] | None,
    checks: list[dict[str, Any]],
) -> None:
    messages = generation["messages"]
    counts = generation["counts"]
    print(
        f"\nmaildir: {messages:,} messages, {generation['bytes'] / 1e6:.0f} MB "
        f"(seed {generation['seed']}) in {MAILDIR.relative_to(ROOT)}"
    )
    print("  " + ", ".join(f"{k} {v:,}" for k, v in generation["kinds"].items()))
    print("  truth: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if measured.kith:
        print(f"  kith first run says: {_short(measured.summaries.get('first'))}")
        print(f"  kith re-run says:    {_short(measured.summaries.get('again'))}")
    print()
    header = f"{'command':38} {'median s':>9} {'best s':>7} {'cpu s':>7} {'peak MiB':>9}"
    print(f"{header} {'msg/s':>8} {'msg/cpu-s':>10}")
    for f in _figures(measured):
        rate = cpu_rate = ""
        if f in (measured.first, measured.index):
            rate, cpu_rate = f"{messages / f.median:,.0f}", f"{messages / f.cpu:,.0f}"
        print(
            f"{f.name[:38]:38} {f.median:9.2f} {f.best:7.2f} {f.cpu:7.2f} {f.peak_mib:9.1f}"
            f" {rate:>8} {cpu_rate:>10}"
        )
    print()
    print(f"{'who':28} {'listed':>7} {'right':>7} {'precision':>10} {'recall':>7}")
    if kith is not None:
        print(
            f"{'kith people':28} {kith['people']:7,} {kith['right_people']:7,}"
            f" {kith['precision']:10.4f} {kith['recall']:7.4f}"
        )
    if mu is not None:
        print(
            f"{'mu cfind --personal':28} {mu['addresses']:7,} {mu['right']:7,}"
            f" {mu['precision']:10.4f} {mu['recall']:7.4f}"
        )
    print(f"  (truth: {counts['contacts']:,} real-contact addresses of {counts['contact_humans']:,}"
          " humans)")  # fmt: skip
    if kith is not None:
        print(
            f"  kith: {kith['humans_found']:,} of {counts['contact_humans']:,} humans found,"
            f" {kith['humans_split']:,} of them as several people (one per address),"
            f" {kith['people_with_several_humans']} people holding two humans' addresses"
        )
        print(f"  kith false people by kind: {kith['false_people_by_kind']}")
        print(
            f"  kith last contact of the right people: {kith['last_contact_same_minute']:.2%} "
            f"to the minute, {kith['last_contact_same_day']:.2%} the same day (UTC); "
            f"{kith['last_contact_later_than_truth']} later, "
            f"{kith['last_contact_earlier_than_truth']} earlier, "
            f"{kith['last_contact_missing']} none"
        )
    if mu is not None:
        print(f"  mu false contacts by kind: {mu['false_by_kind']}")
    print()
    for check in checks:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[check["pass"]]
        print(f"  {verdict}  {check['target']}: {check['measured']}")
    for problem in consistency(measured, messages, generation["kinds"].get("draft", 0)):
        print(f"  CHECK {problem}")
    print(
        f"\n(median and best wall time of {len(measured.load)} runs each, whole process,"
        " a fresh database and a fresh mu store every round; cpu s = median user + system;"
        " peak MiB = largest max RSS of the runs, from os.wait4; msg/s = messages in the"
        " Maildir ÷ median wall time, msg/cpu-s the same ÷ median CPU time; load average"
        f" as the rounds began: {', '.join(f'{x:.1f}' for x in measured.load)}"
        f" on {os.cpu_count()} CPUs)"
    )


def _short(summary: Any) -> str:
    text = json.dumps(summary, ensure_ascii=False) if not isinstance(summary, str) else summary
    return text if len(text) < 400 else text[:400] + " …"


def _save(
    args: argparse.Namespace,
    generation: dict[str, Any],
    measured: Measured,
    kith: dict[str, Any] | None,
    mu: dict[str, Any] | None,
    checks: list[dict[str, Any]],
    code: dict[str, Any],
    profile_top: list[str],
) -> Path:
    document = {
        "now": NOW,
        "messages": args.messages,
        "seed": args.seed,
        "runs": args.runs,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "mu": _mu_version(),
        "cpus": os.cpu_count(),
        "code": code,
        "generation": generation,
        "kith_summaries": measured.summaries,
        "kith_people_per_round": measured.people_per_round,
        "load_per_round": measured.load,
        "figures": [f.as_dict() for f in _figures(measured)],
        "kith": kith,
        "mu_personal": mu,
        "verdicts": checks,
        "consistency": consistency(
            measured, generation["messages"], generation["kinds"].get("draft", 0)
        ),
        "profile_top": profile_top,
    }
    path = OUT / "mail.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _figures(measured: Measured) -> list[Figure]:
    every = [measured.first, measured.again, measured.export, measured.index, measured.cfind]
    return [f for f in every if f.runs]


def _mu_version() -> str:
    done = subprocess.run([MU, "--version"], capture_output=True, text=True)
    return done.stdout.splitlines()[0] if done.returncode == 0 and done.stdout else "unknown"


def _code(src: Path | None) -> dict[str, Any]:
    """Which Kith was measured: the sources, their commit, and files changed since."""
    where = src or ROOT / "src"
    git = ["git", "-C", str(where)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return {"src": str(where), "commit": None, "changed": None}
    status = subprocess.run(
        [*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=True
    )
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    return {"src": str(where), "commit": head.stdout.strip(), "changed": changed}


def _previous_generation(args: argparse.Namespace) -> dict[str, Any] | None:
    """The truth of the Maildir on disk when it was made with the same size and seed."""
    try:
        truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = (truth.get("messages"), truth.get("seed")) == (args.messages, args.seed)
    return _generation_of(truth) if same and MAILDIR.is_dir() else None


def _generation_of(truth: dict[str, Any]) -> dict[str, Any]:
    keys = ("seed", "messages", "bytes", "kinds", "features", "folders", "counts", "seconds")
    return {k: truth.get(k) for k in keys}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages to generate")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated mail")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds")
    parser.add_argument("--reuse", action="store_true", help="keep the generated Maildir")
    parser.add_argument(
        "--src",
        type=Path,
        help="run Kith from this source folder (e.g. a git worktree's src/) instead of the"
        " installed one",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one more first import with cProfile"
    )
    parser.add_argument("--skip-mu", action="store_true", help="measure Kith alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if shutil.which(MU) is None:
        print("bench: mu is missing; install it: bash scripts/system-deps.sh")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    generation = _previous_generation(args) if args.reuse else None
    if generation is None:
        made = mailgen.generate(args.messages, args.seed, MAILDIR, TRUTH)
        generation = _generation_of(made)
        print(f"generated {made['messages']:,} messages in {made['seconds']:.1f} s into {MAILDIR}")
    else:
        print(f"reusing the {args.messages:,} messages in {MAILDIR}")
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    KITH_CONFIG.write_text("# the mail benchmark: Kith's defaults\n", encoding="utf-8")
    src = args.src.resolve() if args.src is not None else None
    env = _environment(src)
    code = _code(src)
    changed = f", {len(code['changed'])} files changed since" if code["changed"] else ""
    print(f"kith from {code['src']} (commit {code['commit']}{changed}); {_mu_version()}")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src or ROOT / "src")], check=True)
    has_import = kith_has_mail_import(env)
    if not has_import:
        print("kith import mail is not there yet: measuring mu alone")
    measured = measure(args.runs, env, kith=has_import, mu=not args.skip_mu)
    kith = score_kith(measured.backup, truth) if measured.backup is not None else None
    mu = None if args.skip_mu else score_mu(measured.mu_rows, truth)
    checks = verdicts(measured, generation["messages"], kith)
    profile_top = profile(env) if args.profile and has_import else []
    _print(generation, measured, kith, mu, checks)
    if kith is not None:
        _print_examples(kith)
    if profile_top:
        print("\n".join(["", f"cProfile of one first import ({PROFILE.relative_to(ROOT)}):",
                         *profile_top[:90]]))  # fmt: skip
    path = _save(args, generation, measured, kith, mu, checks, code, profile_top)
    print(f"figures written to {path.relative_to(ROOT)}")
    return 1 if args.strict and not all(c["pass"] for c in checks) else 0


def _print_examples(kith: dict[str, Any]) -> None:
    examples = kith["examples"]
    for title, key in (
        ("false people", "false_people"),
        ("missed contacts", "missed_contacts"),
        ("wrong last contact", "wrong_last_contact"),
    ):
        if examples[key]:
            print(f"\n  {title} (first {len(examples[key])}):")
            for item in examples[key]:
                print(f"    {json.dumps(item, ensure_ascii=False)}")


if __name__ == "__main__":
    sys.exit(main())
