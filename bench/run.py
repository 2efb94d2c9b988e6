"""Issue 9's benchmark: build a separate database, a synthetic corpus, then measure.

    .venv/bin/python -m bench --cases 1000 --out bench-results.json [--load-seconds 30]

The database: BENCH_DATABASE_URL if set; else, with DATABASE_URL pointing at PostgreSQL, a
database `<name>_bench` on the same server (dropped and re-created); else the SQLite file
bench/var/bench.sqlite3 (deleted and re-created). The demo db.sqlite3 is never touched.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "bench" / "var"
PYTHON = sys.executable

# The fixed query mix: (label, kind, params). Slugs of filters are those of the vocabularies.
QUERY_MIX = [
    ("党建", "2-char", {"q": "党建"}),
    ("党员", "2-char", {"q": "党员"}),
    ("致富", "2-char", {"q": "致富"}),
    ("群众", "2-char", {"q": "群众"}),
    ("集体经济", "4+char", {"q": "集体经济"}),
    ("城乡统筹", "4+char", {"q": "城乡统筹"}),
    ("两会两评", "4+char", {"q": "两会两评"}),
    ("农民专业合作社", "4+char", {"q": "农民专业合作社"}),
    ("联合党组织", "4+char", {"q": "联合党组织"}),
    ("党员 创业", "multi-word", {"q": "党员 创业"}),
    ("集体经济 增收", "multi-word", {"q": "集体经济 增收"}),
    ("村务 公开 监督", "multi-word", {"q": "村务 公开 监督"}),
    ("黨建", "traditional", {"q": "黨建"}),
    ("黨員創業", "traditional", {"q": "黨員創業"}),
    ("集體經濟", "traditional", {"q": "集體經濟"}),
    ("党建+省份", "filtered", {"q": "党建", "region": "山东省"}),
    ("党员+主题", "filtered", {"q": "党员", "theme": "服务群众"}),
    ("集体经济+难题", "filtered", {"q": "集体经济", "problem": "集体经济薄弱"}),
    ("合作社+年份", "filtered", {"q": "合作社", "year": "2009"}),
    ("服务群众+领域+最新", "filtered", {"q": "服务群众", "domain": "农村", "sort": "newest"}),
]

# Situation queries, as cadres type them: questions and sentences about a village (many words,
# most often answered by best match), pinyin, initials and input-method slips; the search by
# words finds nothing for the last two, which are asked by meaning (one finds a sentence close
# enough, one does not). Timed for our search only: their p95 is set beside the keyword queries'.
SITUATION_MIX = [
    ("党员年纪大", "situation", {"q": "村里党员年纪都大了，年轻人不愿意入党，怎么办"}),
    ("集体没钱", "situation", {"q": "我们村集体经济没有收入，办事没钱，有什么好办法"}),
    ("外出务工", "situation", {"q": "青壮年都外出打工了，留守老人没人照顾怎么办"}),
    ("干群关系", "situation", {"q": "群众对干部意见大，干群关系紧张怎样改善"}),
    ("城乡结对", "situation", {"q": "城里的机关单位怎样和农村党支部结对共建"}),
    ("拼音", "situation", {"q": "lianghuiliangping"}),
    ("首字母", "situation", {"q": "jtjj bryj"}),
    ("错字", "situation", {"q": "精神文名建设怎么搞"}),
    ("按意思找到", "situation", {"q": "村里想修条路，要占几户人家的果树和田，赔偿一直谈不拢咋整"}),
    ("按意思未找到", "situation", {"q": "道路扩建占了村民的果园，补偿一直谈不妥"}),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def percentile(values, fraction):
    """Nearest-rank percentile (p95 of 100 values is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(times_ms):
    return {
        "p50_ms": round(percentile(times_ms, 0.5), 2),
        "p95_ms": round(percentile(times_ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(times_ms), 2),
        "samples": len(times_ms),
    }


# --- the database ---------------------------------------------------------------------------


def bench_database_url(purpose="bench"):
    """(url, derived from DATABASE_URL) of the database for `purpose` (bench, soak)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"], False
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(url)
        name = parts.path.lstrip("/") + f"_{purpose}"
        return urllib.parse.urlunsplit(parts._replace(path="/" + name)), True
    VAR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR / f'{purpose}.sqlite3'}", False


def clear_page_cache():
    """Forget the pages an earlier run cached (bench.settings' page cache directory)."""
    shutil.rmtree(VAR / "page-cache", ignore_errors=True)


def reset_database(url, derived_pg):
    clear_page_cache()
    if url.startswith("sqlite"):
        path = Path(urllib.parse.urlsplit(url).path)
        if path.resolve() == (ROOT / "db.sqlite3").resolve():
            sys.exit("bench: refusing to use the demo database db.sqlite3")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not (derived_pg or "bench" in name):
        sys.exit(
            f"bench: BENCH_DATABASE_URL names database {name!r}; its name must contain 'bench' "
            "(it is dropped and re-created)"
        )
    admin_url = (
        os.environ.get("DATABASE_URL")
        if derived_pg
        else urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8'")


def manage(env, *args):
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


# --- measurements (inside Django) -------------------------------------------------------------


def measure_indexing():
    """`search_index --rebuild` part by part: the case index readers' search uses, then the
    derived tables it counts afresh (the texts' words by pinyin; the sentences by meaning, at
    first with every distinct sentence's vector to compute, then again with none)."""
    from django.core.management import call_command
    from django.db import connection

    from cases.models import CasePage
    from search import meanings, text_words
    from search.engines.interface import engine

    count = CasePage.objects.count()
    connection.close()
    started = time.perf_counter()
    engine().rebuild()
    indexed = time.perf_counter()
    text_words.rebuild()
    counted = time.perf_counter()
    sentences = meanings.rebuild()
    read = time.perf_counter()
    meanings.rebuild()
    read_again = time.perf_counter()
    # Wagtail's own index (the admin's page search: titles and model names), not timed as search.
    call_command("update_index", verbosity=0, stdout=open(os.devnull, "w"))
    elapsed = indexed - started
    return {
        "cases": count,
        "seconds": round(elapsed, 2),
        "cases_per_s": round(count / elapsed, 1),
        "what": "the case index readers' search uses (search_index --rebuild's first part)",
        "text_words_s": round(counted - indexed, 2),
        "meanings_first_s": round(read - counted, 2),
        "meanings_again_s": round(read_again - read, 2),
        "case_sentences": sentences,
    }


def _icontains(params):
    """A plain scan: every whitespace-separated word in title, model name, summary or body
    (the body column is StreamField JSON with \\u escapes, so the word is escaped alike)."""
    from functools import reduce
    from operator import and_

    from django.db.models import Q

    from cases.filters import CaseFilter
    from cases.models import CasePage

    def word_q(word):
        escaped = json.dumps(word)[1:-1]
        return (
            Q(title__icontains=word)
            | Q(model_name__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=escaped)
        )

    cases = CaseFilter.from_params(params).apply(CasePage.objects.published())
    cases = cases.filter(reduce(and_, (word_q(word) for word in params["q"].split())))
    total = cases.count()
    list(cases[:10])
    return total


def _fts_floor_factory():
    """The floor: one raw MATCH (SQLite FTS5) or @@ (PostgreSQL tsquery) on the same segmented
    index, with the query through the same pipeline; ids in rank order; no filters, ranking
    tiers, facets, snippets or page objects."""
    from django.db import connection

    from search.engines.database.index import FTS_TABLE, PG_TABLE
    from search.query import parse_query
    from search.text import word_parts

    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE})"

        def term(word):
            return '"' + word.replace('"', '""') + '"'

        both, either = " AND ", " OR "
    else:
        sql = (
            f"SELECT case_id FROM {PG_TABLE} WHERE (headline || body) @@ to_tsquery('simple', %s) "
            f"ORDER BY ts_rank(headline || body, to_tsquery('simple', %s)) DESC"
        )

        def term(word):
            return "'" + word.replace("'", "''").replace("\\", "") + "'"

        both, either = " & ", " | "

    def expression(query):
        words = []
        for word in query.text_words:
            parts = word_parts(word)
            words.append(f"({term(word)}{either}({both.join(term(p) for p in parts)}))" if parts else term(word))
        return both.join(words)

    def run(params):
        query = parse_query(params["q"])
        match = expression(query)
        args = [match] if connection.vendor == "sqlite" else [match, match]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return len(cursor.fetchall())

    return run


def search_page_total(params):
    from django.core.signals import request_finished, request_started

    from search.case_search import search_cases

    # Inside a request's signals, as the search page runs: the catalogue asks once, not at
    # every use, whether the index has changed.
    request_started.send(sender=None)
    try:
        return search_cases(params).total
    finally:
        request_finished.send(sender=None)


# Wagtail's stock search is no baseline any more: its index holds only what the admin's page
# search needs (titles and model names), never the case bodies (search.engines.database.index).
BASELINES = ("icontains", "fts_floor")


def measure_catalogue():
    """Loading search.engines.database.catalogue: paid by each process once after every content change."""
    from search.engines.database.catalogue import catalogue, forget

    forget()
    started = time.perf_counter()
    catalogue()
    return round((time.perf_counter() - started) * 1000, 1)


def measure_lexicon():
    """Reading the lexicon (the words a reader may type in pinyin or mistype, titles' words
    among them): paid by each process at its first search, and again after a restore."""
    from search.text import vocabulary

    vocabulary.reset()
    started = time.perf_counter()
    words = len(vocabulary.lexicon().weights)
    return {"ms": round((time.perf_counter() - started) * 1000, 1), "words": words}


def measure_meanings():
    """A search by meaning's first use in a process: the model loaded, every sentence's vector
    read into memory; then read again as after another process publishes (ids and counts, and
    the vectors of new sentences only); how many, and their size."""
    from django.conf import settings

    from search import meanings
    from search.models import CaseSentence
    from search.text import meaning

    meaning.use(settings.SEARCH_MEANING_MODEL)  # read afresh
    started = time.perf_counter()
    model = meaning.model()
    loaded = time.perf_counter()
    meanings.forget(keep=False)
    sentences = meanings.all_vectors(model)
    read = time.perf_counter()
    meanings.forget()  # as after a publish elsewhere that said nothing new
    meanings.all_vectors(model)
    read_again = time.perf_counter()
    return {
        "model_load_ms": round((loaded - started) * 1000, 1),
        "vectors_read_ms": round((read - loaded) * 1000, 1),
        "vectors_read_again_ms": round((read_again - read) * 1000, 1),
        "distinct_sentences": 0 if sentences is None else len(sentences.ids),
        "case_sentences": CaseSentence.objects.count(),
        "vectors_mb": 0 if sentences is None else round(sentences.vectors.nbytes / 2**20, 1),
    }


def time_queries(method, mix, rounds, group=lambda kind: kind):
    """Each query of `mix` answered by `method` `rounds` times after a warm-up (segmenter,
    dictionary, prepared statements, the model and vectors of a search by meaning): (every time
    in ms, the times by group of kind, each query's answer)."""
    from django.db import reset_queries

    for _, _, params in mix:
        method(params)
    times, by_kind, answers = [], {}, {}
    for _ in range(rounds):
        for label, kind, params in mix:
            started = time.perf_counter()
            answers[label] = method(params)
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            by_kind.setdefault(group(kind), []).append(elapsed)
            reset_queries()
    return times, by_kind, answers


def measure_search(rounds, baselines=BASELINES):
    methods = {"ours": search_page_total, "icontains": _icontains, "fts_floor": _fts_floor_factory()}
    methods = {name: method for name, method in methods.items() if name == "ours" or name in baselines}
    out = {}
    for name, method in methods.items():
        times, by_kind, hits = time_queries(method, QUERY_MIX, rounds)
        out[name] = {
            **summary(times),
            "hits": hits,
            "by_kind_p95_ms": {kind: round(percentile(v, 0.95), 2) for kind, v in by_kind.items()},
        }
        log(f"  search {name}: p50 {out[name]['p50_ms']} ms, p95 {out[name]['p95_ms']} ms")
    times, _, hits = time_queries(search_page_total, SITUATION_MIX, rounds)
    situations = out["ours"]["situations"] = {**summary(times), "hits": hits}
    situations["over_keywords_p95"] = round(situations["p95_ms"] / max(out["ours"]["p95_ms"], 0.01), 2)
    log(f"  situation queries: p50 {situations['p50_ms']} ms, p95 {situations['p95_ms']} ms")
    return out


def measure_search_log(rounds):
    """Search pages (the keyword mix, through every middleware) with the search log writing and
    without, in alternating rounds: a reader's browser is logged, a request without
    Accept-Language is not. Entries are written SEARCH_LOG_BATCH at a time, as in production."""
    from django.test import Client

    from search.log.models import SearchLog
    from search.log.recorder import flush

    client = Client()
    reader = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9", "HTTP_USER_AGENT": "Mozilla/5.0 (bench reader)"}
    urls = ["/search/?" + urllib.parse.urlencode(params) for _, _, params in QUERY_MIX]
    client.get(urls[0], **reader)  # warm-up
    times = {"on": [], "off": []}
    for round_number in range(rounds):
        for mode in ("on", "off") if round_number % 2 == 0 else ("off", "on"):
            headers = reader if mode == "on" else {}
            for url in urls:
                started = time.perf_counter()
                assert client.get(url, **headers).status_code == 200
                times[mode].append((time.perf_counter() - started) * 1000)
    flush(force=True)
    out = {mode: summary(values) for mode, values in times.items()}
    out["on_over_off_p95"] = round(out["on"]["p95_ms"] / max(out["off"]["p95_ms"], 0.01), 3)
    out["rows_written"] = SearchLog.objects.count()
    log(f"  search log on / off p95: {out['on']['p95_ms']} / {out['off']['p95_ms']} ms ({out['on_over_off_p95']}×)")
    return out


def measure_statistics():
    """The 统计 figures counted afresh (after a content change; then read from the cache), in ms."""
    from django.core.cache import cache

    from search.statistics import figures

    cache.clear()
    started = time.perf_counter()
    figures()
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    log(f"  statistics counted in {elapsed} ms")
    return elapsed


def measure_pages(runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import CasePage, TrainingCollectionPage

    synthetic = list(
        CasePage.objects.live().filter(slug__startswith="bench-").order_by("pk").values_list("slug", flat=True)
    )
    middle = synthetic[len(synthetic) // 2] if synthetic else CasePage.objects.live().first().slug
    compared = ",".join(
        synthetic[1:4] if len(synthetic) >= 4 else list(CasePage.objects.live().values_list("slug", flat=True)[:3])
    )
    collection = TrainingCollectionPage.objects.live().first()
    case = CasePage.objects.get(slug=middle)
    urls = {
        "home": "/",
        "case_library": "/cases/",
        "case_page": case.url,
        "case_page_seed": CasePage.objects.get(slug="wuchang-1-3").url,
        "search": "/search/?" + urllib.parse.urlencode({"q": "党建"}),
        "search_filtered": "/search/?" + urllib.parse.urlencode({"q": "集体经济", "region": "山东省"}),
        "training_collection": collection.url if collection else None,
        "compare": "/compare/?cases=" + compared,
        "statistics": "/stats/",
    }
    client = Client()
    out = {}
    for name, url in urls.items():
        if url is None:
            continue
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (name, url, response.status_code)
        times, queries = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
        out[name] = {
            "url": url,
            "status": response.status_code,
            "queries": max(queries),
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "bytes": len(response.content),
        }
        log(f"  page {name}: {out[name]['median_ms']} ms, {out[name]['queries']} queries")
    return out, urls


# --- load (gunicorn + wrk) ----------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def parse_wrk(output):
    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    errors = non_2xx + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)

    def latency(label):
        found = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "errors": errors,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
        "requests": int(number(r"(\d+) requests in")),
        "latency_p50_ms": latency("50%"),
        "latency_p99_ms": latency("99%"),
    }


def measure_load(env, urls, seconds, connections, cache=False):
    if not shutil.which("wrk"):
        log("  wrk not found: skipping the load test (make bench installs it with apt-get)")
        return {}
    server, base = _start_gunicorn(env, cache)
    out = {}
    try:
        for name in ("case_page", "search"):
            url = base + urls[name]
            for _ in range(4):  # both workers warm (segmenter, templates)
                urllib.request.urlopen(url, timeout=60).read()
            result = subprocess.run(
                ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
                capture_output=True,
                text=True,
                check=True,
            )
            out[name + ("_cached" if cache else "")] = {
                **parse_wrk(result.stdout),
                "url": urls[name],
                "seconds": seconds,
                "connections": connections,
                "workers": 2,
                "page_cache": cache,
            }
            entry = out[name + ("_cached" if cache else "")]
            log(f"  load {name}{' (cached)' if cache else ''}: {entry['rps']} req/s, {entry['errors']} errors")
    finally:
        stop(server)
    return out


def _start_gunicorn(env, cache=False):
    """Two gunicorn workers on a free port, answering; (the process, its base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env={**env, "BENCH_CACHE": "1" if cache else "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/")
    except BaseException:
        stop(server)
        raise
    return server, base


def _timed_get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read().decode()
    return (time.perf_counter() - started) * 1000, body


def measure_publish(env, rounds, requests_after=6):
    """The slowest request right after a publish, from the gunicorn workers (page cache off):
    each worker's first request after it applies the change journal's entry for that one case
    (search.engines.database.catalogue), where it used to reload the whole catalogue. Also checks
    that the next search and the case library show the case just published."""
    from cases.models import CasePage

    server, base = _start_gunicorn(env)
    search_url = base + "/search/?" + urllib.parse.urlencode({"q": "党建"})
    library_url = base + "/cases/"
    try:
        # Both workers warm, their catalogues loaded: requests sent one after another can all
        # reach the same worker, leaving the other to load at the first request measured.
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(_timed_get, [search_url, library_url] * 16))
        before = [_timed_get(url)[0] for url in (search_url, library_url) * 3]
        slowest, shown = [], []
        synthetic = CasePage.objects.live().filter(slug__startswith="bench-").order_by("pk")
        for number, case in enumerate(synthetic[:rounds]):
            word = f"发布测{'甲乙丙丁戊己庚辛壬癸'[number % 10]}号"
            case.title = f"{word}案例"
            case.year_reported = 2100  # first in the case library's order
            case.save_revision().publish()
            times, found = [], []
            for request in range(requests_after):
                url = base + "/search/?" + urllib.parse.urlencode({"q": word}) if request % 2 == 0 else library_url
                elapsed, body = _timed_get(url)
                times.append(elapsed)
                # A search page links its results through the search log (/search/open/<pk>/).
                found.append(case.url in body or f"/{case.slug}/" in body or f"/search/open/{case.pk}/" in body)
            slowest.append(max(times))
            shown.append(all(found[:2]))  # the first search and the first library page after it
    finally:
        stop(server)
    out = {
        "rounds": len(slowest),
        "requests_after_each": requests_after,
        "slowest_after_publish_ms": round(max(slowest), 1) if slowest else None,
        "median_slowest_ms": round(statistics.median(slowest), 1) if slowest else None,
        "median_before_ms": round(statistics.median(before), 1),
        "shown_at_once": all(shown),
    }
    log(f"  publish: slowest request after {out['slowest_after_publish_ms']} ms, shown at once: {out['shown_at_once']}")
    return out


def stop(server):
    """Stop a server process: politely, then not."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# --- report -------------------------------------------------------------------------------------


def machine():
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import sqlite3

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def table(results):
    rows = [("cases", results["cases"], ""), ("database", results["database"], "")]
    index = results["index"]
    rows.append(
        ("index: search_index --rebuild", f"{index['cases_per_s']} cases/s", f"{index['seconds']} s, target ≥ 100")
    )
    if "meanings_first_s" in index:
        rows.append(
            (
                "  then: texts' words / sentences by meaning (first, again)",
                f"{index['text_words_s']} / {index['meanings_first_s']}, {index['meanings_again_s']} s",
                f"{index['case_sentences']} case sentences",
            )
        )
    s = results["search"]
    rows.append(
        ("search (ours) p50 / p95", f"{s['p50_ms']} / {s['p95_ms']} ms", "target p95 ≤ 50 ms at 10k; ≤ 3× floor")
    )
    if lexicon := s.get("lexicon_load"):
        rows.append(("lexicon read (first search of a process)", f"{lexicon['ms']} ms", f"{lexicon['words']} words"))
    if by_meaning := s.get("meanings_load"):
        rows.append(
            (
                "search by meaning: model / vectors read (first use in a process) / read again (after a publish)",
                f"{by_meaning['model_load_ms']} / {by_meaning['vectors_read_ms']} / "
                f"{by_meaning.get('vectors_read_again_ms', '–')} ms",
                f"{by_meaning['distinct_sentences']} sentences ({by_meaning['vectors_mb']} MB), "
                f"{by_meaning['case_sentences']} in cases",
            )
        )
    if situations := s.get("situations"):
        rows.append(
            (
                "situation queries p50 / p95",
                f"{situations['p50_ms']} / {situations['p95_ms']} ms",
                f"{situations['over_keywords_p95']}× the keyword queries' p95; target ≤ 2×",
            )
        )
    if search_log := results.get("search_log"):
        rows.append(
            (
                "search page, log on / off p95",
                f"{search_log['on']['p95_ms']} / {search_log['off']['p95_ms']} ms",
                f"{search_log['on_over_off_p95']}×, alternating rounds; target ≤ 1.1×",
            )
        )
    for name, b in results["baselines"].items():
        rows.append(
            (
                f"baseline {name} p50 / p95",
                f"{b['p50_ms']} / {b['p95_ms']} ms",
                f"ours/this p95 = {b['ours_over_baseline_p95']}×; hits {b['total_hits']} (ours {s['total_hits']})",
            )
        )
    for name, p in results["pages"].items():
        rows.append(
            (
                f"page {name}",
                f"{p['median_ms']} ms median",
                f"{p['queries']} queries; targets ≤ 12" + ("; ≤ 30 ms" if name == "case_page" else ""),
            )
        )
    if publish := results.get("publish"):
        rows.append(
            (
                "slowest request after a publish",
                f"{publish['slowest_after_publish_ms']} ms",
                f"median of {publish['rounds']} publishes {publish['median_slowest_ms']} ms; "
                f"{publish['median_before_ms']} ms before; shown at once: {publish['shown_at_once']}; "
                f"a full catalogue load {results['search']['catalogue_load_ms']} ms",
            )
        )
    for name, load in results.get("load", {}).items():
        rows.append(
            (
                f"load {name}",
                f"{load['rps']} req/s",
                f"{load['errors']} errors; p50 {load['latency_p50_ms']} ms"
                + (", p99 " + str(load["latency_p99_ms"]) + " ms" if load.get("latency_p99_ms") else ""),
            )
        )
    width = max(len(r[0]) for r in rows)
    value_width = max(len(str(r[1])) for r in rows)
    return "\n".join(f"{r[0]:<{width}}  {str(r[1]):>{value_width}}  {r[2]}" for r in rows)


def main():
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 1000)))
    parser.add_argument("--out", default=os.environ.get("BENCH_OUT", "bench-results.json"))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", 9)))
    parser.add_argument("--load-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS", 30)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 50)))
    parser.add_argument("--search-rounds", type=int, default=int(os.environ.get("BENCH_SEARCH_ROUNDS", 5)))
    parser.add_argument("--page-runs", type=int, default=int(os.environ.get("BENCH_PAGE_RUNS", 15)))
    parser.add_argument("--publish-rounds", type=int, default=int(os.environ.get("BENCH_PUBLISH_ROUNDS", 5)))
    parser.add_argument("--no-cache-variant", action="store_true", help="skip the load run with the page cache on")
    parser.add_argument(
        "--baselines",
        default=os.environ.get("BENCH_BASELINES", ",".join(BASELINES)),
        help="comma-separated baselines to run (icontains takes seconds a query past 10,000)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        default=os.environ.get("BENCH_REUSE") == "1",
        help="measure the benchmark database as it is, if it holds a corpus of --cases cases",
    )
    args = parser.parse_args()
    baselines = [name for name in args.baselines.split(",") if name]
    if unknown := set(baselines) - set(BASELINES):
        parser.error(f"unknown baselines: {', '.join(sorted(unknown))}")

    url, derived_pg = bench_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    shown = re.sub(r"//[^@/]*@", "//***@", url)
    log(f"bench: {args.cases} synthetic cases on {shown} (seed {args.seed})")
    if not args.reuse:
        reset_database(url, derived_pg)
        build = {
            "migrate_s": round(manage(env, "migrate", "--noinput"), 1),
            "setup_portal_s": round(manage(env, "setup_portal"), 1),
            "load_cases_s": round(manage(env, "load_cases"), 1),
        }
    else:
        clear_page_cache()
        manage(env, "migrate", "--noinput")  # a corpus kept from an older version of the schema
        build = {"reused": True}

    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from bench.corpus import build_corpus, corpus_size

    if args.reuse:
        if corpus_size() != args.cases:
            sys.exit(f"bench: --reuse: the benchmark database holds {corpus_size()} synthetic cases, not {args.cases}")
        log("  reusing the corpus already built; indexing …")
    else:
        started = time.perf_counter()
        build_corpus(args.cases, args.seed, progress=lambda n: log(f"  corpus: {n}/{args.cases}"))
        build["corpus_s"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a maintained database would have
        log(f"  corpus built in {build['corpus_s']} s; indexing …")

    partial = {"cases": args.cases, "seed": args.seed, "database": connection.vendor, "build": build, "complete": False}

    def checkpoint(**parts):
        partial.update(parts)
        Path(args.out).write_text(json.dumps(partial, ensure_ascii=False, indent=2), encoding="utf-8")

    checkpoint()
    index = measure_indexing()
    checkpoint(index=index)
    log(f"  index: {index['cases_per_s']} cases/s")
    catalogue_ms = measure_catalogue()
    log(f"  search catalogue loaded in {catalogue_ms} ms")
    lexicon = measure_lexicon()
    log(f"  lexicon read in {lexicon['ms']} ms ({lexicon['words']} words)")
    by_meaning = measure_meanings()
    log(f"  search by meaning: {by_meaning}")
    search = measure_search(args.search_rounds, baselines)
    checkpoint(search_raw={k: {x: v[x] for x in ("p50_ms", "p95_ms")} for k, v in search.items()})
    search_log = measure_search_log(args.search_rounds * 2)
    checkpoint(search_log=search_log)
    statistics_ms = measure_statistics()
    checkpoint(statistics_ms=statistics_ms)
    pages, urls = measure_pages(args.page_runs)
    checkpoint(pages=pages)
    connection.close()
    publish = measure_publish(env, args.publish_rounds)
    checkpoint(publish=publish)
    connection.close()
    load = measure_load(env, urls, args.load_seconds, args.connections)
    if not args.no_cache_variant:
        load.update(measure_load(env, urls, args.load_seconds, args.connections, cache=True))

    ours = search["ours"]
    results = {
        "cases": args.cases,
        "total_live_cases": None,
        "seed": args.seed,
        "database": connection.vendor,
        "machine": machine(),
        "build": build,
        "index": index,
        "search": {
            **{k: ours[k] for k in ("p50_ms", "p95_ms", "mean_ms", "samples", "by_kind_p95_ms")},
            "catalogue_load_ms": catalogue_ms,
            "lexicon_load": lexicon,
            "meanings_load": by_meaning,
            "total_hits": sum(ours["hits"].values()),
            "hits": ours["hits"],
            "queries": [{"label": label, "kind": kind, "params": params} for label, kind, params in QUERY_MIX],
            "situations": {
                **ours["situations"],
                "queries": [{"label": label, "params": params} for label, _, params in SITUATION_MIX],
            },
        },
        "baselines": {
            name: {
                **{k: b[k] for k in ("p50_ms", "p95_ms", "mean_ms", "samples", "by_kind_p95_ms")},
                "ours_over_baseline_p95": round(ours["p95_ms"] / b["p95_ms"], 2) if b["p95_ms"] else None,
                "total_hits": sum(b["hits"].values()),
                "hits": b["hits"],
            }
            for name, b in search.items()
            if name != "ours"
        },
        "search_log": search_log,
        "statistics_counted_ms": statistics_ms,
        "pages": pages,
        "publish": publish,
        "load": load,
        "complete": True,
    }
    from cases.models import CasePage

    results["total_live_cases"] = CasePage.objects.live().count()
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(results))
    print(f"\nJSON: {args.out}")
