package models

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latentstudio/imageops"
)

// tinyGAN is a small GAN of each architecture for 8×8 gray images.
func tinyGAN(t *testing.T, arch string) *GAN {
	t.Helper()
	cfg := GANConfig{Arch: arch, Latent: 5, Width: 8, Height: 8, Channels: 1, GLayers: []int{12, 10}, DLayers: []int{9, 7},
		Output: GANOutTanh, Slope: 0.2, Seed: 3}
	if arch == GANArchDCGAN {
		cfg.GLayers, cfg.DLayers, cfg.BatchNorm = []int{6, 4}, []int{4, 6}, true
	}
	m, err := NewGAN(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomImages is n random 8×8 gray images: blobs of random brightness.
func randomImages(n int, seed int64) *imageops.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &imageops.Dataset{Width: 8, Height: 8, Channels: 1, Data: make([]float32, n*64)}
	for i := range d.Data {
		d.Data[i] = float32(rng.Float64())
	}
	return d
}

// testRun sets up a run without starting it, to drive its steps by hand.
func testRun(t *testing.T, m *GAN, data *imageops.Dataset, opt GANTrainOptions) *ganRun {
	t.Helper()
	tr, err := NewGANTrainer(m, data, opt)
	if err != nil {
		t.Fatal(err)
	}
	r := &ganRun{GANTrainer: tr, rng: rand.New(rand.NewSource(1)), lr: tr.opt.LR, runClock: newRunClock(0)}
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	return r
}

func bce(logit, y float64) float64 {
	p := 1 / (1 + math.Exp(-logit))
	return -(y*math.Log(p) + (1-y)*math.Log(1-p))
}

// TestGANLossesMatchDirect: the L_D and L_G the graphs compute equal a
// float64 computation from their logits, and the generator net's logits
// equal the discriminator net's on the same fakes (the nets share weights).
func TestGANLossesMatchDirect(t *testing.T) {
	for _, arch := range []string{GANArchMLP, GANArchDCGAN} {
		m := tinyGAN(t, arch)
		r := testRun(t, m, randomImages(64, 1), GANTrainOptions{Epochs: 1, Batch: 8, LR: 1e-3, Smooth: 0.9})
		var st GANStats
		r.dOpt.lr = 0 // D stays as it is, for the generator net below
		r.rng = rand.New(rand.NewSource(7))
		if err := r.discStep(make([]int, 8), &st); err != nil {
			t.Fatal(err)
		}
		logits := append([]float32(nil), r.disc.outVal.Data().([]float32)...)
		var want, dReal, dFake float64
		for i, l := range logits {
			y := 0.0
			if i < 8 {
				y = 0.9
			}
			want += bce(float64(l), y) / 8
		}
		for _, l := range logits[:8] {
			dReal += float64(sigmoid(l)) / 8
		}
		for _, l := range logits[8:] {
			dFake += float64(sigmoid(l)) / 8
		}
		if math.Abs(st.LossD-want) > 1e-5 || math.Abs(st.DReal-dReal) > 1e-6 || math.Abs(st.DFake-dFake) > 1e-6 {
			t.Errorf("%s: L_D %v, D(x) %v, D(G(z)) %v; direct %v, %v, %v", arch, st.LossD, st.DReal, st.DFake, want, dReal, dFake)
		}

		// The generator net on the same z: its logits are D's on those fakes.
		fakeLogits := logits[8:]
		r.rng = rand.New(rand.NewSource(7))
		if err := r.genStep(&st); err != nil {
			t.Fatal(err)
		}
		gl := r.gen.outVal.Data().([]float32)
		var wantG float64
		for i, l := range gl {
			wantG += bce(float64(l), 1) / 8
			if math.Abs(float64(l-fakeLogits[i])) > 1e-4 {
				t.Fatalf("%s: the generator net's logit %d is %v, the discriminator net's %v", arch, i, l, fakeLogits[i])
			}
		}
		if math.Abs(st.LossG-wantG) > 1e-5 {
			t.Errorf("%s: L_G %v, direct %v", arch, st.LossG, wantG)
		}
	}
}

func paramsCopy(m *GAN, lo, hi int) [][]float32 {
	var out [][]float32
	for _, p := range m.params[lo:hi] {
		out = append(out, append([]float32(nil), p.Data().([]float32)...))
	}
	return out
}

func sameParams(a, b [][]float32) bool {
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// TestGANStepsLowerTheirLoss: D steps on a fixed batch lower L_D and leave
// G's weights alone; G steps on fixed noise lower L_G and leave D's alone.
func TestGANStepsLowerTheirLoss(t *testing.T) {
	for _, arch := range []string{GANArchMLP, GANArchDCGAN} {
		m := tinyGAN(t, arch)
		r := testRun(t, m, randomImages(64, 2), GANTrainOptions{Epochs: 1, Batch: 8, LR: 1e-3})
		nG := m.cfg.gCount()
		idx := []int{3, 1, 4, 1, 5, 9, 2, 6}
		losses := func(step func(*GANStats) error, pick func(GANStats) float64) (first, last float64) {
			for i := 0; i < 6; i++ {
				var st GANStats
				r.rng = rand.New(rand.NewSource(11)) // the same noise each time
				if err := step(&st); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = pick(st)
				}
				last = pick(st)
			}
			return first, last
		}
		g0 := paramsCopy(m, 0, nG)
		first, last := losses(func(st *GANStats) error { return r.discStep(idx, st) }, func(s GANStats) float64 { return s.LossD })
		if !(last < first) {
			t.Errorf("%s: L_D went from %v to %v over 5 D steps", arch, first, last)
		}
		if !sameParams(g0, paramsCopy(m, 0, nG)) {
			t.Errorf("%s: D steps changed G's weights", arch)
		}
		d0 := paramsCopy(m, nG, len(m.params))
		first, last = losses(r.genStep, func(s GANStats) float64 { return s.LossG })
		if !(last < first) {
			t.Errorf("%s: L_G went from %v to %v over 5 G steps", arch, first, last)
		}
		if !sameParams(d0, paramsCopy(m, nG, len(m.params))) {
			t.Errorf("%s: G steps changed D's weights", arch)
		}
		if sameParams(g0, paramsCopy(m, 0, nG)) {
			t.Errorf("%s: G steps did not change G's weights", arch)
		}
	}
}

// pixelStats are the mean value and the share of values below 0.1 of images.
func pixelStats(imgs []float32) (mean, dark float64) {
	for _, v := range imgs {
		mean += float64(v)
		if v < 0.1 {
			dark++
		}
	}
	return mean / float64(len(imgs)), dark / float64(len(imgs))
}

// TestGANLearnsMNIST trains the mlp-mnist preset on real digits for 1,500
// steps (about a minute): the losses stay finite and the samples move from noise to
// digit-like statistics (mostly black background, mean brightness near the
// data's). A generator made to ignore z then scores far lower on the
// collapse meter than the trained one.
func TestGANLearnsMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test")
	}
	data := mnist(t, "train-images-idx3-ubyte.gz", 20000)
	p, err := GANPresetNamed("mlp-mnist")
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.Config
	cfg.Width, cfg.Height, cfg.Channels, cfg.Seed = 28, 28, 1, 1
	m, err := NewGAN(cfg)
	if err != nil {
		t.Fatal(err)
	}
	realMean, realDark := pixelStats(data.Data[:1000*784])
	before, _ := m.Sample(256, 5)
	mean0, dark0 := pixelStats(before)
	opt := p.Options
	opt.MaxSteps, opt.Seed = 1500, 1
	var previews []*GANHealth
	opt.OnEvent = func(e GANEvent) {
		if e.Kind == EventStep && !e.Stats.finite() {
			t.Errorf("step %d: %+v", e.Step, e.Stats)
		}
		if e.Kind == EventPreview {
			previews = append(previews, e.Health)
		}
	}
	tr, err := NewGANTrainer(m, data, opt)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := m.Sample(256, 5)
	mean1, dark1 := pixelStats(after)
	t.Logf("%d steps in %v; real mean %.3f dark %.3f; samples before %.3f / %.3f, after %.3f / %.3f; history %+v",
		m.History.Steps, time.Since(start).Round(time.Second), realMean, realDark, mean0, dark0, mean1, dark1, m.History)
	if m.History.Steps != 1500 {
		t.Fatalf("ran %d steps", m.History.Steps)
	}
	if math.Abs(mean1-realMean) > 0.08 || dark1 < realDark-0.2 || math.Abs(mean0-realMean) < 0.2 {
		t.Errorf("samples did not move towards digit statistics")
	}

	// Collapse: the same generator with its first layer's weights on z zeroed.
	var real [][]float32
	for i := 0; i < 128; i++ {
		real = append(real, data.Image(1000+i*100))
	}
	rows := func(imgs []float32) [][]float32 {
		var out [][]float32
		for i := 0; i < 64; i++ {
			out = append(out, imgs[i*784:(i+1)*784])
		}
		return out
	}
	healthy := CollapseMeter(rows(after), real)
	clear(m.params[0].Data().([]float32))
	collapsedImgs, _ := m.Sample(64, 5)
	collapsed := CollapseMeter(rows(collapsedImgs), real)
	t.Logf("collapse meter: trained %+v, ignoring z %+v; during training %+v", healthy, collapsed, previews[len(previews)-1].Collapse)
	if !(healthy.Diversity > 0.3 && collapsed.Diversity < 0.01 && collapsed.Meter < healthy.Meter/5) {
		t.Errorf("the meter does not separate a trained generator (%+v) from one that ignores z (%+v)", healthy, collapsed)
	}
}

// TestGANSaveLoad: a saved GAN loads to one that makes identical images
// from the same z; damaged files and files of the other kind are refused
// with a reason.
func TestGANSaveLoad(t *testing.T) {
	dir := t.TempDir()
	m := tinyGAN(t, GANArchDCGAN)
	m.History.Steps = 42
	path := filepath.Join(dir, "g.lsm")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadGAN(path)
	if err != nil {
		t.Fatal(err)
	}
	z := m.Noise(10, 9)
	a, _ := m.Generate(z, 10)
	b, err := back.Generate(z, 10)
	if err != nil || back.History.Steps != 42 || !slicesEqual(a, b) {
		t.Fatalf("loaded GAN differs (err %v, history %+v)", err, back.History)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `"gan"`) {
		t.Errorf("loading a GAN as an autoencoder: %v", err)
	}
	raw, _ := os.ReadFile(path)
	bad := filepath.Join(dir, "bad.lsm")
	wrongArch, moreLayers := m.cfg, m.cfg
	wrongArch.Arch = "dcgn"
	moreLayers.DLayers = []int{4, 6, 8}
	for name, write := range map[string]func() error{
		"truncated":                 func() error { return os.WriteFile(bad, raw[:len(raw)/2], 0o644) },
		"garbage":                   func() error { return os.WriteFile(bad, []byte("not a zip"), 0o644) },
		"wrong arch":                func() error { return saveModel(bad, kindGAN, wrongArch, m.History, m.params) },
		"weights of another config": func() error { return saveModel(bad, kindGAN, moreLayers, m.History, m.params) },
		"an autoencoder": func() error {
			ae, err := NewAutoencoder(digitConfig(ArchDense, 16))
			if err != nil {
				return err
			}
			return ae.Save(bad)
		},
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadGAN(bad); err == nil {
			t.Errorf("%s: loaded", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func slicesEqual(a, b []float32) bool {
	return len(a) == len(b) && sameParams([][]float32{a}, [][]float32{b})
}

// TestGANRecoversFromNaN: a NaN put into a weight makes the run restore its
// last good weights, halve the learning rate and go on; NaNs every time
// make it give up after three recoveries.
func TestGANRecoversFromNaN(t *testing.T) {
	for _, always := range []bool{false, true} {
		m := tinyGAN(t, GANArchMLP)
		var restored []GANEvent
		opt := GANTrainOptions{Epochs: 100, MaxSteps: 60, Batch: 8, LR: 1e-3, GoodEvery: 10, SampleEvery: 10}
		opt.OnEvent = func(e GANEvent) {
			switch e.Kind {
			case EventStep:
				if e.Step == 25 || (always && e.Step > 25) {
					m.params[2].Data().([]float32)[0] = float32(math.NaN()) // a hidden weight of G
				}
			case EventRestored:
				restored = append(restored, e)
			}
		}
		tr, err := NewGANTrainer(m, randomImages(64, 3), opt)
		if err != nil {
			t.Fatal(err)
		}
		err = tr.Run(context.Background())
		if !m.finite() {
			t.Fatalf("always %v: the weights are not finite after the run", always)
		}
		if !always {
			if err != nil || len(restored) != 1 || restored[0].LR != 5e-4 || m.History.Steps != 60 || m.History.Restores != 1 {
				t.Fatalf("run: %v; %d restores (%+v), %d steps", err, len(restored), restored, m.History.Steps)
			}
			t.Logf("restored: %v", restored[0].Err)
			continue
		}
		if !errors.Is(err, ErrDiverged) || len(restored) != ganMaxRestores {
			t.Fatalf("with NaNs every step: %v after %d restores", err, len(restored))
		}
		t.Logf("gave up: %v", err)
	}
}

// TestCollapseMeter: a batch of other real images scores about 1; a batch
// of one image with slight noise scores near 0.
func TestCollapseMeter(t *testing.T) {
	// "Real" images: 40 prototypes with noise, so neighbours mean something.
	rng := rand.New(rand.NewSource(1))
	protos := randomImages(40, 2)
	draw := func() []float32 {
		p := protos.Image(rng.Intn(40))
		x := make([]float32, len(p))
		for i := range p {
			x[i] = p[i] + float32(0.1*rng.NormFloat64())
		}
		return x
	}
	var real, gen, collapsed [][]float32
	for i := 0; i < 128; i++ {
		real = append(real, draw())
	}
	one := draw()
	for i := 0; i < 64; i++ {
		gen = append(gen, draw())
		x := append([]float32(nil), one...)
		x[i] += 0.05
		collapsed = append(collapsed, x)
	}
	healthy, bad := CollapseMeter(gen, real), CollapseMeter(collapsed, real)
	t.Logf("healthy %+v, collapsed %+v", healthy, bad)
	if math.Abs(healthy.Diversity-1) > 0.15 || math.Abs(healthy.Coverage-1) > 0.25 || healthy.Meter < 0.75 {
		t.Errorf("real-like batch: %+v, want about 1", healthy)
	}
	if bad.Meter > 0.1 {
		t.Errorf("collapsed batch: %+v, want near 0", bad)
	}
}

func TestGANWarnings(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	steps := func(n int, f func(i int) GANStats) []GANStats {
		var h []GANStats
		for i := 0; i < n; i++ {
			h = append(h, f(i))
		}
		return h
	}
	noisy := func(v float64) float64 { return v * (1 + 0.2*rng.NormFloat64()) }
	healthy := steps(300, func(int) GANStats { return GANStats{noisy(1.2), noisy(0.9), 0.6, 0.4} })
	if w := Warnings(healthy); len(w) != 0 {
		t.Errorf("healthy run warned: %v", w)
	}
	if w := Warnings(healthy[:20]); len(w) != 0 {
		t.Errorf("20 steps warned: %v", w)
	}
	winning := steps(100, func(int) GANStats { return GANStats{noisy(0.05), noisy(6), 0.99, 0.005} })
	w := Warnings(append(healthy, winning...))
	if len(w) != 0 { // the window is mostly healthy still
		t.Logf("half-window: %v", w)
	}
	w = Warnings(append(healthy, append(winning, winning...)...))
	if len(w) < 2 || !strings.Contains(w[0], "winning outright") || !strings.Contains(w[1], "stuck near 0") {
		t.Errorf("D winning: %q", w)
	}
	swinging := steps(200, func(i int) GANStats {
		l := 0.4
		if i/20%2 == 1 {
			l = 1.6
		}
		return GANStats{noisy(l), noisy(0.9), 0.6, 0.4}
	})
	w = Warnings(swinging)
	if len(w) != 1 || !strings.Contains(w[0], "L_D is oscillating") {
		t.Errorf("oscillating L_D: %q", w)
	}
}

// TestGANPauseResumeCancel: a paused run takes no steps until resumed;
// snapshots can be sampled from another goroutine meanwhile; cancelling
// stops the run without error and checkpoints hold the last good weights.
func TestGANPauseResumeCancel(t *testing.T) {
	m := tinyGAN(t, GANArchMLP)
	ckpt := filepath.Join(t.TempDir(), "c.lsm")
	steps := make(chan int, 1000)
	opt := GANTrainOptions{Epochs: 1000, Batch: 8, LR: 1e-3, SampleEvery: 5, GoodEvery: 5, CheckpointPath: ckpt, CheckpointEvery: time.Millisecond,
		OnEvent: func(e GANEvent) {
			if e.Kind == EventStep {
				steps <- e.Step
			}
		}}
	tr, err := NewGANTrainer(m, randomImages(64, 4), opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tr.Run(ctx) }()
	for s := range steps {
		if s == 20 {
			break
		}
	}
	tr.Pause()
	time.Sleep(50 * time.Millisecond)
	for len(steps) > 0 { // the step under way when Pause came
		<-steps
	}
	if _, err := tr.Snapshot().Sample(4, 1); err != nil || !tr.Paused() {
		t.Fatalf("sampling a snapshot while paused: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if len(steps) > 0 {
		t.Fatalf("a paused run took step %d", <-steps)
	}
	tr.Resume()
	<-steps
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	saved, err := LoadGAN(ckpt)
	if err != nil || saved.History.Steps < 20 {
		t.Fatalf("checkpoint: %v, %+v", err, saved)
	}
}
