package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sync/atomic"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"latentstudio/imageops"
)

// GANTrainOptions are the knobs of one GAN training run.
type GANTrainOptions struct {
	Epochs   int // one epoch shows the discriminator every real image once
	MaxSteps int // stop after this many generator steps (0: no limit)
	Batch    int
	LR       float64 // Adam learning rate of both nets
	Beta1    float64 // Adam's first-moment decay (default 0.5, as in DCGAN)
	K        int     // discriminator steps per generator step (default 1)
	// Smooth is the label of real images in L_D (one-sided label
	// smoothing, e.g. 0.9); 0 means 1, no smoothing.
	Smooth float64
	Seed   int64 // noise and shuffling

	SampleN     int           // fixed-noise samples published (default 64)
	SampleEvery int           // generator steps between sample grids (default 100)
	GoodEvery   int           // steps between kept good weights (default 200)
	MaxDuration time.Duration // stop after this long (0: no limit)

	// CheckpointPath, when set, receives the last good weights (saved
	// atomically) at every epoch end and at least every CheckpointEvery
	// (default 5 min).
	CheckpointPath  string
	CheckpointEvery time.Duration

	// OnEvent receives the run's events on the trainer's goroutine; it
	// must return quickly.
	OnEvent func(GANEvent)
}

// GANStats are one step's figures: the discriminator's loss L_D =
// -E[log D(x)] - E[log(1-D(G(z)))] (with the real label, smoothed or not),
// the generator's non-saturating L_G = -E[log D(G(z))], and the mean
// probabilities D gives real and generated images.
type GANStats struct {
	LossD, LossG float64
	DReal, DFake float64
}

func (s GANStats) finite() bool {
	for _, v := range []float64{s.LossD, s.LossG, s.DReal, s.DFake} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// GANEvent is what the GAN trainer tells its listener. Values are copies.
type GANEvent struct {
	Kind          EventKind
	Epoch, Epochs int
	Step, Steps   int // generator steps done and planned

	Stats GANStats // this step's (EventStep); the epoch's means (EventEpoch)
	LR    float64  // current learning rate (halved by each restore)

	SamplesPerSecond float64 // real images per second
	Elapsed          time.Duration
	Remaining        time.Duration

	Samples *Preview   // EventPreview: the fixed-noise samples, in Output
	Health  *GANHealth // EventPreview: collapse meter and warnings
	Err     error      // EventDone: why the run failed; EventCheckpoint: the save error; EventRestored: the NaN
	Stopped bool       // EventDone: stopped before its last epoch
}

// GANHealth is the state of a run: how diverse its samples are and what
// looks wrong.
type GANHealth struct {
	Collapse Collapse
	Warnings []string
}

// ganMaxRestores is how many NaN recoveries a run makes before it gives up.
const ganMaxRestores = 3

// GANTrainer trains one GAN on one dataset. Run it in its own goroutine;
// Pause, Resume, Paused and Snapshot may be called from any other.
type GANTrainer struct {
	pauseGate
	gan      *GAN
	data     *imageops.Dataset
	opt      GANTrainOptions
	snapshot atomic.Pointer[GAN]
}

// NewGANTrainer checks that the data fit the model and the options make sense.
func NewGANTrainer(m *GAN, data *imageops.Dataset, opt GANTrainOptions) (*GANTrainer, error) {
	cfg := m.cfg
	if data == nil || data.Len() == 0 {
		return nil, errors.New("no training images")
	}
	if data.Width != cfg.Width || data.Height != cfg.Height || data.Channels != cfg.Channels {
		return nil, fmt.Errorf("the data are %dx%dx%d (WxHxC) but the GAN makes %dx%dx%d",
			data.Width, data.Height, data.Channels, cfg.Width, cfg.Height, cfg.Channels)
	}
	if opt.K <= 0 {
		opt.K = 1
	}
	if opt.Epochs < 1 {
		return nil, fmt.Errorf("epochs must be at least 1, not %d", opt.Epochs)
	}
	if opt.Batch < 1 || opt.Batch*opt.K > data.Len() {
		return nil, fmt.Errorf("batch %d × k %d needs at least as many images; there are %d", opt.Batch, opt.K, data.Len())
	}
	if !(opt.LR > 0 && opt.LR < 1) {
		return nil, fmt.Errorf("learning rate must be in (0,1), not %g", opt.LR)
	}
	if opt.Beta1 == 0 {
		opt.Beta1 = 0.5
	}
	if !(opt.Beta1 > 0 && opt.Beta1 < 1) {
		return nil, fmt.Errorf("beta1 must be in (0,1), not %g", opt.Beta1)
	}
	if opt.Smooth == 0 {
		opt.Smooth = 1
	}
	if !(opt.Smooth > 0.5 && opt.Smooth <= 1) {
		return nil, fmt.Errorf("the real label must be in (0.5,1], not %g", opt.Smooth)
	}
	opt.SampleN = cmp0(opt.SampleN, 64)
	opt.SampleEvery = cmp0(opt.SampleEvery, 100)
	opt.GoodEvery = cmp0(opt.GoodEvery, 200)
	if opt.CheckpointEvery <= 0 {
		opt.CheckpointEvery = 5 * time.Minute
	}
	if opt.OnEvent == nil {
		opt.OnEvent = func(GANEvent) {}
	}
	t := &GANTrainer{gan: m, data: data, opt: opt}
	t.snapshot.Store(m.Clone())
	return t, nil
}

// cmp0 is v, or def when v is not positive.
func cmp0(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Snapshot returns a copy of the GAN as of the last sample grid; it is
// never written again.
func (t *GANTrainer) Snapshot() *GAN { return t.snapshot.Load() }

// ganRun holds the mutable state of one Run call.
type ganRun struct {
	*GANTrainer
	rng                *rand.Rand
	sampler, disc, gen *ganNet
	dOpt, gOpt         *adam
	lr                 float64
	real, z            *tensor.Dense // the discriminator's images (real then fake), the noise
	realBuf, zBuf      []float32
	dLabels, gLabels   *tensor.Dense
	fixedZ             []float32   // the published samples' noise
	realRef            [][]float32 // real images the collapse meter compares with
	recent             []GANStats  // the warnings' window
	lastGood           *GAN
	lastGoodStep       int
	restores           int
	runClock
	step, steps, images int
}

// Run trains until the epochs are done, ctx is cancelled, the time or step
// limit is reached, or NaNs persist after ganMaxRestores recoveries. It
// always ends with an EventDone. A stopped run is not an error.
func (t *GANTrainer) Run(ctx context.Context) (err error) {
	r := &ganRun{GANTrainer: t, rng: rand.New(rand.NewSource(t.opt.Seed)), lr: t.opt.LR, runClock: newRunClock(t.opt.MaxDuration)}
	ev := GANEvent{Epochs: t.opt.Epochs, LR: r.lr}
	defer func() {
		ev.Kind, ev.Err = EventDone, err
		ev.Elapsed, ev.Remaining = r.activeTime(), 0
		t.opt.OnEvent(ev)
	}()
	if err := r.setup(); err != nil {
		return err
	}
	ev.Steps = r.steps
	batch, k := t.opt.Batch, t.opt.K
	perEpoch := t.data.Len() / (batch * k)
	r.publish(&ev)
	for epoch := 1; epoch <= t.opt.Epochs; epoch++ {
		ev.Epoch = epoch
		perm := r.rng.Perm(t.data.Len())
		var sum GANStats
		for s := 0; s < perEpoch; s++ {
			waited, stop := t.wait(ctx, func(kind EventKind) { ev.Kind = kind; t.opt.OnEvent(ev) })
			r.pausedFor += waited
			if stop || r.timeUp() || r.step == r.steps {
				ev.Stopped = true
				return r.finish(ev)
			}
			var st GANStats
			for j := 0; j < k; j++ {
				if err := r.discStep(perm[(s*k+j)*batch:], &st); err != nil {
					return err
				}
			}
			if err := r.genStep(&st); err != nil {
				return err
			}
			st.LossD, st.DReal, st.DFake = st.LossD/float64(k), st.DReal/float64(k), st.DFake/float64(k)
			r.step++
			r.images += batch * k
			if !st.finite() {
				if err := r.restore(&ev, fmt.Sprintf("non-finite losses at step %d (L_D %v, L_G %v)", r.step, st.LossD, st.LossG)); err != nil {
					return err
				}
				continue
			}
			sum = GANStats{sum.LossD + st.LossD, sum.LossG + st.LossG, sum.DReal + st.DReal, sum.DFake + st.DFake}
			r.recent = append(r.recent, st)
			if len(r.recent) > 2*warnWindow {
				r.recent = append(r.recent[:0], r.recent[len(r.recent)-warnWindow:]...)
			}
			ev.Kind, ev.Step, ev.Stats = EventStep, r.step, st
			r.timing(&ev)
			t.opt.OnEvent(ev)
			if r.step%t.opt.GoodEvery == 0 {
				if err := r.keepGood(&ev); err != nil {
					return err
				}
			}
			if r.step%t.opt.SampleEvery == 0 {
				r.publish(&ev)
				if time.Since(r.lastCheckpoint) >= t.opt.CheckpointEvery {
					r.checkpoint(ev)
				}
			}
		}
		n := float64(perEpoch)
		ev.Kind, ev.Stats = EventEpoch, GANStats{sum.LossD / n, sum.LossG / n, sum.DReal / n, sum.DFake / n}
		t.gan.History.Epochs++
		r.timing(&ev)
		t.opt.OnEvent(ev)
		if err := r.keepGood(&ev); err != nil {
			return err
		}
		r.publish(&ev)
		r.checkpoint(ev)
	}
	return r.finish(ev)
}

func (r *ganRun) setup() error {
	cfg, batch := r.gan.cfg, r.opt.Batch
	var err error
	if r.sampler, err = buildGANNet(cfg, r.gan.params, batch, ganSample); err != nil {
		return err
	}
	if r.disc, err = buildGANNet(cfg, r.gan.params, batch, ganDisc); err != nil {
		return err
	}
	if r.gen, err = buildGANNet(cfg, r.gan.params, batch, ganGen); err != nil {
		return err
	}
	r.newSolvers()
	size := cfg.ImageSize()
	r.realBuf = make([]float32, 2*batch*size)
	r.real = tensor.New(tensor.WithShape(cfg.imageShape(2*batch)...), tensor.WithBacking(r.realBuf))
	r.zBuf = make([]float32, batch*cfg.Latent)
	r.z = tensor.New(tensor.WithShape(batch, cfg.Latent), tensor.WithBacking(r.zBuf))
	labels := make([]float32, 2*batch)
	for i := range batch {
		labels[i] = float32(r.opt.Smooth)
	}
	r.dLabels = tensor.New(tensor.WithShape(2*batch, 1), tensor.WithBacking(labels))
	ones := make([]float32, batch)
	for i := range ones {
		ones[i] = 1
	}
	r.gLabels = tensor.New(tensor.WithShape(batch, 1), tensor.WithBacking(ones))

	r.steps = r.opt.Epochs * (r.data.Len() / (batch * r.opt.K))
	if m := r.opt.MaxSteps; m > 0 && m < r.steps {
		r.steps = m
	}
	r.fixedZ = r.gan.Noise(r.opt.SampleN, r.opt.Seed+1)
	// Twice the samples of real images, spread over the data, for the
	// collapse meter (one half is its real query batch, the other its reference).
	nRef := min(2*r.opt.SampleN, r.data.Len())
	for i := range nRef {
		r.realRef = append(r.realRef, r.data.Image(i*r.data.Len()/nRef))
	}
	r.lastGood = r.gan.Clone()
	return nil
}

// newSolvers starts both Adams afresh at the current learning rate.
func (r *ganRun) newSolvers() {
	r.dOpt, r.gOpt = newAdamFor(r.disc.trained, r.lr), newAdamFor(r.gen.trained, r.lr)
	r.dOpt.beta1, r.gOpt.beta1 = r.opt.Beta1, r.opt.Beta1
}

// newAdamFor is an Adam for these weight nodes.
func newAdamFor(nodes G.Nodes, lr float64) *adam {
	var sizes []int
	for _, n := range nodes {
		sizes = append(sizes, n.Shape().TotalSize())
	}
	return newAdam(lr, sizes)
}

// stepNodes applies one Adam step to the weight nodes from the gradients of
// the last run (the gradient tensors exist only once the machine has run).
func (a *adam) stepNodes(nodes G.Nodes) error {
	weights, grads := make([][]float32, len(nodes)), make([][]float32, len(nodes))
	for i, node := range nodes {
		grad, err := node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", node.Name(), err)
		}
		weights[i], grads[i] = node.Value().Data().([]float32), grad.Data().([]float32)
	}
	a.step(weights, grads)
	return nil
}

// discStep trains D once on batch real images (from idx) and as many fresh
// fakes, adding its loss and mean probabilities to st.
func (r *ganRun) discStep(idx []int, st *GANStats) error {
	cfg, batch := r.gan.cfg, r.opt.Batch
	size := cfg.ImageSize()
	for i := range batch {
		cfg.fromUnit(r.realBuf[i*size:(i+1)*size], r.data.Image(idx[i]))
	}
	fillNormal(r.zBuf, r.rng)
	if err := r.sampler.run(r.z, nil, nil); err != nil {
		return fmt.Errorf("generator at step %d: %w", r.step+1, err)
	}
	copy(r.realBuf[batch*size:], r.sampler.outVal.Data().([]float32))
	if err := r.disc.run(r.real, r.dLabels, nil); err != nil {
		return fmt.Errorf("discriminator step %d: %w", r.step+1, err)
	}
	// The graph's loss is the mean over real and fake rows: half of L_D.
	st.LossD += 2 * scalar(r.disc.loss)
	logits := r.disc.outVal.Data().([]float32)
	st.DReal += meanSigmoid(logits[:batch])
	st.DFake += meanSigmoid(logits[batch:])
	return r.dOpt.stepNodes(r.disc.trained)
}

// genStep trains G once on fresh noise and records L_G in st.
func (r *ganRun) genStep(st *GANStats) error {
	fillNormal(r.zBuf, r.rng)
	if err := r.gen.run(r.z, r.gLabels, nil); err != nil {
		return fmt.Errorf("generator step %d: %w", r.step+1, err)
	}
	st.LossG = scalar(r.gen.loss)
	return r.gOpt.stepNodes(r.gen.trained)
}

func meanSigmoid(logits []float32) float64 {
	var s float64
	for _, l := range logits {
		s += float64(sigmoid(l))
	}
	return s / float64(len(logits))
}

// keepGood remembers the weights as the last good ones if they are all
// finite (a NaN can hide from the losses behind a ReLU), else restores.
func (r *ganRun) keepGood(ev *GANEvent) error {
	if !r.gan.finite() {
		return r.restore(ev, fmt.Sprintf("non-finite weights at step %d", r.step))
	}
	r.lastGood, r.lastGoodStep = r.gan.Clone(), r.step
	return nil
}

// restore goes back to the last good weights with both learning rates
// halved and fresh optimizer state, and reports it; after ganMaxRestores it
// gives up with an ErrDiverged error.
func (r *ganRun) restore(ev *GANEvent, why string) error {
	r.gan.copyWeightsFrom(r.lastGood)
	r.restores++
	r.gan.History.Restores++
	if r.restores > ganMaxRestores {
		r.finish(*ev)
		return fmt.Errorf("%w: %s, after %d recoveries; kept the weights from step %d", ErrDiverged, why, ganMaxRestores, r.lastGoodStep)
	}
	r.lr /= 2
	r.newSolvers()
	ev.Kind, ev.Step, ev.LR = EventRestored, r.step, r.lr
	ev.Err = fmt.Errorf("%s: restored the weights of step %d, learning rate now %.3g", why, r.lastGoodStep, r.lr)
	r.opt.OnEvent(*ev)
	ev.Err = nil
	return nil
}

// publish snapshots the weights and sends the fixed-noise samples with the
// health of the run.
func (r *ganRun) publish(ev *GANEvent) {
	r.snapshot.Store(r.gan.Clone())
	cfg := r.gan.cfg
	imgs, err := r.gan.Generate(r.fixedZ, r.opt.SampleN)
	if err != nil {
		return // samples are a nicety; the training steps report real errors
	}
	p := &Preview{Step: r.step, Width: cfg.Width, Height: cfg.Height, Channels: cfg.Channels}
	size := cfg.ImageSize()
	for i := range r.opt.SampleN {
		p.Output = append(p.Output, imgs[i*size:(i+1)*size])
	}
	e := *ev
	e.Kind, e.Samples = EventPreview, p
	e.Health = &GANHealth{Collapse: CollapseMeter(p.Output, r.realRef), Warnings: Warnings(r.recent)}
	r.opt.OnEvent(e)
}

// checkpoint saves the last good weights with the history so far.
func (r *ganRun) checkpoint(ev GANEvent) {
	if r.opt.CheckpointPath == "" {
		return
	}
	r.lastCheckpoint = time.Now()
	snap := r.lastGood.Clone()
	snap.History = r.historyAfter(r.lastGoodStep, ev)
	ev.Kind, ev.Err = EventCheckpoint, snap.Save(r.opt.CheckpointPath)
	r.opt.OnEvent(ev)
}

// finish records the run in the model's history.
func (r *ganRun) finish(ev GANEvent) error {
	r.gan.History = r.historyAfter(r.step, ev)
	r.snapshot.Store(r.gan.Clone())
	return nil
}

// historyAfter is the model's history extended by this run's first steps
// steps and ev's figures.
func (r *ganRun) historyAfter(steps int, ev GANEvent) GANHistory {
	h := r.gan.History
	h.Steps += steps
	h.Samples += steps * r.opt.Batch * r.opt.K
	h.Seconds += r.activeTime().Seconds()
	if ev.Stats != (GANStats{}) {
		h.LossD, h.LossG, h.DReal, h.DFake = ev.Stats.LossD, ev.Stats.LossG, ev.Stats.DReal, ev.Stats.DFake
	}
	return h
}

func (r *ganRun) timing(ev *GANEvent) {
	ev.Elapsed = r.activeTime()
	if secs := ev.Elapsed.Seconds(); secs > 0 {
		ev.SamplesPerSecond = float64(r.images) / secs
	}
	if r.step > 0 {
		ev.Remaining = ev.Elapsed / time.Duration(r.step) * time.Duration(r.steps-r.step)
	}
}
