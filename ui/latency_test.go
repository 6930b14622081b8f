package ui

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// TestUILatencyWhileTraining trains a conv model on 2,000 sample digits
// through the studio's real event path (trainRun.work, trainRun.pump and
// Studio.applyTraining, posting with fyne.Do) and meanwhile measures from
// another goroutine how long the UI takes to run a function:
//
//   - "DoAndWait": the round trip of fyne.DoAndWait(func(){}). The test
//     driver runs fyne.Do and fyne.DoAndWait at once on the calling
//     goroutine (test/driver.go: DoFromGoroutine ignores the wait flag and
//     calls the function), so this only shows the call overhead and that
//     nothing blocks the caller.
//   - "UI thread": the same round trip to a function that must wait for the
//     UI thread. The real driver runs every posted function on one UI
//     goroutine; here a mutex stands in for it: every function the studio
//     posts runs holding it, and so does a 10 Hz "frame" that redraws the
//     loss chart's raster (the paint work of the custom widget). The time
//     to get the mutex is what a click or a key would wait while training
//     streams its updates.
//
// The test fails if either p95 reaches 100 ms.
func TestUILatencyWhileTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for several seconds")
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)

	var uiThread sync.Mutex
	var busyMu sync.Mutex
	var busy []time.Duration // how long each posted function held the UI thread
	post := func(f func()) {
		fyne.Do(func() {
			uiThread.Lock()
			defer uiThread.Unlock()
			start := time.Now()
			f()
			d := time.Since(start)
			busyMu.Lock()
			busy = append(busy, d)
			busyMu.Unlock()
		})
	}

	images, labels := assets.SampleMNIST()
	ds, err := imageops.ReadIDX(images, labels, "s", imageops.Options{Gray: true, Limit: 2000})
	if err != nil {
		t.Fatal(err)
	}
	cfg := models.Config{Task: "reconstruct", Arch: "conv", Width: 28, Height: 28, Channels: 1,
		Layers: []int{16, 32}, Code: 0, Loss: "bce", Seed: 1}
	opts := models.TrainOptions{Epochs: 1000, Batch: 64, LR: 0.001, Seed: 1,
		PreviewN: previewRows, PreviewEvery: 500 * time.Millisecond}

	uiThread.Lock()
	s := NewStudio(w, post)
	w.Resize(fyne.NewSize(1200, 760))
	s.chart.SetSmoothing(0.6)
	ctx, cancel := context.WithCancel(context.Background())
	run := &trainRun{cancel: cancel, ended: make(chan struct{})}
	s.run = run
	go run.work(ctx, cfg, ds, 0.1, opts)
	go run.pump(post, s.applyTraining)
	uiThread.Unlock()
	defer cancel()

	// Frames: redraw the chart's curve ten times a second, as painting would.
	stopFrames := make(chan struct{})
	framesDone := make(chan struct{})
	go func() {
		defer close(framesDone)
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stopFrames:
				return
			case <-tk.C:
				uiThread.Lock()
				r := test.WidgetRenderer(s.chart).(*chartRenderer)
				sz := r.plotSize
				r.draw(int(sz.Width), int(sz.Height))
				uiThread.Unlock()
			}
		}
	}()

	// Wait for training to be under way.
	deadline := time.Now().Add(60 * time.Second)
	for {
		uiThread.Lock()
		n := s.chart.Len(SeriesTrain)
		status := s.Status()
		uiThread.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no training step after 60 s; status %q", status)
		}
		time.Sleep(20 * time.Millisecond)
	}

	const probes = 200
	raw := make([]time.Duration, 0, probes)
	queued := make([]time.Duration, 0, probes)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range probes {
			start := time.Now()
			fyne.DoAndWait(func() {})
			raw = append(raw, time.Since(start))

			start = time.Now()
			fyne.DoAndWait(func() { uiThread.Lock(); uiThread.Unlock() })
			queued = append(queued, time.Since(start))
			time.Sleep(20 * time.Millisecond)
		}
	}()
	<-done
	close(stopFrames)
	<-framesDone

	uiThread.Lock()
	steps, previews := s.chart.Len(SeriesTrain), len(s.preview.History())
	s.stopTraining()
	uiThread.Unlock()
	deadline = time.Now().Add(60 * time.Second)
	for {
		uiThread.Lock()
		stopped := s.run == nil
		uiThread.Unlock()
		if stopped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run did not stop")
		}
		time.Sleep(20 * time.Millisecond)
	}

	busyMu.Lock()
	held := slices.Clone(busy)
	busyMu.Unlock()
	p50, p95, mx := percentiles(raw)
	t.Logf("fyne.DoAndWait(func(){}) round trip, %d probes at 20 ms: p50 %v, p95 %v, max %v (test driver: runs inline)", len(raw), p50, p95, mx)
	q50, q95, qmx := percentiles(queued)
	t.Logf("round trip to the UI thread (mutex), %d probes at 20 ms: p50 %v, p95 %v, max %v", len(queued), q50, q95, qmx)
	b50, b95, bmx := percentiles(held)
	t.Logf("posted updates: %d, each held the UI thread p50 %v, p95 %v, max %v; meanwhile %d train steps and %d previews arrived",
		len(held), b50, b95, bmx, steps, previews)
	if p95 >= 100*time.Millisecond {
		t.Errorf("fyne.DoAndWait p95 = %v, want < 100 ms", p95)
	}
	if q95 >= 100*time.Millisecond {
		t.Errorf("UI thread round trip p95 = %v, want < 100 ms", q95)
	}
	if steps == 0 || previews == 0 {
		t.Errorf("training did not report while measuring: %d steps, %d previews", steps, previews)
	}
}

// percentiles returns the median, the 95th percentile and the maximum.
func percentiles(d []time.Duration) (p50, p95, mx time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.95), s[len(s)-1]
}
