"""Issue 10's load and soak run: gunicorn (2 workers) under a mix of pages, searches and API
calls from wrk, a case published in the middle of it, and the workers' memory watched.

    .venv/bin/python -m bench.soak --seconds 60 --connections 50 [--soak-minutes 5]

1. A separate database, built like `make bench` builds its own (bench.run's helpers): the seed
   cases plus --cases synthetic ones (bench.corpus), indexed. BENCH_DATABASE_URL if set; else,
   with DATABASE_URL on PostgreSQL, `<name>_soak` on that server (dropped and re-created); else
   bench/var/soak.sqlite3. The demo db.sqlite3 is never touched. --reuse-db skips the build.
2. gunicorn, 2 workers, DEBUG off (bench.settings), with the public page cache on as in
   production (--no-page-cache: every request rendered), on a free loopback port. Every URL of
   the mix must answer 200 once before the load starts.
3. Load: wrk, --connections connections for --seconds, cycling through the URL mix (a Lua
   script; responses counted by status). A third of the way in, a new case is published (Django
   ORM in this process, on the same database) and must then be served, found by the search and
   listed by the API while the load goes on.
4. Soak (--soak-minutes, optional): the same load for that long. All along, the workers' RSS
   is read from /proc every --sample-seconds.

It prints a summary (and --json FILE) and exits 1 when a request failed (non-2xx/3xx, socket
errors), a worker was restarted, the server logged an error, the publish check failed, or a
worker's RSS grew more than --max-growth percent between the end of the warm-up (the load
phase when there is a soak, else its first half; --warmup-seconds) and the end. Not part of the test run.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.run import (
    PYTHON,
    QUERY_MIX,
    ROOT,
    bench_database_url,
    free_port,
    log,
    manage,
    parse_wrk,
    reset_database,
    stop,
    wait_for,
)

PAGE_SIZE = 4096  # /proc/<pid>/statm counts pages


# --- the database ---------------------------------------------------------------------------------


def build_database(env, url, derived_pg, cases, seed):
    reset_database(url, derived_pg)
    for command in (("migrate", "--noinput"), ("setup_portal",), ("load_cases",)):
        log(f"  manage.py {' '.join(command)} …")
        manage(env, *command)
    from django.core.management import call_command

    from bench.corpus import build_corpus

    if cases:
        build_corpus(cases, seed, progress=lambda n: log(f"  corpus: {n}/{cases}"))
    log("  search_index --rebuild, update_index …")
    call_command("search_index", rebuild=True, stdout=open(os.devnull, "w"))
    call_command("update_index", verbosity=0, stdout=open(os.devnull, "w"))


# --- the URL mix ----------------------------------------------------------------------------------


def quoted(path, params=None):
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def url_mix():
    """[(kind, path)]: what readers and API clients ask for, in proportion (a path listed twice
    is asked for twice as often)."""
    from cases.models import CasePage, TrainingCollectionPage
    from cases.taxonomy import Theme

    cases = list(CasePage.objects.live().public().order_by("pk").values_list("pk", "slug", "url_path"))
    step = max(1, len(cases) // 12)
    sample = cases[::step][:12]
    case_urls = [page.url for page in CasePage.objects.live().filter(pk__in=[pk for pk, _, _ in sample])]
    theme = Theme.objects.order_by("pk").first()
    collection = TrainingCollectionPage.objects.live().first()
    slugs = [slug for _, slug, _ in sample]

    mix = [
        ("page", "/"),
        ("page", "/"),
        ("page", "/cases/"),
        ("page", quoted("/cases/", {"region": "山东省"})),
        ("page", quoted("/cases/", {"page": "2"})),
        ("page", "/training/"),
        ("page", quoted("/compare/", {"cases": ",".join(slugs[:3])})),
        ("feed", "/feeds/cases/"),
        ("feed", "/sitemap.xml"),
    ]
    if theme:
        mix += [("page", quoted("/cases/", {"theme": theme.slug})), ("feed", quoted(f"/feeds/themes/{theme.slug}/"))]
    if collection:
        mix.append(("page", collection.url))
    mix += [("case", url) for url in case_urls]
    for _, _, params in QUERY_MIX:
        mix.append(("search", quoted("/search/", params)))
    mix += [
        ("search", quoted("/search/", {"q": "党建", "format": "json"})),
        ("search", quoted("/search/", {"q": "集体经济", "page": "2"})),
        ("search", quoted("/search/suggest/", {"q": "党建", "format": "json"})),
    ]
    mix += [
        ("api", "/api/v2/pages/"),
        ("api", quoted("/api/v2/pages/", {"region": "山东省"})),
        ("api", quoted("/api/v2/pages/", {"search": "两会两评"})),
        ("api", quoted("/api/v2/pages/", {"theme": theme.slug, "limit": "5"}) if theme else "/api/v2/pages/"),
        ("api", quoted("/api/v2/pages/", {"offset": "10", "fields": "title,place"})),
    ]
    mix += [("api", f"/api/v2/pages/{pk}/") for pk, _, _ in sample[:6]]
    # wrk sends paths as they are: Unicode slugs (themes, cases) percent-encoded, as browsers do.
    return [(kind, urllib.parse.quote(path, safe="/?=&%:+,;")) for kind, path in mix]


WRK_SCRIPT = """
-- The URL mix, each connection's requests cycling through it from its own offset;
-- responses counted by status and reported by done().
local paths = {%(paths)s}
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  position = id * 7
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position %% #paths) + 1])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("STATUS %%d %%d\\n", status, n))
  end
end
"""


def lua_string(text):
    """A Lua string literal: safe ASCII as is, every other byte as a decimal escape."""
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?=&%-_.,:+;")
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode("utf-8")) + '"'


def write_wrk_script(paths, folder):
    script = Path(folder) / "mix.lua"
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(lua_string(p) for p in paths)}, encoding="utf-8")
    return script


def run_wrk(base, script, seconds, connections, threads, timeout):
    started = time.time()
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            f"{timeout}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    out = {
        **parse_wrk(result.stdout),
        "seconds": seconds,
        "connections": connections,
        "started": started,
        "statuses": {},
    }
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", result.stdout, re.M):
        out["statuses"][status] = int(count)
    if result.returncode != 0:
        out["wrk_error"] = result.stderr.strip()[-500:]
        out["errors"] = out.get("errors", 0) + 1
    return out


# --- the server and its memory --------------------------------------------------------------------


def start_server(env, port, log_path):
    log_file = open(log_path, "w")  # a file, not a pipe: a long soak must not fill a pipe buffer
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    return server, log_file


def worker_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return sorted(int(pid) for pid in children)
    except OSError:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(stat.parent.name))
        return sorted(found)


def rss_mb(pid):
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 2**20
    except (OSError, IndexError, ValueError):
        return None


class Sampler(threading.Thread):
    """Every `every` seconds: (seconds since start, {worker pid: RSS in MB})."""

    def __init__(self, master, every):
        super().__init__(daemon=True)
        self.master, self.every, self.samples = master, every, []
        self.started = time.time()
        self.stop = threading.Event()
        self.pids_seen = set()

    def run(self):
        while not self.stop.is_set():
            pids = worker_pids(self.master)
            self.pids_seen.update(pids)
            sample = {pid: rss for pid in pids if (rss := rss_mb(pid)) is not None}
            self.samples.append((round(time.time() - self.started, 1), sample))
            self.stop.wait(self.every)


def memory_report(samples, warmup_at, pids_seen, max_growth):
    """Per worker: RSS at the end of the warm-up, at the end, the growth, and the trend after
    the warm-up (MB per minute, least squares)."""
    workers = {}
    for pid in sorted(pids_seen):
        series = [(t, sample[pid]) for t, sample in samples if pid in sample]
        if not series:
            continue
        after = [(t, rss) for t, rss in series if t >= warmup_at] or series[-1:]
        baseline, final = after[0][1], after[-1][1]
        slope = 0.0
        if len(after) >= 3:
            times = [t for t, _ in after]
            values = [rss for _, rss in after]
            mean_t, mean_v = statistics.fmean(times), statistics.fmean(values)
            var = sum((t - mean_t) ** 2 for t in times)
            slope = sum((t - mean_t) * (v - mean_v) for t, v in after) / var * 60 if var else 0.0
        workers[pid] = {
            "start_mb": round(series[0][1], 1),
            "after_warmup_mb": round(baseline, 1),
            "max_mb": round(max(v for _, v in series), 1),
            "end_mb": round(final, 1),
            "growth_pct": round((final - baseline) / baseline * 100, 1) if baseline else 0.0,
            "trend_mb_per_min": round(slope, 2),
            "samples": len(series),
        }
    worst = max((w["growth_pct"] for w in workers.values()), default=0.0)
    return {
        "workers": workers,
        "warmup_seconds": warmup_at,
        "max_growth_pct": worst,
        "threshold_pct": max_growth,
        "ok": worst <= max_growth,
    }


# --- publishing during the load -------------------------------------------------------------------


def publish_case(base, token, deadline_seconds=60):
    """Create and publish a case (Django ORM, same database), then wait until it is served, found
    by the search and listed by the API; returns timings and what was seen."""
    from django.db import connection

    from cases.models import CaseIndexPage, CasePage
    from cases.taxonomy import Region

    slug = f"soak-{token}"
    word = f"soak{token}"
    out = {"slug": slug, "word": word}
    started = time.time()
    try:
        index = CaseIndexPage.objects.get()
        page = index.add_child(
            instance=CasePage(
                title=f"负载测试中发布的案例 {word}",
                slug=slug,
                live=False,
                summary=f"负载与浸泡测试期间发布的案例（{word}），检验发布不受负载影响。",
                region=Region.objects.filter(parent__isnull=False).order_by("pk").first(),
                source_title="负载测试",
                model_name="浸泡测试",
                body=[
                    {
                        "type": "section",
                        "value": {
                            "kind": "做法",
                            "heading": "做法",
                            "text": f"<p>负载测试期间发布，检索词 {word}。</p>",
                        },
                    }
                ],
            )
        )
        page.save_revision().publish()
        out["publish_s"] = round(time.time() - started, 2)
        url = CasePage.objects.get(pk=page.pk).url
        checks = {
            "served": (url, lambda body: word in body),
            "found_by_search": (
                quoted("/search/", {"q": word, "format": "json"}),
                lambda body: slug in [hit["slug"] for hit in json.loads(body)["results"]],
            ),
            "listed_by_api": (
                quoted("/api/v2/pages/", {"slug": slug}),
                lambda body: json.loads(body)["meta"]["total_count"] == 1,
            ),
        }
        for name, (path, ok) in checks.items():
            while True:
                try:
                    with urllib.request.urlopen(base + path, timeout=30) as response:
                        if response.status == 200 and ok(response.read().decode("utf-8")):
                            out[name + "_after_s"] = round(time.time() - started, 2)
                            break
                except Exception as error:  # noqa: BLE001 - retried until the deadline
                    out[name + "_last_error"] = str(error)[:200]
                if time.time() - started > deadline_seconds:
                    out[name + "_after_s"] = None
                    break
                time.sleep(0.5)
        out["ok"] = all(out.get(name + "_after_s") is not None for name in checks)
    except Exception as error:  # noqa: BLE001 - reported as a failed check
        out.update(ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    return out


# --- main ---------------------------------------------------------------------------------------


def server_errors(log_path):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    return {
        "internal_server_errors": len(re.findall(r"Internal Server Error", text)),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "worker_timeouts": len(re.findall(r"WORKER TIMEOUT", text)),
        "tail": text.strip().splitlines()[-15:],
    }


def summary_table(result):
    rows = []
    for name in ("load", "soak"):
        phase = result.get(name)
        if not phase:
            continue
        rows.append(
            (
                f"{name}: requests",
                f"{phase['requests']} in {phase['seconds']} s at {phase['connections']} connections",
                f"{phase['rps']} req/s; p50 {phase['latency_p50_ms']} ms, p99 {phase['latency_p99_ms']} ms",
            )
        )
        rows.append(
            (
                f"{name}: errors",
                str(phase["errors"]),
                f"non-2xx/3xx {phase['non_2xx']}; {phase['socket_errors'] or 'no socket errors'}; "
                f"statuses {phase['statuses']}",
            )
        )
    publish = result["publish"]
    rows.append(
        (
            "publish during load",
            "ok" if publish.get("ok") else "FAILED",
            ", ".join(f"{k} {v}" for k, v in publish.items() if k.endswith("_s"))
            + (f" {publish.get('error', '')}" if not publish.get("ok") else ""),
        )
    )
    memory = result["memory"]
    for pid, worker in memory["workers"].items():
        rows.append(
            (
                f"worker {pid} RSS",
                f"{worker['after_warmup_mb']} → {worker['end_mb']} MB",
                f"start {worker['start_mb']}, max {worker['max_mb']}; growth {worker['growth_pct']}% "
                f"(limit {memory['threshold_pct']}%), trend {worker['trend_mb_per_min']} MB/min",
            )
        )
    server = result["server"]
    rows.append(
        (
            "server log",
            f"{server['internal_server_errors']} errors",
            f"{server['tracebacks']} tracebacks, {server['worker_timeouts']} worker timeouts, "
            f"workers seen {result['workers_seen']} (2 = none restarted)",
        )
    )
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    return "\n".join(f"{r[0]:<{width}}  {r[1]:<{value_width}}  {r[2]}" for r in rows)


def main():
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60, help="load phase (default 60)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--timeout",
        type=int,
        default=10,
        help="seconds before wrk counts a request as failed (default 10, as make bench)",
    )
    parser.add_argument("--soak-minutes", type=float, default=0, help="soak phase after the load (default none)")
    parser.add_argument("--cases", type=int, default=200, help="synthetic cases besides the six seeds")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--reuse-db", action="store_true", help="use the database as it is (no rebuild)")
    parser.add_argument("--sample-seconds", type=float, default=5)
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=None,
        help="memory baseline taken after this much load (default: the load phase when soaking, else half of it)",
    )
    parser.add_argument("--max-growth", type=float, default=20.0, help="percent RSS growth allowed after warm-up")
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every request (the page cache is on in production)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench.soak: wrk not found (apt-get install wrk)")

    url, derived_pg = bench_database_url("soak")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "BENCH_CACHE": "0" if args.no_page_cache else "1",
    }
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    shown = re.sub(r"//[^@/]*@", "//***@", url)
    if args.reuse_db:
        log(f"soak: reusing {shown}")
    else:
        log(f"soak: building {shown} (6 seed cases + {args.cases} synthetic)")
        build_database(env, url, derived_pg, args.cases, args.seed)
    mix = url_mix()
    connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scratch = tempfile.mkdtemp(prefix="portal-soak-")
    log_path = Path(scratch) / "gunicorn.log"
    server, log_file = start_server(env, port, log_path)
    result = {"database": connection.vendor, "connections": args.connections, "urls": len(mix)}
    failed = []
    try:
        wait_for(base + "/")
        log(f"soak: gunicorn (2 workers) on {base}; checking the {len(mix)} URLs of the mix …")
        for _ in range(2):  # both workers warm
            for _kind, path in mix:
                try:
                    with urllib.request.urlopen(base + path, timeout=60) as response:
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                if status != 200 and f"{path}: {status}" not in failed:
                    failed.append(f"{path}: {status}")
        script = write_wrk_script([path for _, path in mix], scratch)
        sampler = Sampler(server.pid, args.sample_seconds)
        sampler.start()

        publish = {}
        publisher = threading.Timer(
            args.seconds / 3, lambda: publish.update(publish_case(base, f"{int(time.time()) % 100000:05d}"))
        )
        publisher.start()
        log(
            f"soak: load, {args.connections} connections for {args.seconds} s (a case is published at "
            f"{args.seconds / 3:.0f} s) …"
        )
        result["load"] = run_wrk(base, script, args.seconds, args.connections, args.threads, args.timeout)
        publisher.join()
        result["publish"] = publish
        log(
            f"  {result['load']['rps']} req/s, {result['load']['errors']} errors; publish "
            f"{'ok' if publish.get('ok') else 'FAILED'}"
        )
        if args.soak_minutes:
            seconds = int(args.soak_minutes * 60)
            log(f"soak: {args.soak_minutes} min at {args.connections} connections …")
            result["soak"] = run_wrk(base, script, seconds, args.connections, args.threads, args.timeout)
            log(f"  {result['soak']['rps']} req/s, {result['soak']['errors']} errors")
        sampler.stop.set()
        sampler.join()
        # The first search a worker renders loads the segmenter and its dictionary (~30 MB),
        # and the publish mid-load sends every worker back to rendering: memory is judged
        # over the soak, after the whole load phase (without a soak, its second half).
        warmup = (
            args.warmup_seconds
            if args.warmup_seconds is not None
            else (args.seconds if args.soak_minutes else args.seconds / 2)
        )
        result["memory"] = memory_report(sampler.samples, warmup, sampler.pids_seen, args.max_growth)
        result["rss_samples"] = sampler.samples
        result["workers_seen"] = len(sampler.pids_seen)
    finally:
        stop(server)
        log_file.close()
    result["server"] = server_errors(log_path)

    for name in ("load", "soak"):
        if result.get(name, {}).get("errors"):
            failed.append(f"{name}: {result[name]['errors']} failed requests")
    if not result["publish"].get("ok"):
        failed.append("the case published during the load was not served/found in time")
    if not result["memory"]["ok"]:
        failed.append(f"worker RSS grew {result['memory']['max_growth_pct']}% after warm-up (limit {args.max_growth}%)")
    if result["workers_seen"] > 2:
        failed.append(f"{result['workers_seen'] - 2} worker(s) restarted")
    if result["server"]["internal_server_errors"] or result["server"]["tracebacks"]:
        failed.append(f"the server logged {result['server']['internal_server_errors']} errors")
    result["failed"] = failed

    print(summary_table(result))
    if failed:
        print("\nFAILED: " + "; ".join(failed))
        print("server log (last lines):\n  " + "\n  ".join(result["server"]["tail"]))
    else:
        print("\nOK: no failed request, publishing worked under load, memory stable.")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        print(f"JSON: {args.json}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
