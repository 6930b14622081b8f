# Latent Studio. `make run` sets up and opens the studio on the embedded
# sample; `make test` runs every test. The first build compiles Fyne's OpenGL
# bindings with cgo and takes several minutes; later builds take seconds.
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/latentstudio

.PHONY: setup build run test demo bench docs latency clean builtins eval-photos oneclass gans

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
# LATENTSTUDIO_REQUIRE_ORT: the ONNX tests fail, not skip, without ONNX Runtime.
test: export LATENTSTUDIO_REQUIRE_ORT := 1
test: setup
	./scripts/setup.sh ort
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -count=1 -race -short -timeout 20m ./models/... ./imageops/ ./ui/

clean:
	rm -rf bin build

# The trained defaults in assets/builtin, made by our own train command on
# the CC0 photos. chelsea.png and camera.png (and the horse silhouette) are
# held out for the acceptance tests and are not trained on. The denoiser
# trains for about an hour on 2 cores (one pass over 160,000 patches of the
# photos and their half-size copies, the rate falling along a cosine), the
# colorizer for about 2 minutes.
PHOTOS := ../shared/data/photos
TRAIN_PHOTOS := astronaut.png coffee.png coins.png rocket.jpg
builtins: build
	mkdir -p build/photos-train
	cd $(PHOTOS) && cp $(TRAIN_PHOTOS) $(CURDIR)/build/photos-train/
	./$(BIN) train --task denoise --arch residual --layers 64,64,64,64,64,64,64,64 \
		--data build/photos-train --scales 0.5 --patches 160000 --size 40 \
		--noise gaussian:0-55+gaussian:15-35+poisson:5-100+saltpepper:0-0.1 \
		--epochs 1 --batch 32 --lr 1e-3 --cosine --val 0.01 --seed 1 --out assets/builtin/denoise.lsm
	OPENBLAS_NUM_THREADS=1 ./$(BIN) train --task colorize --arch conv --code 0 --layers 16,32,64 --loss mse \
		--data build/photos-train --patches 3000 --size 96 \
		--epochs 2 --batch 16 --lr 1e-3 --val 0.02 --seed 1 --out assets/builtin/colorize.lsm
	./$(BIN) train --task inpaint --arch residual --layers 32,32,32,32,32,32 --loss mse \
		--data build/photos-train --patches 40000 --size 48 \
		--epochs 2 --batch 16 --lr 1e-3 --val 0.02 --seed 1 --max-steps 4026 --out assets/builtin/inpaint.lsm

# MNIST one-class anomaly detection: for each digit, a conv autoencoder
# trained on that digit's training images scores the whole test set (the
# digit normal, the nine others anomalous); prints each AUROC.
MNIST := ../shared/data/mnist
oneclass: build
	mkdir -p build/oneclass
	for d in 0 1 2 3 4 5 6 7 8 9; do \
		./$(BIN) train --arch conv --layers 16,32 --code 16 --class $$d --data $(MNIST)/train-images-idx3-ubyte.gz \
			--epochs 3 --batch 64 --lr 2e-3 --val 0 --seed 1 --out build/oneclass/$$d.lsm 2>/dev/null && \
		./$(BIN) score --model build/oneclass/$$d.lsm --data $(MNIST)/t10k-images-idx3-ubyte.gz --normal $$d \
			--report build/oneclass/$$d.json 2>/dev/null | sed "s/^/digit $$d: /"; \
	done

# The MNIST classifier our GAN quality numbers use, and builtin:gan-mnist
# (a 30-minute run here; --max-steps repeats it exactly), with its report.
gans: build
	./$(BIN) classify-train --data $(MNIST)/train-images-idx3-ubyte.gz --test $(MNIST)/t10k-images-idx3-ubyte.gz \
		--out assets/classifier/mnist.lsm --epochs 6 --seed 1
	./$(BIN) train --task gan --preset dcgan-mnist --data $(MNIST)/train-images-idx3-ubyte.gz \
		--max-steps 6889 --out assets/gan/mnist.lsm
	./$(BIN) quality --model assets/gan/mnist.lsm --real $(MNIST)/t10k-images-idx3-ubyte.gz

# The shipped photo models on the held-out photos, against classical filters.
eval-photos: build
	./$(BIN) evaluate --model builtin:denoise --sigma 25 $(PHOTOS)/chelsea.png $(PHOTOS)/camera.png
	./$(BIN) evaluate --model builtin:colorize $(PHOTOS)/chelsea.png

# Re-render the window captures the README shows (docs/*.png).
docs:
	LATENTSTUDIO_DOCS=1 $(GO) test -count=1 -run 'Studio|ExportMenuAutoencoder|OpenModelOfEveryKind' ./ui/

# UI latency in a real GL window under Xvfb while a conv model trains
# (needs Debian's xvfb).
latency:
	xvfb-run -a env LATENTSTUDIO_GL_TESTS=1 LIBGL_ALWAYS_SOFTWARE=1 $(GO) test -count=1 -run RealWindow -v ./app/

# The installable Linux archive (fyne package -os linux, fyne.io/tools v1.7.4):
# build/package/Latent Studio.tar.xz, then a check that installs it into a
# temporary prefix and starts it under Xvfb (screenshot: build/package/installed.png).
.PHONY: package
package: setup
	./scripts/package.sh
	./scripts/package_test.sh

# The model loader under go test -fuzz for 65 s (issue 8: no panic, no
# allocation over 1 GiB). -fuzzminimizetime bounds the shrinking of each
# new interesting input, which otherwise stalls the run for a minute each.
.PHONY: fuzz
fuzz:
	$(GO) test ./models -run '^$$' -fuzz '^FuzzRead$$' -fuzztime 65s -fuzzminimizetime 100x
