# Latent Studio. `make run` sets up and opens the studio on the embedded
# sample; `make test` runs every test. The first build compiles Fyne's OpenGL
# bindings with cgo and takes several minutes; later builds take seconds.
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/latentstudio

.PHONY: setup build run test demo bench docs latency clean

setup:
	./scripts/setup.sh

build: setup
	$(GO) build -o $(BIN) ./app

run: build
	./$(BIN) --sample

demo: build
	./$(BIN) demo --out /tmp/latentstudio-demo

# One epoch of each benchmark model beside the PyTorch anchor (Debian's
# python3-torch, installed here if missing). It reports; it never fails on speed.
bench: build
	@/usr/bin/python3 -c "import torch" 2>/dev/null || ./scripts/setup.sh torch
	./$(BIN) bench

# vet our packages; all tests; the race detector on the packages that run
# goroutines (-short skips the long learning tests there, which race
# instrumentation makes ten times slower).
test: setup
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -count=1 -race -short -timeout 20m ./models/... ./imageops/ ./ui/

clean:
	rm -rf bin

# Re-render the window captures the README shows (docs/*.png).
docs:
	LATENTSTUDIO_DOCS=1 $(GO) test -count=1 -run 'Studio' ./ui/

# UI latency in a real GL window under Xvfb while a conv model trains
# (needs Debian's xvfb).
latency:
	xvfb-run -a env LATENTSTUDIO_GL_TESTS=1 LIBGL_ALWAYS_SOFTWARE=1 $(GO) test -count=1 -run RealWindow -v ./app/
