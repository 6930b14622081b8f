package models

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"latentstudio/imageops"
)

const mnistDir = "../../shared/data/mnist"

// mnist loads the first n images of the real MNIST file, or skips.
func mnist(t testing.TB, file string, n int) *imageops.Dataset {
	t.Helper()
	path := filepath.Join(mnistDir, file)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	d, err := imageops.Load(context.Background(), path, imageops.Options{Gray: true, Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func digitConfig(arch string, layers ...int) Config {
	return Config{Task: TaskReconstruct, Arch: arch, Width: 28, Height: 28, Channels: 1, Layers: layers, Code: 32, Loss: LossBCE, Seed: 1}
}

// TestDenseLearnsMNIST is a learning test on real digits: three epochs over
// 10,000 images must bring the held-out BCE from about 0.69 to below 0.14
// (predicting the mean image gives about 0.26; measured here: 0.127).
func TestDenseLearnsMNIST(t *testing.T) {
	train := mnist(t, "train-images-idx3-ubyte.gz", 10000)
	test := mnist(t, "t10k-images-idx3-ubyte.gz", 1000)
	ae, err := NewAutoencoder(digitConfig(ArchDense, 256))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := EvaluateLoss(context.Background(), ae, test, 0)
	var events []Event
	tr, err := NewTrainer(ae, train, test, TrainOptions{Epochs: 3, Batch: 64, LR: 1e-3, Seed: 1, OnEvent: func(e Event) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := EvaluateLoss(context.Background(), ae, test, 0)
	t.Logf("held-out BCE %.4f -> %.4f", before, after)
	if after > 0.14 {
		t.Errorf("held-out BCE %.4f after 3 epochs (from %.4f); want below 0.14", after, before)
	}
	last := events[len(events)-1]
	if last.Kind != EventDone || last.Err != nil || last.Stopped {
		t.Fatalf("last event %+v, want a clean EventDone", last)
	}
	var steps, epochs, previews int
	for _, e := range events {
		switch e.Kind {
		case EventStep:
			steps++
		case EventEpoch:
			epochs++
			if math.IsNaN(e.ValLoss) {
				t.Error("epoch event without validation loss")
			}
		case EventPreview:
			previews++
			if len(e.Preview.Output) != 8 || len(e.Preview.Output[0]) != 784 {
				t.Errorf("preview holds %d images", len(e.Preview.Output))
			}
		}
	}
	if steps != 3*(10000/64) || epochs != 3 || previews < 3 {
		t.Errorf("got %d steps, %d epochs, %d previews", steps, epochs, previews)
	}
	if ae.History.Epochs != 3 || ae.History.Steps != steps {
		t.Errorf("history %+v", ae.History)
	}
}

// TestConvLearnsMNIST: the conv variant learns too, on fewer images since
// Gorgonia's convolutions are slow (measured here: 0.129).
func TestConvLearnsMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	train := mnist(t, "train-images-idx3-ubyte.gz", 4000)
	test := mnist(t, "t10k-images-idx3-ubyte.gz", 300)
	ae, err := NewAutoencoder(digitConfig(ArchConv, 8, 16))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := EvaluateLoss(context.Background(), ae, test, 0)
	tr, err := NewTrainer(ae, train, nil, TrainOptions{Epochs: 2, Batch: 32, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := EvaluateLoss(context.Background(), ae, test, 0)
	t.Logf("conv held-out BCE %.4f -> %.4f", before, after)
	if after > 0.16 {
		t.Errorf("conv held-out BCE %.4f (from %.4f); want below 0.16", after, before)
	}
}

func tinyData(n int) *imageops.Dataset {
	d := &imageops.Dataset{Width: 4, Height: 4, Channels: 1, Data: make([]float32, n*16)}
	for i := range d.Data {
		d.Data[i] = float32((i*7)%11) / 10
	}
	return d
}

func tinyModel(t *testing.T, task string) *Autoencoder {
	cfg := Config{Task: task, Arch: ArchDense, Width: 4, Height: 4, Channels: 1, Layers: []int{8}, Code: 2, Loss: LossBCE, Seed: 4}
	if task == TaskDenoise {
		cfg.NoiseSigma = 0.2
	}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ae
}

func TestTrainingIsDeterministic(t *testing.T) {
	var weights [2][]float32
	initial := tinyModel(t, TaskDenoise).params[0].Data().([]float32)
	for k := range weights {
		ae := tinyModel(t, TaskDenoise)
		tr, err := NewTrainer(ae, tinyData(64), tinyData(8), TrainOptions{Epochs: 3, Batch: 8, LR: 1e-2, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, p := range ae.params {
			weights[k] = append(weights[k], p.Data().([]float32)...)
		}
	}
	if weights[0][0] == initial[0] && weights[0][1] == initial[1] {
		t.Fatal("training did not change the weights")
	}
	for i := range weights[0] {
		if weights[0][i] != weights[1][i] {
			t.Fatalf("weight %d differs between two runs with one seed", i)
		}
	}
}

// TestMaxStepsStopsMidEpoch: a run limited to 11 steps stops there (in its
// second epoch of 8 steps) and its history says 11 steps.
func TestMaxStepsStopsMidEpoch(t *testing.T) {
	ae := tinyModel(t, TaskReconstruct)
	tr, err := NewTrainer(ae, tinyData(64), tinyData(8), TrainOptions{Epochs: 5, Batch: 8, LR: 1e-3, Seed: 1, MaxSteps: 11})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ae.History.Steps != 11 || ae.History.Epochs != 1 {
		t.Errorf("history: %d steps, %d epochs; want 11 and 1", ae.History.Steps, ae.History.Epochs)
	}
}

// TestDivergenceKeepsLastGoodWeights poisons the data with NaN after step 5
// (from the event callback, which runs on the trainer's goroutine): the run
// must stop with ErrDiverged at step 6 and leave the weights of step 5, as
// the snapshot holds them, with a history that says 5 steps.
func TestDivergenceKeepsLastGoodWeights(t *testing.T) {
	ae := tinyModel(t, TaskReconstruct)
	data := tinyData(64)
	var done Event
	tr, err := NewTrainer(ae, data, nil, TrainOptions{Epochs: 5, Batch: 8, LR: 1e-2, Seed: 1, PreviewEvery: time.Nanosecond,
		OnEvent: func(e Event) {
			if e.Kind == EventStep && e.Step == 5 {
				for i := range data.Data {
					data.Data[i] = float32(math.NaN())
				}
			}
			if e.Kind == EventDone {
				done = e
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run(context.Background())
	if !errors.Is(err, ErrDiverged) || done.Err == nil {
		t.Fatalf("run error %v, done event error %v; want ErrDiverged", err, done.Err)
	}
	if !strings.Contains(err.Error(), "at step 6") || !strings.Contains(err.Error(), "weights from step 5") {
		t.Errorf("message %q does not name steps 6 and 5", err)
	}
	if ae.History.Steps != 5 || ae.History.Samples != 40 {
		t.Errorf("history after divergence: %+v", ae.History)
	}
	snap := tr.Snapshot()
	for i, p := range ae.params {
		for j, v := range p.Data().([]float32) {
			if math.IsNaN(float64(v)) || v != snap.params[i].Data().([]float32)[j] {
				t.Fatalf("weight %d/%d is %v after divergence, snapshot has %v", i, j, v, snap.params[i].Data().([]float32)[j])
			}
		}
	}
}

// TestPauseResumeStop drives a run from another goroutine while a third
// reads snapshots, as the studio does; run it with -race.
func TestPauseResumeStop(t *testing.T) {
	ae := tinyModel(t, TaskReconstruct)
	var mu sync.Mutex
	var kinds []EventKind
	tr, err := NewTrainer(ae, tinyData(256), tinyData(16), TrainOptions{Epochs: 100000, Batch: 8, LR: 1e-3, Seed: 1,
		PreviewEvery: time.Millisecond,
		OnEvent: func(e Event) {
			mu.Lock()
			kinds = append(kinds, e.Kind)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tr.Run(ctx) }()
	count := func(k EventKind) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, x := range kinds {
			if x == k {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, ok func() bool) {
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor("steps", func() bool { return count(EventStep) > 20 })
	x := tinyData(3).Data
	if _, err := tr.Snapshot().Reconstruct(x, 3); err != nil { // concurrent inference on a snapshot
		t.Fatal(err)
	}
	tr.Pause()
	waitFor("pause", func() bool { return count(EventPaused) == 1 })
	steps := count(EventStep)
	time.Sleep(50 * time.Millisecond)
	if count(EventStep) != steps {
		t.Fatal("steps went on while paused")
	}
	tr.Resume()
	waitFor("resume", func() bool { return count(EventResumed) == 1 && count(EventStep) > steps })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("a stopped run returned %v", err)
	}
	if k := kinds[len(kinds)-1]; k != EventDone {
		t.Fatalf("last event %v, want EventDone", k)
	}
}

func TestTrainerRefusesMismatchedData(t *testing.T) {
	ae := tinyModel(t, TaskReconstruct)
	d := &imageops.Dataset{Width: 5, Height: 4, Channels: 1, Data: make([]float32, 20)}
	if _, err := NewTrainer(ae, d, nil, TrainOptions{Epochs: 1, Batch: 1, LR: 1e-3}); err == nil {
		t.Fatal("trainer accepted 5x4 images for a 4x4 model")
	}
}

// TestCheckpoints: with a checkpoint path the trainer saves a loadable
// model at each epoch end; the last one holds the final weights.
func TestCheckpoints(t *testing.T) {
	ae := tinyModel(t, TaskReconstruct)
	path := filepath.Join(t.TempDir(), "ckpt.lsm")
	var saved int
	tr, err := NewTrainer(ae, tinyData(64), tinyData(8), TrainOptions{Epochs: 3, Batch: 8, LR: 1e-2, Seed: 1, CheckpointPath: path,
		OnEvent: func(e Event) {
			if e.Kind == EventCheckpoint {
				if e.Err != nil {
					t.Errorf("checkpoint: %v", e.Err)
				}
				saved++
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if saved != 3 {
		t.Fatalf("%d checkpoints for 3 epochs", saved)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.History.Epochs != 3 || back.History.Steps != 24 {
		t.Errorf("checkpoint history %+v", back.History)
	}
	for i, p := range ae.params {
		for j, v := range p.Data().([]float32) {
			if back.params[i].Data().([]float32)[j] != v {
				t.Fatalf("checkpoint weight %d/%d differs from the trained model", i, j)
			}
		}
	}
	// Bad path: the run goes on and says why the checkpoint failed.
	var failed error
	tr2, _ := NewTrainer(ae, tinyData(64), nil, TrainOptions{Epochs: 1, Batch: 8, LR: 1e-2, CheckpointPath: filepath.Join(t.TempDir(), "no", "such", "dir", "m.lsm"),
		OnEvent: func(e Event) {
			if e.Kind == EventCheckpoint {
				failed = e.Err
			}
		}})
	if err := tr2.Run(context.Background()); err != nil || failed == nil {
		t.Fatalf("run error %v, checkpoint error %v", err, failed)
	}
}

// TestRateSchedule: warmup climbs linearly to the rate, cosine falls from it
// to 0 at the last step, and both together multiply.
func TestRateSchedule(t *testing.T) {
	for _, c := range []struct {
		opt         TrainOptions
		step, steps int
		want        float64
	}{
		{TrainOptions{LR: 1e-3}, 50, 100, 1e-3},
		{TrainOptions{LR: 1e-3, Warmup: 10}, 0, 100, 1e-4},
		{TrainOptions{LR: 1e-3, Warmup: 10}, 4, 100, 5e-4},
		{TrainOptions{LR: 1e-3, Warmup: 10}, 9, 100, 1e-3},
		{TrainOptions{LR: 1e-3, Cosine: true}, 0, 101, 1e-3},
		{TrainOptions{LR: 1e-3, Cosine: true}, 50, 101, 5e-4},
		{TrainOptions{LR: 1e-3, Cosine: true}, 100, 101, 0},
		{TrainOptions{LR: 1e-3, Cosine: true, Warmup: 4}, 1, 3, 0.5 * 0.5e-3},
	} {
		if got := c.opt.rateAt(c.step, c.steps); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%+v step %d of %d: rate %g, want %g", c.opt, c.step, c.steps, got, c.want)
		}
	}
	if _, err := NewTrainer(tinyModel(t, TaskReconstruct), tinyData(4), nil, TrainOptions{Epochs: 1, Batch: 2, LR: 1e-3, Warmup: -1}); err == nil || !strings.Contains(err.Error(), "warmup") {
		t.Errorf("a negative warmup: %v", err)
	}
}
