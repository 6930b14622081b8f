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

// TrainOptions are the knobs of one training run.
type TrainOptions struct {
	Epochs int
	Batch  int
	LR     float64
	Seed   int64 // shuffling and noise

	// Warmup raises the rate linearly from LR/Warmup to LR over the first
	// Warmup steps. Adam starts with no gradient statistics, so its first
	// steps move every weight by about LR whatever its gradient's noise: a
	// jolt that a trained model (train --init) loses ground to.
	Warmup int
	// Cosine lowers the rate along half a cosine to 0 at the run's last
	// step, so it ends at a point rather than wandering at LR.
	Cosine bool

	PreviewN     int           // images in the preview batch (default 8)
	PreviewEvery time.Duration // how often to publish a preview (default 1 s)
	MaxDuration  time.Duration // stop after this long (0: no limit)
	MaxSteps     int           // stop after this many steps (0: no limit)

	// CheckpointPath, when set, receives the model (saved atomically) at
	// every epoch end and at least every CheckpointEvery (default 5 min),
	// so a crash or a power cut loses little.
	CheckpointPath  string
	CheckpointEvery time.Duration

	// OnEvent receives the run's events on the trainer's goroutine. It
	// must return quickly: buffer and hand off, don't draw.
	OnEvent func(Event)
}

// ErrDiverged is wrapped by the error of a run whose loss became NaN or Inf.
var ErrDiverged = errors.New("training diverged")

// Trainer trains one Autoencoder on one dataset. Run it in its own
// goroutine; Pause, Resume, Paused and Snapshot may be called from any other.
type Trainer struct {
	ae         *Autoencoder
	train, val *imageops.Dataset
	opt        TrainOptions

	pauseGate // Pause, Resume, Paused

	snapshot atomic.Pointer[Autoencoder]
}

// NewTrainer checks that the data fit the model and the options make sense.
func NewTrainer(ae *Autoencoder, train, val *imageops.Dataset, opt TrainOptions) (*Trainer, error) {
	cfg := ae.cfg
	for _, d := range []*imageops.Dataset{train, val} {
		if d == nil {
			continue
		}
		if d.Width != cfg.Width || d.Height != cfg.Height || d.Channels != cfg.Channels {
			return nil, fmt.Errorf("the data are %dx%dx%d (WxHxC) but the model takes %dx%dx%d",
				d.Width, d.Height, d.Channels, cfg.Width, cfg.Height, cfg.Channels)
		}
	}
	if train == nil || train.Len() == 0 {
		return nil, errors.New("no training images")
	}
	if opt.Epochs < 1 {
		return nil, fmt.Errorf("epochs must be at least 1, not %d", opt.Epochs)
	}
	if opt.Batch < 1 {
		return nil, fmt.Errorf("batch must be at least 1, not %d", opt.Batch)
	}
	if !(opt.LR > 0 && opt.LR < 10) {
		return nil, fmt.Errorf("learning rate must be in (0,10), not %g", opt.LR)
	}
	if opt.Warmup < 0 {
		return nil, fmt.Errorf("warmup must be at least 0 steps, not %d", opt.Warmup)
	}
	if opt.PreviewN <= 0 {
		opt.PreviewN = 8
	}
	if opt.PreviewEvery <= 0 {
		opt.PreviewEvery = time.Second
	}
	if opt.OnEvent == nil {
		opt.OnEvent = func(Event) {}
	}
	if opt.CheckpointEvery <= 0 {
		opt.CheckpointEvery = 5 * time.Minute
	}
	t := &Trainer{ae: ae, train: train, val: val, opt: opt}
	t.snapshot.Store(ae.Clone())
	return t, nil
}

// Snapshot returns a copy of the model as of the last preview or epoch end.
// The copy is never written again, so it can be used while training goes on.
func (t *Trainer) Snapshot() *Autoencoder { return t.snapshot.Load() }

// run holds the mutable state of one Run call.
type run struct {
	*Trainer
	net     *net
	solver  *adam
	weights [][]float32
	grads   [][]float32
	rng     *rand.Rand

	input, target, weight *tensor.Dense
	inBuf, tgBuf, wBuf    []float32

	preview      *previewBatch
	previewModel *Autoencoder // computes previews; keeps its graphs between them
	lastPreview  time.Time
	lastGood     *Autoencoder
	lastGoodStep int

	runClock
	step, steps int
}

// previewBatch is the fixed set of validation images shown while training.
type previewBatch struct {
	n             int
	clean, input  []float32
	width, height int
	channels      int
}

// Run trains until the epochs are done, ctx is cancelled, the time limit is
// reached or the loss diverges. It always ends with an EventDone. The model
// then holds the trained weights (the last good ones after a divergence).
// A cancelled or timed-out run is not an error.
func (t *Trainer) Run(ctx context.Context) (err error) {
	r := &run{Trainer: t, rng: rand.New(rand.NewSource(t.opt.Seed)), runClock: newRunClock(t.opt.MaxDuration)}
	ev := Event{Epochs: t.opt.Epochs, ValLoss: math.NaN(), TrainLoss: math.NaN()}
	defer func() {
		ev.Kind, ev.Err = EventDone, err
		ev.Elapsed, ev.Remaining = r.activeTime(), 0
		t.opt.OnEvent(ev)
	}()
	if err := r.setup(); err != nil {
		return err
	}
	ev.Steps = r.steps
	batch := r.net.batch
	perEpoch := t.train.Len() / batch
	r.publish(&ev)
	for epoch := 1; epoch <= t.opt.Epochs; epoch++ {
		ev.Epoch = epoch
		perm := r.rng.Perm(t.train.Len())
		var epochLoss float64
		for s := 0; s < perEpoch; s++ {
			if stop := r.waitIfPaused(ctx, ev); stop || r.timeUp() || r.step == r.steps {
				ev.Stopped = true
				return r.finish(&ev)
			}
			for i := 0; i < batch; i++ {
				r.prepareSample(i, t.train.Image(perm[s*batch+i]))
			}
			if err := r.net.run(r.input, r.target, r.weight); err != nil {
				return fmt.Errorf("training step %d: %w", r.step+1, err)
			}
			loss := scalar(r.net.loss)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.ae.copyWeightsFrom(r.lastGood)
				r.step = r.lastGoodStep
				r.finish(&ev) // the history says what the kept weights saw
				return fmt.Errorf("%w: the loss became %v at step %d (epoch %d); kept the weights from step %d (try a lower learning rate)",
					ErrDiverged, loss, r.step+1, epoch, r.lastGoodStep)
			}
			if err := r.update(); err != nil {
				return err
			}
			r.step++
			epochLoss += loss
			ev.Kind, ev.Step, ev.TrainLoss = EventStep, r.step, loss
			r.timing(&ev)
			t.opt.OnEvent(ev)
			if time.Since(r.lastPreview) >= t.opt.PreviewEvery {
				r.publish(&ev)
				if time.Since(r.lastCheckpoint) >= t.opt.CheckpointEvery {
					r.checkpoint(ev)
				}
			}
		}
		ev.Kind, ev.TrainLoss = EventEpoch, epochLoss/float64(perEpoch)
		if ev.ValLoss, err = r.validate(ctx); err != nil {
			if ctx.Err() != nil { // stopped during validation
				ev.Stopped = true
				return r.finish(&ev)
			}
			return err
		}
		t.ae.History.Epochs++
		r.timing(&ev)
		t.opt.OnEvent(ev)
		r.publish(&ev)
		r.checkpoint(ev)
	}
	return r.finish(&ev)
}

func (r *run) setup() error {
	batch := min(r.opt.Batch, r.train.Len())
	nt, err := buildNet(r.ae.cfg, r.ae.params, batch, trainNet)
	if err != nil {
		return err
	}
	r.net = nt
	r.steps = r.opt.Epochs * (r.train.Len() / batch)
	if m := r.opt.MaxSteps; m > 0 && m < r.steps {
		r.steps = m
	}
	var sizes []int
	for _, node := range nt.learnables {
		sizes = append(sizes, node.Shape().TotalSize())
	}
	r.solver = newAdam(r.opt.LR, sizes)
	r.weights = make([][]float32, len(sizes))
	r.grads = make([][]float32, len(sizes))
	cfg := r.ae.cfg
	r.inBuf = make([]float32, batch*cfg.InputSize())
	r.tgBuf = make([]float32, batch*cfg.OutputSize())
	r.input = tensor.New(tensor.WithShape(nt.input.Shape()...), tensor.WithBacking(r.inBuf))
	r.target = tensor.New(tensor.WithShape(batch, cfg.OutputSize()), tensor.WithBacking(r.tgBuf))
	if nt.weight != nil {
		r.wBuf = make([]float32, batch*cfg.OutputSize())
		r.weight = tensor.New(tensor.WithShape(batch, cfg.OutputSize()), tensor.WithBacking(r.wBuf))
	}

	src := r.val
	if src == nil || src.Len() == 0 {
		src = r.train
	}
	pn := min(r.opt.PreviewN, src.Len())
	pb := &previewBatch{n: pn, width: src.Width, height: src.Height, channels: src.Channels,
		clean: append([]float32(nil), src.Data[:pn*cfg.ImageSize()]...)}
	pb.input = make([]float32, pn*cfg.InputSize())
	// Fixed noise for the preview so that frames differ only by the model.
	rng := rand.New(rand.NewSource(r.opt.Seed + 1))
	target, weight := make([]float32, cfg.OutputSize()), make([]float32, cfg.OutputSize())
	for i := 0; i < pn; i++ {
		cfg.prepare(pb.input[i*cfg.InputSize():(i+1)*cfg.InputSize()], target, weight, pb.clean[i*cfg.ImageSize():(i+1)*cfg.ImageSize()], rng)
	}
	r.preview = pb
	r.lastGood = r.ae.Clone()
	return nil
}

// update applies Adam to the weights from the gradients of the last run.
// The gradient tensors exist only once the machine has run, so they are
// looked up each step (a few map reads).
func (r *run) update() error {
	for i, node := range r.net.learnables {
		grad, err := node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", node.Name(), err)
		}
		r.weights[i] = node.Value().Data().([]float32)
		r.grads[i] = grad.Data().([]float32)
	}
	r.solver.lr = r.opt.rateAt(r.step, r.steps)
	r.solver.step(r.weights, r.grads)
	return nil
}

// rateAt is the learning rate of step (0-based) of a run of steps.
func (o TrainOptions) rateAt(step, steps int) float64 {
	lr := o.LR
	if step < o.Warmup {
		lr *= float64(step+1) / float64(o.Warmup)
	}
	if o.Cosine && steps > 1 {
		lr *= 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(steps-1)))
	}
	return lr
}

// prepareSample writes the input and target of the batch's i-th image.
func (r *run) prepareSample(i int, clean []float32) {
	cfg := r.ae.cfg
	in, out := cfg.InputSize(), cfg.OutputSize()
	var weight []float32
	if r.wBuf != nil {
		weight = r.wBuf[i*out : (i+1)*out]
	}
	cfg.prepare(r.inBuf[i*in:(i+1)*in], r.tgBuf[i*out:(i+1)*out], weight, clean, r.rng)
}

// waitIfPaused blocks while paused; it reports true when ctx ended.
func (r *run) waitIfPaused(ctx context.Context, ev Event) bool {
	waited, stop := r.wait(ctx, func(k EventKind) {
		ev.Kind = k
		r.opt.OnEvent(ev)
	})
	r.pausedFor += waited
	return stop
}

func (r *run) timing(ev *Event) {
	ev.Elapsed = r.activeTime()
	if secs := ev.Elapsed.Seconds(); secs > 0 {
		ev.SamplesPerSecond = float64(r.step*r.net.batch) / secs
	}
	if r.step > 0 {
		perStep := ev.Elapsed / time.Duration(r.step)
		ev.Remaining = perStep * time.Duration(r.steps-r.step)
	}
}

// publish snapshots the weights (they are good: the last loss was finite),
// then sends a preview of the fixed batch computed with that snapshot.
func (r *run) publish(ev *Event) {
	snap := r.ae.Clone()
	r.lastGood, r.lastGoodStep = snap, r.step
	r.snapshot.Store(snap)
	r.lastPreview = time.Now()
	pb := r.preview
	// A snapshot is a fresh model whose graphs would be built (and their
	// buffers allocated) anew; the preview model keeps its own.
	if r.previewModel == nil {
		r.previewModel = snap.Clone()
	}
	r.previewModel.copyWeightsFrom(snap)
	recon, err := r.previewModel.Reconstruct(pb.input, pb.n)
	if err != nil {
		return // a preview is a nicety; the training step reports real errors
	}
	cfg := snap.cfg
	size, in, out := cfg.ImageSize(), cfg.InputSize(), cfg.OutputSize()
	p := &Preview{Step: r.step, Width: pb.width, Height: pb.height, Channels: pb.channels}
	for i := 0; i < pb.n; i++ {
		x := pb.input[i*in : (i+1)*in]
		p.Original = append(p.Original, pb.clean[i*size:(i+1)*size])
		p.Input = append(p.Input, cfg.displayInput(x))
		p.Output = append(p.Output, cfg.displayOutput(x, recon[i*out:(i+1)*out]))
	}
	e := *ev
	e.Kind, e.Preview = EventPreview, p
	r.opt.OnEvent(e)
}

// checkpoint saves the last published snapshot (good weights: its loss was
// finite) with the history so far, and reports it as an EventCheckpoint.
func (r *run) checkpoint(ev Event) {
	if r.opt.CheckpointPath == "" {
		return
	}
	r.lastCheckpoint = time.Now()
	snap := r.lastGood.Clone()
	snap.History = r.historyAfter(r.lastGoodStep, ev)
	ev.Kind, ev.Err = EventCheckpoint, snap.Save(r.opt.CheckpointPath)
	r.opt.OnEvent(ev)
}

// validate is the mean loss over the validation set, NaN without one.
func (r *run) validate(ctx context.Context) (float64, error) {
	if r.val == nil || r.val.Len() == 0 {
		return math.NaN(), nil
	}
	return EvaluateLoss(ctx, r.ae, r.val, r.opt.Seed+2)
}

// finish records the run in the model's history.
func (r *run) finish(ev *Event) error {
	if ev.Stopped && r.val != nil && r.val.Len() > 0 {
		ev.ValLoss, _ = r.validate(context.Background())
	}
	r.ae.History = r.historyAfter(r.step, *ev)
	r.snapshot.Store(r.ae.Clone())
	return nil
}

// historyAfter is the model's history extended by this run's first steps
// steps and the losses of ev (those it measured).
func (r *run) historyAfter(steps int, ev Event) History {
	h := r.ae.History
	h.Steps += steps
	h.Samples += steps * r.net.batch
	h.Seconds += r.activeTime().Seconds()
	if !math.IsNaN(ev.TrainLoss) {
		h.TrainLoss = ev.TrainLoss
	}
	if !math.IsNaN(ev.ValLoss) {
		h.ValLoss = ev.ValLoss
	}
	return h
}

// EvaluateLoss is the model's mean loss on a dataset; for denoising models
// the inputs get the configured noise, drawn from seed.
func EvaluateLoss(ctx context.Context, ae *Autoencoder, d *imageops.Dataset, seed int64) (float64, error) {
	const chunk = 1024
	cfg := ae.cfg
	in, out := cfg.InputSize(), cfg.OutputSize()
	rng := rand.New(rand.NewSource(seed))
	var sum float64
	input := make([]float32, chunk*in)
	target, weight := make([]float32, chunk*out), make([]float32, chunk*out)
	for start := 0; start < d.Len(); start += chunk {
		if err := ctx.Err(); err != nil {
			return math.NaN(), err
		}
		m := min(chunk, d.Len()-start)
		for i := 0; i < m; i++ {
			cfg.prepare(input[i*in:(i+1)*in], target[i*out:(i+1)*out], weight[i*out:(i+1)*out], d.Image(start+i), rng)
		}
		recon, err := ae.Reconstruct(input[:m*in], m)
		if err != nil {
			return math.NaN(), err
		}
		w := weight[:m*out]
		if cfg.Task != TaskInpaint {
			w = nil
		}
		sum += meanLoss(cfg.Loss, recon, target[:m*out], w) * float64(m)
	}
	return sum / float64(d.Len()), nil
}

// scalar reads a scalar node's value as float64.
func scalar(n *G.Node) float64 {
	switch v := n.Value().Data().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}
