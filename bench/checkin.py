"""Check-in throughput under gunicorn, against a bare one-row-insert Flask app, in one run.

    .venv/bin/python bench/checkin.py [--seconds 10] [--rounds 3] [--connections 32] [--workers 2]

Builds a fresh SQLite database in a temp dir (``flask db upgrade``, a staff user and API
token, one event with its door open, N confirmed registrations), serves it with gunicorn
(``wsgi:app``) next to a second gunicorn serving bench/baseline_app.py, and loads both with
wrk, taking turns: baseline, check-in, baseline, ... baseline (``--rounds`` check-in loads,
each between two baseline loads). Every check-in request admits a different ticket. Then it
checks the database against what wrk saw, prints a table and the ratio (the median over the
rounds of check-in / mean of the baseline loads either side of it), and writes the figures
to bench/results/checkin-<timestamp>.json.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = ROOT / ".venv" / "bin"
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
CONTRACT_RATIO = 0.8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each load")
    parser.add_argument("--rounds", type=int, default=3,
                        help="check-in loads, each between two baseline loads: a shared machine's speed drifts "
                             "from one load to the next, and the median of the rounds' ratios stands still")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn -w, for both servers")
    parser.add_argument("--tickets", type=int, default=60000, help="registrations to make (one per check-in)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, logs) and print it")
    parser.add_argument("--target", default="wsgi:app",
                        help="the WSGI app gunicorn serves for the check-in run (default wsgi:app); "
                             "with --pythonpath, a variant of the app to try a change before making it")
    parser.add_argument("--pythonpath", help="a directory gunicorn adds to sys.path for --target")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="no servers, no wrk: serve N check-ins and N baseline inserts in this process, one "
                             "at a time, and print the CPU ms of each and the check-in's busiest functions "
                             "(cProfile): a measure the machine's other load hardly moves")
    args = parser.parse_args()
    if args.profile:
        return profile(args)

    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="outreach-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        env = outreach_env(tmp)
        print(f"temp dir {tmp}")
        t0 = time.monotonic()
        setup = build_database(tmp, env, args.tickets)
        print(f"database ready: {args.tickets} registrations in {time.monotonic() - t0:.1f}s")

        base_env = dict(env, BENCH_BASELINE_DB=str(tmp / "baseline.db"))
        subprocess.run([str(VENV_BIN / "python"), str(BENCH / "baseline_app.py"), "--init"],
                       cwd=BENCH, env=base_env, check=True, timeout=60)

        app_port, base_port = free_port(), free_port()
        extra = ["--pythonpath", args.pythonpath] if args.pythonpath else []
        servers.append(gunicorn(args.target, ROOT, app_port, args.workers, env, tmp / "gunicorn-outreach.log",
                                extra))
        servers.append(gunicorn("baseline_app:app", BENCH, base_port, args.workers, base_env,
                                tmp / "gunicorn-baseline.log"))
        wait_until_up(app_port, "/", servers[0], tmp / "gunicorn-outreach.log")
        wait_until_up(base_port, "/ping", servers[1], tmp / "gunicorn-baseline.log")

        runs = {}
        rounds = split_tokens(tmp, setup["tokens"], args.rounds)
        plan = [(f"baseline-{k + 1}", servers[1], base_port, setup["tokens"]) for k in range(args.rounds + 1)]
        for k in range(args.rounds):
            plan.insert(2 * k + 1, (f"checkin-{k + 1}", servers[0], app_port, rounds[k]))
        for key, server, port, tokens in plan:
            print(f"wrk: {key} for {args.seconds}s ...", flush=True)
            cpu_before = server_cpu_seconds(server.pid)
            runs[key] = run_wrk(wrk, tmp, key, port, dict(setup, tokens=tokens), args)
            runs[key]["tokens"] = tokens
            # The server's own CPU per answered request: unlike req/s, hardly moved by what
            # else runs on the machine, so it shows the cost of the work itself.
            cpu = server_cpu_seconds(server.pid) - cpu_before
            runs[key]["server_cpu_s"] = cpu
            runs[key]["server_cpu_ms_per_request"] = cpu * 1000 / max(runs[key]["responses"], 1)
        time.sleep(1)  # let the servers finish the requests wrk left in flight when it stopped

        verify = {
            "checkin": verify_checkins([runs[f"checkin-{k + 1}"] for k in range(args.rounds)], setup),
            "baseline": verify_baseline(tmp / "baseline.db", [runs[f"baseline-{k + 1}"] for k in range(args.rounds + 1)]),
        }
    finally:
        for proc in servers:
            stop(proc)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    ratio = statistics.median(round_ratios(runs, args.rounds))
    report(runs, verify, ratio, args)
    path = write_results(runs, verify, ratio, args)
    print(f"\nfigures written to {path.relative_to(ROOT)}")
    if args.keep:
        print(f"temp dir kept: {tmp}")
    ok = verify["checkin"]["ok"] and verify["baseline"]["ok"]
    return 0 if ok else 1


# --- in-process profile -------------------------------------------------------------------


def profile(args) -> int:
    """``--profile N``: the check-in and the baseline, each N requests through its WSGI app in
    this process (no sockets, no gunicorn, no other request at the same time), timed by the
    process's CPU clock, best of three rounds; then a cProfile of N more check-ins."""
    import cProfile
    import pstats

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    tmp = Path(tempfile.mkdtemp(prefix="outreach-profile-"))
    try:
        env = outreach_env(tmp)
        n = args.profile
        setup = build_database(tmp, env, 4 * n + 10)
        tokens = setup["tokens"].read_text().split()
        headers = {"Authorization": f"Bearer {setup['api_token']}"}

        def environs(batch):
            return [EnvironBuilder(path="/api/v1/checkins", method="POST", headers=headers,
                                   json={"token": token, "event_id": setup["event_id"]}).get_environ()
                    for token in batch]

        def serve(app, batch) -> float:
            prepared = environs(batch)
            start = time.process_time()
            for environ in prepared:
                app_iter, status, _headers = run_wsgi_app(app, environ, buffered=True)
                if not status.startswith("200"):
                    raise RuntimeError(f"{status}: {b''.join(app_iter)[:500]!r}")
            return (time.process_time() - start) * 1000 / len(prepared)

        os.environ["BENCH_BASELINE_DB"] = str(tmp / "baseline.db")
        sys.path.insert(0, str(BENCH))
        import baseline_app

        with baseline_app.app.app_context():
            baseline_app.db.create_all()
        app = setup["app"]
        serve(app, tokens[:10])  # warm: the first request builds statements and caches
        serve(baseline_app.app, tokens[:10])
        used = 10
        checkin_ms, baseline_ms = [], []
        for _round in range(3):
            checkin_ms.append(serve(app, tokens[used:used + n // 3 or 1]))
            used += n // 3 or 1
            baseline_ms.append(serve(baseline_app.app, tokens[:n // 3 or 1]))
        # Python function calls per request: unlike time, the same on a busy machine.
        calls = {}
        for label, target, batch in (("baseline", baseline_app.app, tokens[:n]), ("check-in", app, tokens[used:used + n])):
            profiler = cProfile.Profile()
            profiler.enable()
            serve(target, batch)
            profiler.disable()
            calls[label] = pstats.Stats(profiler).total_calls / len(batch)
        print(f"\nCPU per request in one process, best of 3 rounds of {n // 3 or 1}: "
              f"check-in {min(checkin_ms):.3f} ms, baseline {min(baseline_ms):.3f} ms "
              f"({min(checkin_ms) / min(baseline_ms):.2f}x)")
        print(f"Python function calls per request (cProfile): check-in {calls['check-in']:.0f}, "
              f"baseline {calls['baseline']:.0f} ({calls['check-in'] / calls['baseline']:.2f}x)")
        print(f"\ncProfile of {n} check-ins (cumulative, then own time):")
        out = BENCH / "results"
        out.mkdir(exist_ok=True)
        profiler.dump_stats(out / "checkin-profile.pstats")  # for pstats / snakeviz
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


# --- set-up -------------------------------------------------------------------------------


def split_tokens(tmp: Path, tokens: Path, rounds: int) -> list[Path]:
    """The tickets in ``rounds`` files, one per check-in load: no ticket is sent twice."""
    lines = tokens.read_text().split()
    per_round = len(lines) // rounds
    paths = []
    for k in range(rounds):
        path = tmp / f"tokens-{k + 1}.txt"
        path.write_text("\n".join(lines[k * per_round:(k + 1) * per_round]) + "\n")
        paths.append(path)
    return paths


def round_ratios(runs: dict, rounds: int) -> list[float]:
    """Each check-in load's req/s against the mean of the baseline loads just before and after it."""
    return [runs[f"checkin-{k}"]["rps"] / statistics.mean([runs[f"baseline-{k}"]["rps"], runs[f"baseline-{k + 1}"]["rps"]])
            for k in range(1, rounds + 1)]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk not found: apt-get install -y --no-install-recommends wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=True, timeout=300)
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is still missing")
    return path


def outreach_env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "OUTREACH_DATABASE_URL": f"sqlite:///{tmp}/bench.db",  # an absolute path: sqlite:////tmp/...
        "OUTREACH_SECRET_KEY": SECRET_KEY,
        "OUTREACH_RATELIMIT_ENABLED": "0",
    })
    return env


def build_database(tmp: Path, env: dict, n_tickets: int) -> dict:
    """Migrate a fresh database, then add a user, a token, an event and its registrations."""
    proc = subprocess.run([str(VENV_BIN / "flask"), "--app", "outreach", "db", "upgrade"], cwd=ROOT, env=env,
                          timeout=300, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{proc.stdout}\n{proc.stderr}")
    for key in ("OUTREACH_DATABASE_URL", "OUTREACH_SECRET_KEY", "OUTREACH_RATELIMIT_ENABLED"):
        os.environ[key] = env[key]
    sys.path.insert(0, str(ROOT))

    from sqlalchemy import insert

    from outreach import create_app
    from outreach.accounts.services import create_user, issue_token
    from outreach.events.services import create_event, create_venue
    from outreach.extensions import db
    from outreach.registration import tickets
    from outreach.registration.models import Registration

    app = create_app()
    with app.app_context():
        if str(db.engine.url) != env["OUTREACH_DATABASE_URL"]:  # instance/config.py would win over the env
            raise RuntimeError(f"the app uses {db.engine.url}, not the benchmark's database")
        user = create_user("bench@example.org", role="staff", password="bench-password", name="Bench")
        api_token = issue_token(user)
        venue = create_venue(name="Bench Hall")
        now = datetime.now(timezone.utc)
        event = create_event(
            title="Throughput lecture", type="lecture", status="published",
            starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3), venue=venue, capacity=None,
        )
        db.session.commit()
        event_id = event.id

        tokens_path = tmp / "tokens.txt"
        with tokens_path.open("w") as out:
            batch = []
            for i in range(n_tickets):
                seed, token, digest = tickets.new_ticket()
                out.write(token + "\n")
                batch.append({
                    "event_id": event_id, "ticket_seed": seed, "ticket_digest": digest, "status": "confirmed",
                    "name": f"Reader {i}", "phone": f"138{i:08d}", "party_size": 1 + i % 3,
                    "consent_at": now, "confirmed_at": now, "source": "api", "created_at": now,
                })
                if len(batch) == 5000:
                    db.session.execute(insert(Registration), batch)
                    batch = []
            if batch:
                db.session.execute(insert(Registration), batch)
        db.session.commit()
    return {"app": app, "event_id": event_id, "api_token": api_token, "tokens": tokens_path,
            "n_tickets": n_tickets}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(target: str, cwd: Path, port: int, workers: int, env: dict, log: Path,
             extra: list[str] = ()) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", *extra, target]
    with log.open("w") as fh:
        # Its own process group, so that stop() ends the master and its workers and nothing else.
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(port: int, path: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {timeout}s")


def server_cpu_seconds(master: int) -> float:
    """User + system CPU time of a gunicorn master and its workers, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the group start_new_session made: this gunicorn only
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


# --- load ---------------------------------------------------------------------------------


def run_wrk(wrk: str, tmp: Path, key: str, port: int, setup: dict, args) -> dict:
    ids_file = tmp / f"ids-{key}.txt"
    script = (BENCH / "checkin.lua").read_text()
    for name, value in {
        "@TOKENS_FILE@": str(setup["tokens"]), "@IDS_FILE@": str(ids_file), "@EVENT_ID@": str(setup["event_id"]),
        "@API_TOKEN@": setup["api_token"], "@NTHREADS@": str(args.threads),
    }.items():
        script = script.replace(name, value)
    script_path = tmp / f"{key}.lua"
    script_path.write_text(script)
    cmd = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s",
           "--latency", "-s", str(script_path), f"http://127.0.0.1:{port}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 60)
    (tmp / f"wrk-{key}.txt").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"no BENCH_JSON line in wrk's output:\n{proc.stdout}\n{proc.stderr}")
    data = json.loads(line[len("BENCH_JSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["ok"] = data["responses"] - data["non2xx"]
    data["socket_errors"] = sum(v for k, v in data["errors"].items() if k != "status")
    data["ok_ids"] = [int(x) for x in ids_file.read_text().split()]
    data["wrk_text"] = proc.stdout
    return data


# --- verification -------------------------------------------------------------------------


def verify_checkins(runs: list[dict], setup: dict) -> dict:
    """Over every check-in load: every 2xx answer has its CheckIn row, no ticket is admitted
    twice, and a row without an answer can only be a request wrk had sent when it stopped
    (it drops those)."""
    from sqlalchemy import func, select

    from outreach.extensions import db
    from outreach.registration.models import CheckIn, Registration

    sent_digests = set()
    for run in runs:
        tokens = run["tokens"].read_text().split()
        per_thread = len(tokens) // len(run["slices"])
        for s in run["slices"]:
            for i in range(s["sent"]):
                sent_digests.add(hashlib.sha256(tokens[s["first"] + i % per_thread].encode()).hexdigest())

    with setup["app"].app_context():
        rows = db.session.scalar(select(func.count(CheckIn.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(CheckIn.registration_id))))
        checked = dict(db.session.execute(
            select(CheckIn.registration_id, Registration.ticket_digest)
            .join(Registration, Registration.id == CheckIn.registration_id)
        ).all())
    answered = [i for run in runs for i in run["ok_ids"]]
    answered_set = set(answered)
    missing = answered_set - set(checked)                      # answered 200, but no row: lost
    unanswered = {rid: d for rid, d in checked.items() if rid not in answered_set}
    not_sent = [rid for rid, d in unanswered.items() if d not in sent_digests]
    in_flight = sum(cut_off(run) for run in runs)
    ok, non2xx = sum(run["ok"] for run in runs), sum(run["non2xx"] for run in runs)
    socket_errors, wrapped = sum(run["socket_errors"] for run in runs), sum(run["wrapped"] for run in runs)
    result = {
        "checkin_rows": rows,
        "ok_responses": ok,
        "non2xx": non2xx,
        "socket_errors": socket_errors,
        "answered_ids_distinct": len(answered_set) == len(answered),
        "rows_distinct_registrations": distinct == rows,
        "answered_without_row": len(missing),
        "rows_without_answer": len(unanswered),
        "in_flight_at_stop": in_flight,
        "rows_for_tickets_never_sent": len(not_sent),
        "tokens_reused": wrapped,
    }
    result["rows_equal_ok"] = rows == ok
    result["rows_equal_ok_plus_cut_off"] = rows == ok + in_flight
    result["ok"] = (
        non2xx == 0 and socket_errors == 0 and wrapped == 0 and not missing
        and len(answered_set) == len(answered) == ok and distinct == rows
        and len(unanswered) == in_flight and not not_sent and -1 not in answered_set
    )
    return result


def verify_baseline(path: Path, runs: list[dict]) -> dict:
    import sqlite3

    with sqlite3.connect(path) as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM hits")}
    answered = [i for run in runs for i in run["ok_ids"]]
    in_flight = sum(cut_off(run) for run in runs)
    ok = sum(run["ok"] for run in runs)
    missing = set(answered) - ids
    result = {
        "rows": len(ids), "ok_responses": ok, "non2xx": sum(run["non2xx"] for run in runs),
        "answered_without_row": len(missing), "rows_without_answer": len(ids - set(answered)),
        "in_flight_at_stop": in_flight,
    }
    result["rows_equal_ok"] = len(ids) == ok
    result["rows_equal_ok_plus_cut_off"] = len(ids) == ok + in_flight
    result["ok"] = not missing and result["non2xx"] == 0 and len(set(answered)) == len(answered) == ok \
        and len(ids) == ok + in_flight
    return result


def cut_off(run: dict) -> int:
    """Requests wrk sent but never read the answer to: it stops with one in flight on each
    busy connection, and the server still commits them. wrk also calls request() once
    before the run to check the script (thread 0's first token), which it never sends."""
    return run["sent"] - run["responses"] - 1


# --- report -------------------------------------------------------------------------------


def report(runs: dict, verify: dict, ratio: float, args) -> None:
    if args.target != "wsgi:app":
        print(f"\ncheck-in served by the variant {args.target} (--pythonpath {args.pythonpath})")
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.seconds}s, gunicorn -w {args.workers} (sync), "
          f"SQLite WAL synchronous=NORMAL, {os.cpu_count()} CPUs shared with wrk\n")
    print(f"{'run':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8} {'sock err':>8}"
          f" {'server CPU ms/req':>18}")
    for key, r in runs.items():  # in the order they ran
        print(f"{key:<12} {r['rps']:>9.0f} {r['latency_us']['p50'] / 1000:>8.1f} {r['latency_us']['p99'] / 1000:>8.1f}"
              f" {r['requests']:>9} {r['non2xx']:>8} {r['socket_errors']:>8} {r['server_cpu_ms_per_request']:>18.2f}")
    baselines = [r["rps"] for key, r in runs.items() if key.startswith("baseline")]
    checkins = {key: r for key, r in runs.items() if key.startswith("checkin")}
    print(f"\nbaseline noise: {(max(baselines) - min(baselines)) / statistics.mean(baselines) * 100:.1f}% "
          f"between its fastest and slowest load")
    ratios = round_ratios(runs, args.rounds)
    verdict = "meets" if ratio >= CONTRACT_RATIO else "BELOW"
    print("each check-in load / the baseline loads either side: " + ", ".join(f"{r:.2f}" for r in ratios))
    p99 = [r["latency_us"]["p99"] / 1000 for r in checkins.values()]
    print(f"ratio = the median of those = {ratio:.2f}  ({verdict} the {CONTRACT_RATIO} aim); "
          f"check-in p99 {statistics.median(p99):.1f} ms, the median of the loads (from {min(p99):.1f} to {max(p99):.1f})")
    cpu_b = statistics.mean(r["server_cpu_ms_per_request"] for key, r in runs.items() if key.startswith("baseline"))
    cpu_c = statistics.mean(r["server_cpu_ms_per_request"] for r in checkins.values())
    busy = statistics.mean(r["server_cpu_s"] / (r["duration_us"] / 1e6) / args.workers for r in checkins.values())
    print(f"server CPU per request: check-in {cpu_c:.2f} ms, baseline {cpu_b:.2f} ms ({cpu_c / cpu_b:.2f}x); "
          f"check-in workers busy {busy * 100:.0f}% of the time (the rest waiting, on SQLite's lock or for a core)")

    c = verify["checkin"]
    print(f"\ncheck-in rows in the database: {c['checkin_rows']}; 2xx answers: {c['ok_responses']}; "
          f"non-2xx: {c['non2xx']}; socket errors: {c['socket_errors']}")
    print(f"  every 2xx answer has its row: {c['answered_without_row'] == 0} "
          f"(missing {c['answered_without_row']}); no ticket admitted twice: "
          f"{c['rows_distinct_registrations'] and c['answered_ids_distinct']}; tokens reused: {c['tokens_reused']}")
    print(f"  rows without an answer: {c['rows_without_answer']}, all for tickets wrk had sent and dropped "
          f"in flight when it stopped ({c['in_flight_at_stop']}); rows for tickets never sent: "
          f"{c['rows_for_tickets_never_sent']}")
    print(f"  rows == 2xx answers + requests cut off in flight: {c['rows_equal_ok_plus_cut_off']} "
          f"({c['checkin_rows']} == {c['ok_responses']} + {c['in_flight_at_stop']})")
    b = verify["baseline"]
    print(f"baseline rows: {b['rows']}; 2xx answers: {b['ok_responses']}; non-2xx: {b['non2xx']}; "
          f"answered without row: {b['answered_without_row']}; rows == 2xx + cut off in flight: "
          f"{b['rows_equal_ok_plus_cut_off']} ({b['rows']} == {b['ok_responses']} + {b['in_flight_at_stop']})")
    if c["tokens_reused"]:
        print(f"  {c['tokens_reused']} tokens were sent a second time: give more --tickets")
    print("VERIFIED" if c["ok"] and b["ok"] else "VERIFICATION FAILED")


def write_results(runs: dict, verify: dict, ratio: float, args) -> Path:
    out_dir = BENCH / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    figures = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "args": vars(args),
        "runs": {
            key: {
                "rps": round(r["rps"], 1), "requests": r["requests"], "duration_s": r["duration_us"] / 1e6,
                "latency_ms": {k: round(v / 1000, 2) for k, v in r["latency_us"].items()},
                "ok": r["ok"], "non2xx": r["non2xx"], "errors": r["errors"],
                "sent": r["sent"], "responses": r["responses"],
                "server_cpu_s": round(r["server_cpu_s"], 2),
                "server_cpu_ms_per_request": round(r["server_cpu_ms_per_request"], 3),
            }
            for key, r in runs.items()
        },
        "round_ratios": [round(r, 3) for r in round_ratios(runs, args.rounds)],
        "ratio": round(ratio, 3),
        "contract_ratio": CONTRACT_RATIO,
        "verify": verify,
    }
    path = out_dir / f"checkin-{stamp}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
