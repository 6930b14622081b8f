package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// trainRun is one training run. The trainer goroutine adds events to
// pending under mu; a ticker goroutine hands them to the UI goroutine
// about ten times a second.
type trainRun struct {
	cancel     context.CancelFunc
	ended      chan struct{}       // closed when the trainer goroutine returns
	from       *models.Autoencoder // the model to train further, or nil for a new one
	offset     int                 // steps the model had before this run
	checkpoint string              // where the run saves checkpoints, "" for nowhere

	mu      sync.Mutex
	trainer *models.Trainer
	pending batch
	err     error // why the run ended early, from Run or from building
}

// maxPendingPreviews bounds the previews kept between two ticks; all of
// them go to the preview history.
const maxPendingPreviews = maxPreviewHistory

// batch is what the UI has not seen yet.
type batch struct {
	ready    bool // the trainer exists (Pause and Save work)
	train    []Point
	val      []Point
	previews []*models.Preview
	last     *models.Event  // latest progress
	pauses   []models.Event // EventPaused and EventResumed in order
	done     *models.Event
}

func (r *trainRun) onEvent(e models.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &r.pending
	switch e.Kind {
	case models.EventStep:
		p.train = append(p.train, Point{float64(e.Step + r.offset), e.TrainLoss})
		p.last = &e
	case models.EventEpoch:
		if finite(e.ValLoss) {
			p.val = append(p.val, Point{float64(e.Step + r.offset), e.ValLoss})
		}
		p.last = &e
	case models.EventPreview:
		if e.Preview != nil {
			e.Preview.Step += r.offset // the preview is this event's own
			if len(p.previews) == maxPendingPreviews {
				p.previews = append(p.previews[:0], p.previews[1:]...)
			}
			p.previews = append(p.previews, e.Preview)
		}
	case models.EventPaused, models.EventResumed:
		p.pauses = append(p.pauses, e)
	case models.EventDone:
		p.done = &e
	}
}

func (r *trainRun) take() (b batch, empty bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, r.pending = r.pending, batch{}
	empty = !b.ready && len(b.train) == 0 && len(b.val) == 0 && len(b.previews) == 0 &&
		b.last == nil && len(b.pauses) == 0 && b.done == nil
	return b, empty
}

func (r *trainRun) getTrainer() *models.Trainer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.trainer
}

// work builds the model and trains it; it runs in its own goroutine.
func (r *trainRun) work(ctx context.Context, cfg models.Config, ds *imageops.Dataset, valFraction float64, opts models.TrainOptions) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		close(r.ended)
	}()
	train, val := ds.Split(valFraction, cfg.Seed)
	ae := r.from
	if ae == nil {
		if ae, err = models.NewAutoencoder(cfg); err != nil {
			err = fmt.Errorf("could not build the model: %w", err)
			return
		}
	}
	opts.OnEvent = r.onEvent
	tr, err := models.NewTrainer(ae, train, val, opts)
	if err != nil {
		err = fmt.Errorf("could not start training: %w", err)
		return
	}
	r.mu.Lock()
	r.trainer = tr
	r.pending.ready = true
	r.mu.Unlock()
	err = tr.Run(ctx)
}

// pump posts the pending events to the UI every tick, and a last time when
// the run has ended.
func (r *trainRun) pump(post func(func()), apply func(*trainRun, batch, bool)) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if b, empty := r.take(); !empty {
				post(func() { apply(r, b, false) })
			}
		case <-r.ended:
			b, _ := r.take()
			post(func() { apply(r, b, true) })
			return
		}
	}
}

// startTraining trains a new model from the form, or (more) the last
// trained model further with the form's epochs, batch and rate, continuing
// its curves and previews.
func (s *Studio) startTraining(more bool) {
	if s.run != nil || s.loading != nil {
		return
	}
	p, err := s.form.plan(s.ds, s.dsLo, s.dsHi)
	if err != nil {
		s.showProblem(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &trainRun{cancel: cancel, ended: make(chan struct{})}
	if more {
		if reason := s.whyNotMore(p); reason != "" {
			cancel()
			s.setStatus(reason, widget.WarningImportance)
			return
		}
		run.from = s.trainer.Snapshot().Clone()
		run.offset = run.from.History.Steps
		p.cfg = run.from.Config()
	}
	if dir, err := checkpointDir(); err == nil {
		// Saved at every epoch end and every few minutes: a crash loses little.
		p.opts.CheckpointPath = filepath.Join(dir, fmt.Sprintf("run-%s.lsm", time.Now().Format("20060102-150405")))
		run.checkpoint = p.opts.CheckpointPath
	}
	s.run = run
	s.paused = false
	s.lastVal = math.NaN()
	if !more {
		// The last run's curve stays on the chart, named, for comparison.
		s.chart.NewRun(s.runName)
		s.runs++
		s.runName = fmt.Sprintf("run %d: %s %s→%s", s.runs, p.cfg.Arch, strings.Trim(fmt.Sprint(p.cfg.Layers), "[]"), codeName(p.cfg))
		s.preview.SetPreview(nil)
	}
	s.moreBtn.Disable()
	s.form.SetEnabled(false)
	s.trainBtn.Disable()
	s.pauseBtn.SetText("Pause")
	s.pauseBtn.SetIcon(theme.MediaPauseIcon())
	s.pauseBtn.Disable()
	s.stopBtn.Enable()
	s.saveBtn.Disable()
	s.progress.SetValue(0)
	s.progress.Show()
	s.setStatus(fmt.Sprintf("Building a %s %s autoencoder (%s parameters)…", p.cfg.Arch, p.cfg.Task, formatInt(p.cfg.ParamCount())), widget.MediumImportance)

	go run.work(ctx, p.cfg, s.ds, p.valFraction, p.opts)
	go run.pump(s.post, s.applyTraining)
}

// applyTraining shows a batch of training events; it runs on the UI goroutine.
func (s *Studio) applyTraining(run *trainRun, b batch, final bool) {
	if s.run != run {
		return
	}
	if b.ready {
		s.trainer = run.getTrainer()
		s.pauseBtn.Enable()
		s.saveBtn.Enable()
	}
	s.chart.AddPoints(SeriesTrain, b.train)
	s.chart.AddPoints(SeriesVal, b.val)
	for _, v := range b.val {
		s.lastVal = v.Y
	}
	for _, pv := range b.previews {
		s.preview.AddPreview(pv)
		if s.onPreview != nil {
			s.onPreview(pv)
		}
	}
	if b.last != nil && !s.paused {
		s.showProgress(*b.last)
	}
	if n := len(b.pauses); n > 0 && b.pauses[n-1].Kind == models.EventPaused && s.paused {
		e := b.pauses[n-1]
		s.setStatus(fmt.Sprintf("Paused in epoch %d/%d at step %s/%s. Press Resume to continue.",
			max(e.Epoch, 1), e.Epochs, formatInt(e.Step), formatInt(e.Steps)), widget.WarningImportance)
	}
	if final {
		s.finishTraining(run, b.done)
	}
}

func (s *Studio) showProgress(e models.Event) {
	parts := []string{
		fmt.Sprintf("Epoch %d/%d", e.Epoch, e.Epochs),
		fmt.Sprintf("step %s/%s", formatInt(e.Step), formatInt(e.Steps)),
	}
	if e.SamplesPerSecond > 0 {
		parts = append(parts, formatInt(int(math.Round(e.SamplesPerSecond)))+" samples/s")
	}
	if e.Remaining > 0 {
		parts = append(parts, formatDuration(e.Remaining)+" left")
	}
	parts = append(parts, "train loss "+formatLoss(e.TrainLoss))
	if finite(e.ValLoss) {
		s.lastVal = e.ValLoss
	}
	parts = append(parts, "val loss "+formatLoss(s.lastVal))
	s.setStatus(strings.Join(parts, " · "), widget.MediumImportance)
	if e.Steps > 0 {
		s.progress.SetValue(float64(e.Step) / float64(e.Steps))
	}
}

func (s *Studio) finishTraining(run *trainRun, done *models.Event) {
	defer s.modelChanged()
	if _, err := os.Stat(run.checkpoint); run.checkpoint != "" && err == nil {
		rememberModel(run.checkpoint) // the run's last checkpoint, for Open model
	}
	s.run = nil
	s.paused = false
	run.mu.Lock()
	err := run.err
	run.mu.Unlock()
	if done != nil && done.Err != nil {
		err = done.Err
	}
	stopped := errors.Is(err, context.Canceled) || (done != nil && done.Stopped)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	if t := run.getTrainer(); t != nil {
		s.trainer = t
	}

	s.form.SetEnabled(true)
	s.pauseBtn.SetText("Pause")
	s.pauseBtn.SetIcon(theme.MediaPauseIcon())
	s.pauseBtn.Disable()
	s.stopBtn.Disable()
	if s.trainer != nil {
		s.saveBtn.Enable()
	}
	s.validate()

	switch {
	case err != nil:
		msg := err.Error()
		if errors.Is(err, models.ErrDiverged) {
			msg = strings.TrimPrefix(msg, models.ErrDiverged.Error()+": ")
		}
		s.setStatus("Training stopped: "+msg, widget.DangerImportance)
	case done == nil:
		s.setStatus("Training ended.", widget.MediumImportance)
	default:
		if finite(done.ValLoss) {
			s.lastVal = done.ValLoss
		}
		what := fmt.Sprintf("Finished %s", plural(done.Epochs, "epoch", "epochs"))
		if stopped {
			what = fmt.Sprintf("Stopped in epoch %d/%d", done.Epoch, done.Epochs)
		}
		parts := []string{
			what,
			fmt.Sprintf("%s steps in %s", formatInt(done.Step), formatDuration(done.Elapsed)),
		}
		if done.SamplesPerSecond > 0 {
			parts = append(parts, formatInt(int(math.Round(done.SamplesPerSecond)))+" samples/s")
		}
		parts = append(parts, "train loss "+formatLoss(done.TrainLoss), "val loss "+formatLoss(s.lastVal))
		imp := widget.SuccessImportance
		if stopped {
			imp = widget.MediumImportance
		}
		s.setStatus(strings.Join(parts, " · "), imp)
		if done.Steps > 0 {
			s.progress.SetValue(float64(done.Step) / float64(done.Steps))
		}
	}
}

func (s *Studio) togglePause() {
	if s.run == nil {
		return
	}
	tr := s.run.getTrainer()
	if tr == nil {
		return
	}
	if s.paused {
		tr.Resume()
		s.paused = false
		s.pauseBtn.SetText("Pause")
		s.pauseBtn.SetIcon(theme.MediaPauseIcon())
		s.setStatus("Resuming…", widget.MediumImportance)
		return
	}
	tr.Pause()
	s.paused = true
	s.pauseBtn.SetText("Resume")
	s.pauseBtn.SetIcon(theme.MediaPlayIcon())
	s.setStatus("Pausing…", widget.WarningImportance)
}

func (s *Studio) stopTraining() {
	if s.run == nil {
		return
	}
	s.run.cancel()
	s.pauseBtn.Disable()
	s.stopBtn.Disable()
	s.setStatus("Stopping…", widget.WarningImportance)
}

// showProblem explains why the form cannot train.
func (s *Studio) showProblem(err error) {
	s.problem.SetText(err.Error())
	s.problem.Show()
	s.trainBtn.Disable()
	s.relayout()
}

// validate checks the form against the loaded data after every change, so
// the reason it cannot train is on screen before anyone presses Train.
func (s *Studio) validate() {
	if s.form == nil || s.modelInfo == nil || s.data == nil {
		return
	}
	s.data.markStale()
	if s.ds == nil {
		s.problem.Hide()
		s.modelInfo.SetText("Load images first; the model's input size comes from them.")
		s.trainBtn.Disable()
		s.relayout()
		return
	}
	p, err := s.form.plan(s.ds, s.dsLo, s.dsHi)
	if err != nil {
		s.modelInfo.SetText("")
		s.showProblem(err)
		return
	}
	s.problem.Hide()
	s.modelInfo.SetText(fmt.Sprintf("%s parameters, input %d×%d×%d. Loss %s.",
		formatInt(p.cfg.ParamCount()), p.cfg.Width, p.cfg.Height, p.cfg.Channels, p.lossWhy))
	if s.run == nil && s.loading == nil {
		s.trainBtn.Enable()
	} else {
		s.trainBtn.Disable()
	}
	if s.run == nil && s.loading == nil && s.whyNotMore(p) == "" {
		s.moreBtn.Enable()
	} else {
		s.moreBtn.Disable()
	}
	s.relayout()
}

// codeName is the code size as the run names show it.
func codeName(c models.Config) string {
	if c.Code == 0 {
		return "map"
	}
	return fmt.Sprint(c.Code)
}

// whyNotMore says why the last model cannot be trained further with the
// form's plan, or "" when it can: there must be one, and the form must
// still describe it (only epochs, batch, rate and seed may differ).
func (s *Studio) whyNotMore(p plan) string {
	if s.trainer == nil {
		return "There is no trained model to train further yet: press Train."
	}
	have, want := s.trainer.Snapshot().Config(), p.cfg
	want.Seed, want.NoiseSigma = have.Seed, have.NoiseSigma
	if want.Task != have.Task || want.Arch != have.Arch || !slices.Equal(want.Layers, have.Layers) || want.Code != have.Code ||
		want.Loss != have.Loss || want.Width != have.Width || want.Height != have.Height || want.Channels != have.Channels {
		return "The form now describes another model than the one trained: press Train to start it."
	}
	return ""
}

func (s *Studio) saveModel() {
	if s.trainer == nil {
		return
	}
	s.askSavePath("model.lsm", ".lsm", "", s.saveTo)
}

// saveTo writes a snapshot of the current model to path in the background.
func (s *Studio) saveTo(path string) {
	if tr := s.trainer; tr != nil {
		s.exportNativeTo(tr.Snapshot(), path)
	}
}
