package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestDesignFollowsTheForm: typing a code size or layers redraws the
// hourglass and the memory estimate; an invalid value clears them.
func TestDesignFollowsTheForm(t *testing.T) {
	s, _, p := newTestStudio(t)
	loadDigits(t, s, p, 20)
	shapes := func() string {
		var out []string
		for _, l := range s.diagram.Layers() {
			out = append(out, l.Shape)
		}
		return strings.Join(out, " ")
	}
	s.form.Layers.SetText("128,32")
	s.form.Code.SetText("3")
	if got := shapes(); got != "1×28×28 128 32 3 32 128 1×28×28" {
		t.Errorf("diagram %q", got)
	}
	if !strings.Contains(s.memory.Text, "MiB") {
		t.Errorf("memory estimate %q", s.memory.Text)
	}
	s.form.Code.SetText("abc")
	if len(s.diagram.Layers()) != 0 || s.memory.Text != "" {
		t.Errorf("an invalid code size still shows %q, %q", shapes(), s.memory.Text)
	}
}

// TestValidationShareIsUsed: the held-out percentage sets the split of the
// run (seen in the validation points' count of images) and is checked.
func TestValidationShareIsUsed(t *testing.T) {
	s, _, _ := newTestStudio(t)
	s.form.Val.SetText("60")
	if !strings.Contains(s.Problem(), "Validation %") && s.Dataset() != nil {
		t.Errorf("60%% accepted: problem %q", s.Problem())
	}
	s2, _, p := newTestStudio(t)
	loadDigits(t, s2, p, 20)
	s2.form.Val.SetText("25")
	pl, err := s2.form.plan(s2.ds, s2.dsLo, s2.dsHi)
	if err != nil || pl.valFraction != 0.25 {
		t.Fatalf("plan %v, %v", pl.valFraction, err)
	}
	s2.form.Val.SetText("60")
	if !strings.Contains(s2.Problem(), "Validation %") {
		t.Errorf("60%% held out accepted: problem %q", s2.Problem())
	}
}

// TestTrainMore: after a run, Train more continues the same model: the
// chart goes on from the last step and the model's history adds up.
func TestTrainMore(t *testing.T) {
	s, _, p := newTestStudio(t)
	loadDigits(t, s, p, 50)
	s.form.Layers.SetText("32")
	s.form.Code.SetText("4")
	s.form.Epochs.SetText("2")
	s.form.Batch.SetText("30")
	if !s.MoreButton().Disabled() {
		t.Fatal("Train more is enabled before any training")
	}
	test.Tap(s.TrainButton())
	p.until(t, "the first run", 60*time.Second, func() bool { return !s.Busy() })
	first := s.Chart().Len(SeriesTrain)
	lastPoint, _ := s.Chart().Last(SeriesTrain)
	lastStep := lastPoint.X
	if s.MoreButton().Disabled() {
		t.Fatalf("Train more is disabled after a run; status %q", s.Status())
	}
	test.Tap(s.MoreButton())
	p.until(t, "the second run", 60*time.Second, func() bool { return !s.Busy() })
	if got := s.Chart().Len(SeriesTrain); got != 2*first {
		t.Errorf("chart has %d points after two runs of %d", got, first)
	}
	if end, _ := s.Chart().Last(SeriesTrain); end.X != 2*lastStep {
		t.Errorf("the curve ends at step %v, want %v", end.X, 2*lastStep)
	}
	if h := s.trainer.Snapshot().History; h.Epochs != 4 || float64(h.Steps) != 2*lastStep {
		t.Errorf("history after two runs %+v", h)
	}
	s.form.Code.SetText("5") // another model now
	if !s.MoreButton().Disabled() {
		t.Error("Train more stays enabled for a different model")
	}
}

// TestRunsCompareOnOneChart: a second run keeps the first run's curve on
// the chart, named, while the new run draws its own.
func TestRunsCompareOnOneChart(t *testing.T) {
	s, w, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	s.form.Layers.SetText("128")
	s.form.Epochs.SetText("3")
	s.form.LR.SetText("0.002")
	s.form.Code.SetText("2")
	test.Tap(s.TrainButton())
	p.until(t, "run 1", 60*time.Second, func() bool { return !s.Busy() })
	s.form.Code.SetText("16")
	test.Tap(s.TrainButton())
	p.until(t, "run 2", 60*time.Second, func() bool { return !s.Busy() })
	if got := s.Chart().PastRuns(); len(got) != 1 || got[0] != "run 1: dense 128→2" {
		t.Fatalf("earlier runs %v", got)
	}
	if !containsText(visibleTexts(w.Content()), "━ run 1: dense 128→2") {
		t.Error("the legend does not name run 1")
	}
	if s.Chart().Len(SeriesTrain) == 0 {
		t.Error("the current run has no curve")
	}
	capture(t, w, "studio-runs.png")
}
