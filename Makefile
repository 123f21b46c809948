.PHONY: dev test bench lint fmt setup

dev:      ## set up and serve on http://127.0.0.1:8000 with the demo community
	scripts/dev.sh

test:     ## lint and the whole test suite
	scripts/test.sh

bench:    ## a million cases on PostgreSQL and SQLite; prints the JSON report
	scripts/bench.sh

setup:    ## install dependencies and assets only
	scripts/setup.sh

lint:
	.venv/bin/ruff check .

fmt:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
