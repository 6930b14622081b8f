package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"latentstudio/models"
)

// ganBlock is how many generator steps each chart point averages: the
// chart's second series draws a marker per point, and a mean over a few
// steps reads better than the minibatch noise of each.
const ganBlock = 10

// ganRun is one GAN training run. The trainer goroutine adds events to
// pending under mu; a ticker goroutine hands them to the UI goroutine
// about ten times a second, in one post per tick.
type ganRun struct {
	trainer *models.GANTrainer
	cancel  context.CancelFunc
	ended   chan error // receives Run's error when the trainer goroutine returns
	offset  int        // steps the GAN had before this run

	mu      sync.Mutex
	pending ganBatch
	sum     models.GANStats // of the steps of the block in progress
	summed  int
}

// ganBatch is what the UI has not seen yet.
type ganBatch struct {
	lossD, lossG, dReal, dFake []Point // block means
	previews                   []ganPreview
	restores                   []string // NaN recoveries
	checkpointErr              error
	last                       *models.GANEvent // latest progress
	paused                     *models.GANEvent // EventPaused, when that is the latest pause event
	done                       *models.GANEvent
	err                        error // why the run ended early (final batch only)
}

// ganPreview is a sample grid with the health of the run when it was made.
type ganPreview struct {
	samples *models.Preview
	health  *models.GANHealth
}

func (b *ganBatch) empty() bool {
	return len(b.lossD) == 0 && len(b.previews) == 0 && len(b.restores) == 0 && b.checkpointErr == nil &&
		b.last == nil && b.paused == nil && b.done == nil
}

func (r *ganRun) onEvent(e models.GANEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &r.pending
	at := e.Step + r.offset // on the GAN's whole history, as the charts and grids count
	switch e.Kind {
	case models.EventStep:
		st := e.Stats
		r.sum = models.GANStats{LossD: r.sum.LossD + st.LossD, LossG: r.sum.LossG + st.LossG, DReal: r.sum.DReal + st.DReal, DFake: r.sum.DFake + st.DFake}
		if r.summed++; r.summed == ganBlock {
			x, n := float64(at), float64(ganBlock)
			p.lossD = append(p.lossD, Point{x, r.sum.LossD / n})
			p.lossG = append(p.lossG, Point{x, r.sum.LossG / n})
			p.dReal = append(p.dReal, Point{x, r.sum.DReal / n})
			p.dFake = append(p.dFake, Point{x, r.sum.DFake / n})
			r.sum, r.summed = models.GANStats{}, 0
		}
		p.last = &e
	case models.EventEpoch:
		p.last = &e
	case models.EventPreview:
		if e.Samples != nil {
			e.Samples.Step = at
			if len(p.previews) == maxGANGrids {
				p.previews = p.previews[1:]
			}
			p.previews = append(p.previews, ganPreview{e.Samples, e.Health})
		}
	case models.EventRestored:
		p.restores = append(p.restores, fmt.Sprintf("NaN protection at step %s: %v", formatInt(at), e.Err))
	case models.EventCheckpoint:
		p.checkpointErr = e.Err
	case models.EventPaused:
		p.paused = &e
	case models.EventResumed:
		p.paused = nil
	case models.EventDone:
		p.done = &e
	}
}

func (r *ganRun) take() ganBatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.pending
	r.pending = ganBatch{}
	return b
}

// work trains; it runs in its own goroutine. A panic of the model code
// ends the run with an error rather than the application.
func (r *ganRun) work(ctx context.Context) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
		r.ended <- err
	}()
	err = r.trainer.Run(ctx)
}

// pump posts what is pending once a tick while something is, and a last
// time (final) when the run has ended.
func (r *ganRun) pump(post func(func()), apply func(b ganBatch, final bool)) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		var err error
		final := false
		select {
		case <-t.C:
		case err = <-r.ended:
			final = true
		}
		b := r.take()
		b.err = err
		if final || !b.empty() {
			post(func() { apply(b, final) })
		}
		if final {
			return
		}
	}
}
