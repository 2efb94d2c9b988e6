"""The search engine benchmark (issue 20): the cluster beside the database engine, and the
cluster alone at a size the database corpus cannot reach. Run with a cluster configured
(SEARCH_ENGINE_URL, SEARCH_ENGINE_KIND); `make bench-engine` and `make bench-engine-bulk` start
the project's OpenSearch node for it.

Side by side (`--cases N`): the benchmark database of bench.run (built, or kept with --reuse),
indexed by each engine (cases/s), the same searches through the search page's own search with
facets (keyword, filtered and situation queries: p50 / p95 each), and the search page under
gunicorn + wrk, once per engine.

Engine alone (`--bulk N`): the documents of the N cases bench.corpus would write, made from
unsaved pages, written as NDJSON first (not timed) and sent in bulk requests to a fresh case
index (cases/s), then the same searches, facets included, straight to the engine. No database
corpus: at a million cases it would not fit on the machine.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from bench.run import (
    QUERY_MIX,
    ROOT,
    SITUATION_MIX,
    VAR,
    bench_database_url,
    log,
    manage,
    measure_load,
    reset_database,
    search_page_total,
    summary,
    time_queries,
)

KINDS = {"2-char": "keyword", "4+char": "keyword", "multi-word": "keyword", "traditional": "keyword"}
BULK_CHUNK = 1000  # documents a bulk request
BULK_SENDERS = 2


def measure_searches(search, rounds):
    """p50 / p95 overall and by kind (keyword, filtered, situation), and each query's total;
    then apart, the first round (each query's first answer, but the mix's first query, asked
    once before as a warm-up: what the node may still read from disk) and the later rounds'
    (what a node serving for days answers from the page cache)."""
    mix = QUERY_MIX + SITUATION_MIX
    times, by_kind, totals = time_queries(search, mix, rounds, group=lambda kind: KINDS.get(kind, kind))
    rounds_apart = {"first_round": summary(times[: len(mix)])}
    if rounds > 1:
        rounds_apart["later_rounds"] = summary(times[len(mix) :])
    return {
        **summary(times),
        "by_kind": {kind: summary(values) for kind, values in by_kind.items()},
        **rounds_apart,
        "totals": totals,
    }


# --- side by side ----------------------------------------------------------------------------


def side_by_side(args, env):
    from django.db import connection
    from django.test.utils import override_settings

    from bench.corpus import build_corpus, corpus_size
    from search.engines.interface import database_engine, engine

    if args.reuse:
        if corpus_size() != args.cases:
            sys.exit(f"bench: --reuse: the benchmark database holds {corpus_size()} synthetic cases, not {args.cases}")
    else:
        build_corpus(args.cases, args.seed, progress=lambda n: n % 10000 == 0 and log(f"  corpus: {n}/{args.cases}"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out = {"cases": args.cases, "indexing": {}, "search": {}, "load": {}}
    for name, chosen in (("database", database_engine()), ("cluster", engine())):
        started = time.perf_counter()
        chosen.rebuild()
        seconds = time.perf_counter() - started
        out["indexing"][name] = {"seconds": round(seconds, 1), "cases_per_s": round(args.cases / seconds, 1)}
        log(f"  indexing, {name}: {out['indexing'][name]['cases_per_s']} cases/s")
    with override_settings(SEARCH_ENGINE_URL=""):
        out["search"]["database"] = measure_searches(search_page_total, args.rounds)
    out["search"]["cluster"] = measure_searches(search_page_total, args.rounds)
    for name in ("database", "cluster"):
        log(f"  search, {name}: p50 {out['search'][name]['p50_ms']} ms, p95 {out['search'][name]['p95_ms']} ms")
    differ = {
        label: (out["search"]["database"]["totals"][label], total)
        for label, total in out["search"]["cluster"]["totals"].items()
        if total != out["search"]["database"]["totals"][label]
    }
    out["totals_differ"] = differ
    if args.load_seconds:
        from cases.models import CasePage

        case = CasePage.objects.live().filter(slug__startswith="bench-").order_by("pk")[args.cases // 2]
        urls = {"case_page": case.url, "search": "/search/?q=%E5%85%9A%E5%BB%BA"}  # 党建
        connection.close()
        database_env = {key: value for key, value in env.items() if key != "SEARCH_ENGINE_URL"}
        for name, run_env in (("database", database_env), ("cluster", env)):
            out["load"][name] = measure_load(run_env, urls, args.load_seconds, args.connections)
    return out


# --- the engine alone ------------------------------------------------------------------------


SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


@lru_cache(maxsize=100_000)
def _segmented_piece(piece):
    from search.text import index_text

    return index_text(piece)


def _segmented(text):
    """search.text's index_text, a sentence at a time: the corpus recombines a few hundred seed
    sentences, so each is segmented once (the same words: no word spans a sentence's end)."""
    return " ".join(filter(None, map(_segmented_piece, SENTENCE_END.split(text))))


def _generated_documents(count, seed):
    """(id, document) of `count` synthetic cases: the documents the case index would hold for
    the cases bench.corpus.build_corpus(count, seed) writes, without writing them."""
    from taggit.models import Tag

    from bench.corpus import BulkWriter, SeedPool, case_fields, vocabulary
    from cases.models import CasePageTag, KeyFigure
    from search.engines.elasticsearch.documents import case_document

    rng, pool, vocab, writer = random.Random(seed), SeedPool(), vocabulary(), BulkWriter()
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=pool.tags)}
    for number in range(1, count + 1):
        fields, themes, problems, tag_names, figures = case_fields(number, rng, pool, vocab)
        case = writer.page(fields)  # unsaved: its relations are held in memory (modelcluster)
        case.pk = number
        case.themes, case.problems = themes, problems
        case.tagged_items = [CasePageTag(tag=tags[name]) for name in tag_names]
        case.key_figures = [KeyFigure(**figure, sort_order=i) for i, figure in enumerate(figures)]
        yield number, case_document(case, segment=_segmented).to_dict()


def engine_alone(args):
    from bench.corpus import add_extra_regions
    from search.engines.elasticsearch import connection
    from search.engines.elasticsearch.documents import case_index

    add_extra_regions()
    feed = VAR / f"engine-feed-{args.bulk}-{args.seed}.ndjson"
    if not feed.exists():
        log(f"  writing {args.bulk} generated documents to {feed} (not timed) …")
        partial = feed.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for number, document in _generated_documents(args.bulk, args.seed):
                out.write(json.dumps({"index": {"_id": number}}) + "\n")
                out.write(json.dumps(document, ensure_ascii=False, default=datetime.isoformat) + "\n")
                if number % 100000 == 0:
                    log(f"    {number}/{args.bulk}")
        partial.rename(feed)
    es, alias = connection.client(), connection.case_alias()
    name = f"{alias}-bulk-{args.bulk}"
    if es.indices.exists(index=name):
        es.indices.delete(index=name)
    body = case_index(name).to_dict()
    # Bulk loading: no refreshes, no replica and the translog synced in the background while
    # writing, as for any large initial load (a crash means loading again, not lost readers' data).
    loading = {"refresh_interval": "-1", "translog.durability": "async", "translog.flush_threshold_size": "1gb"}
    body["settings"].update({**loading, "number_of_replicas": 0})
    es.indices.create(index=name, body=body)
    started, sent, reported = time.perf_counter(), 0, 0
    # Two requests in flight, one for each of the machine's cores on the node's side; never
    # more, so that the feed is read as it is sent, not into memory.
    with feed.open("rb") as lines, ThreadPoolExecutor(max_workers=BULK_SENDERS) as senders:
        in_flight = set()
        for chunk in _chunks(lines):
            if len(in_flight) == BULK_SENDERS:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                sent += sum(future.result() for future in done)
                if sent - reported >= 100000:
                    reported = sent
                    log(f"    indexed {sent}: {sent / (time.perf_counter() - started):.0f} cases/s")
            in_flight.add(senders.submit(_send, es, name, chunk))
        sent += sum(future.result() for future in in_flight)
    es.indices.put_settings(
        index=name,
        body={
            "index": {"refresh_interval": "1s", "translog.durability": "request", "translog.flush_threshold_size": None}
        },
    )
    es.indices.refresh(index=name)
    seconds = time.perf_counter() - started
    es.indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": alias}}]})
    log(f"  bulk indexing: {sent / seconds:.0f} cases/s ({seconds:.0f} s)")
    merging = _merges_done(es, name)
    log(f"  merges after the load: {merging:.0f} s")
    out = {
        "cases": args.bulk,
        "indexing": {"seconds": round(seconds, 1), "cases_per_s": round(sent / seconds, 1), "chunk": BULK_CHUNK},
        "merging_after_s": round(merging),
        "index_size_gb": round(es.indices.stats(index=name)["_all"]["primaries"]["store"]["size_in_bytes"] / 1e9, 2),
    }
    out["search"] = measure_searches(_engine_search, args.rounds)
    log(f"  search: p50 {out['search']['p50_ms']} ms, p95 {out['search']['p95_ms']} ms")
    return out


def _merges_done(es, name):
    """Seconds until the node merges none of the index's segments: the searches are timed on the
    index as it serves for days after a load, not against the load's merges for the two cores."""
    started = time.perf_counter()
    while es.indices.stats(index=name, metric="merge")["_all"]["primaries"]["merges"]["current"]:
        time.sleep(5)
    return time.perf_counter() - started


def _chunks(lines):
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == 2 * BULK_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _send(es, index, lines):
    response = es.bulk(body=b"".join(lines), index=index)
    if response["errors"]:
        failed = [item for item in response["items"] if "error" in item["index"]]
        sys.exit(f"bench: bulk request refused documents: {failed[:3]}")
    return len(lines) // 2


def _engine_search(params):
    """The engine's answer to the search page's request (a page, the total and every facet),
    without the page's reading of the ten cases from the database (which holds none here)."""
    from search.case_search import search_request
    from search.engines.interface import engine

    request, _ = search_request(params)
    return engine().search(request).total


def table(results):
    rows = []
    if "side_by_side" in results:
        side = results["side_by_side"]
        rows.append(f"\n{side['cases']:,} cases | database engine | cluster")
        rows.append("|---|---|---|")
        index = side["indexing"]
        rows.append(
            f"indexing | {index['database']['cases_per_s']} cases/s | {index['cluster']['cases_per_s']} cases/s"
        )
        search = side["search"]
        rows.append(
            f"search p50 / p95 | {search['database']['p50_ms']} / {search['database']['p95_ms']} ms | {search['cluster']['p50_ms']} / {search['cluster']['p95_ms']} ms"
        )
        for kind in search["cluster"]["by_kind"]:
            db, cl = search["database"]["by_kind"][kind], search["cluster"]["by_kind"][kind]
            rows.append(f"  {kind} p50 / p95 | {db['p50_ms']} / {db['p95_ms']} ms | {cl['p50_ms']} / {cl['p95_ms']} ms")
        for page in ("case_page", "search"):
            if side["load"].get("database", {}).get(page):
                db, cl = side["load"]["database"][page], side["load"]["cluster"][page]
                rows.append(
                    f"{page} under load | {db['rps']} req/s, {db['errors']} errors | {cl['rps']} req/s, {cl['errors']} errors"
                )
        rows.append(f"queries whose totals differ (database, cluster): {side['totals_differ'] or 'none'}")
    if "alone" in results:
        alone = results["alone"]
        rows.append(f"\n{alone['cases']:,} generated cases, cluster alone")
        rows.append(
            f"bulk indexing | {alone['indexing']['cases_per_s']} cases/s ({alone['indexing']['seconds']} s), index {alone['index_size_gb']} GB"
        )
        rows.append(f"merges after the load | {alone['merging_after_s']} s (searches timed after them)")
        rows.append(f"search p50 / p95 | {alone['search']['p50_ms']} / {alone['search']['p95_ms']} ms")
        for kind, each in alone["search"]["by_kind"].items():
            rows.append(f"  {kind} p50 / p95 | {each['p50_ms']} / {each['p95_ms']} ms")
        for rounds in ("first_round", "later_rounds"):
            each = alone["search"].get(rounds)
            if each:
                rows.append(f"  {rounds.replace('_', ' ')} p50 / p95 | {each['p50_ms']} / {each['p95_ms']} ms")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(
        prog="python -m bench.engine", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=0, help="side by side with the database engine at this many cases")
    parser.add_argument("--bulk", type=int, default=0, help="the cluster alone, with this many generated cases")
    parser.add_argument("--reuse", action="store_true", help="keep the benchmark database's corpus (side by side)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--out", default="bench-engine-results.json")
    args = parser.parse_args()
    if not os.environ.get("SEARCH_ENGINE_URL"):
        sys.exit("bench.engine: SEARCH_ENGINE_URL is not set (make bench-engine starts a node)")
    if not (args.cases or args.bulk):
        parser.error("give --cases, --bulk or both")

    url, derived_pg = bench_database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    if not args.reuse:
        reset_database(url, derived_pg)
        build_env = {key: value for key, value in env.items() if key != "SEARCH_ENGINE_URL"}
        for command in (("migrate", "--noinput"), ("setup_portal",), ("load_cases",)):
            manage(build_env, *command)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url})
    # Bulk requests of a thousand documents take longer than a reader should ever wait.
    os.environ.setdefault("SEARCH_ENGINE_TIMEOUT", "120")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from search.engines.elasticsearch import connection

    info = connection.client().info()["version"]
    results = {"engine": f"{info.get('distribution', 'elasticsearch')} {info['number']}", "seed": args.seed}
    if args.cases:
        results["side_by_side"] = side_by_side(args, env)
    if args.bulk:
        results["alone"] = engine_alone(args)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(results))
    print(f"\nJSON: {args.out}")


if __name__ == "__main__":
    main()
