package models

import (
	"context"
	"testing"
	"time"
)

// BenchmarkDenseEpoch trains the PyTorch anchor's dense autoencoder
// (784-256-64-256-784, ReLU code, BCE, batch 64, Adam 1e-3) on 6,400 real
// digits per iteration and reports samples/s; `latentstudio bench` runs the
// full epoch beside PyTorch.
func BenchmarkDenseEpoch(b *testing.B) {
	train := mnist(b, "train-images-idx3-ubyte.gz", 6400)
	cfg := Config{Task: TaskReconstruct, Arch: ArchDense, Width: 28, Height: 28, Channels: 1, Layers: []int{256}, Code: 64,
		CodeActivation: ActReLU, Loss: LossBCE}
	benchmarkEpoch(b, cfg, train.Len(), func() error {
		ae, _ := NewAutoencoder(cfg)
		tr, err := NewTrainer(ae, train, nil, TrainOptions{Epochs: 1, Batch: 64, LR: 1e-3, PreviewEvery: time.Hour})
		if err != nil {
			return err
		}
		return tr.Run(context.Background())
	})
}

func benchmarkEpoch(b *testing.B, cfg Config, samples int, epoch func() error) {
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := epoch(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(samples*b.N)/time.Since(start).Seconds(), "samples/s")
}

// BenchmarkConvEpoch: the anchor's conv autoencoder (1-16-32 stride 2, then
// transposed 32-16-1) on 3,200 digits per iteration.
func BenchmarkConvEpoch(b *testing.B) {
	train := mnist(b, "train-images-idx3-ubyte.gz", 3200)
	cfg := Config{Task: TaskReconstruct, Arch: ArchConv, Width: 28, Height: 28, Channels: 1, Layers: []int{16, 32}, Loss: LossBCE}
	benchmarkEpoch(b, cfg, train.Len(), func() error {
		ae, _ := NewAutoencoder(cfg)
		tr, err := NewTrainer(ae, train, nil, TrainOptions{Epochs: 1, Batch: 64, LR: 1e-3, PreviewEvery: time.Hour})
		if err != nil {
			return err
		}
		return tr.Run(context.Background())
	})
}
