package models

import (
	"context"
	"testing"
	"time"
)

// The PyTorch anchor's two models (shared/bench/torch_anchor.py): batch 64,
// Adam 1e-3, mean BCE. These benchmarks run part of an epoch on real digits
// and report samples/s; `latentstudio bench` runs whole epochs beside PyTorch.

// BenchmarkDenseEpoch: 784-256-64-256-784 with a ReLU code, 6,400 digits.
func BenchmarkDenseEpoch(b *testing.B) {
	benchmarkEpoch(b, 6400, Config{Task: TaskReconstruct, Arch: ArchDense, Width: 28, Height: 28, Channels: 1,
		Layers: []int{256}, Code: 64, CodeActivation: ActReLU, Loss: LossBCE})
}

// BenchmarkConvEpoch: conv 1-16-32 stride 2, then transposed 32-16-1, 3,200 digits.
func BenchmarkConvEpoch(b *testing.B) {
	benchmarkEpoch(b, 3200, Config{Task: TaskReconstruct, Arch: ArchConv, Width: 28, Height: 28, Channels: 1,
		Layers: []int{16, 32}, Loss: LossBCE})
}

func benchmarkEpoch(b *testing.B, n int, cfg Config) {
	train := mnist(b, "train-images-idx3-ubyte.gz", n)
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ae, err := NewAutoencoder(cfg)
		if err != nil {
			b.Fatal(err)
		}
		tr, err := NewTrainer(ae, train, nil, TrainOptions{Epochs: 1, Batch: 64, LR: 1e-3, PreviewEvery: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(train.Len()*b.N)/time.Since(start).Seconds(), "samples/s")
}
