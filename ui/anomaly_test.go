package ui

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestStudioAnomaly: load the sample digits, train a small dense
// autoencoder on them, score every image on the Anomaly tab with "1" as
// the normal class, read the AUROC, drag the threshold and export the
// flagged images.
func TestStudioAnomaly(t *testing.T) {
	s, w, p := newTestStudio(t)
	a := s.anomaly

	// Before any model, the tab says what is missing and cannot score.
	s.tabs.Select(s.anomalyTab)
	if !a.scoreBtn.Disabled() || !strings.Contains(a.note.Text, "Train a model") {
		t.Errorf("without a model: Score enabled = %v, note %q", !a.scoreBtn.Disabled(), a.note.Text)
	}

	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	n := s.Dataset().Len()
	setForm(s, "2")
	if s.Problem() != "" {
		t.Fatalf("small model rejected: %s", s.Problem())
	}
	s.tabs.Select(s.tabs.Items[0])
	test.Tap(s.TrainButton())
	if !s.Busy() {
		t.Fatal("Train did not start a run")
	}
	p.until(t, "training to finish", 3*time.Minute, func() bool { return !s.Busy() })
	if strings.HasPrefix(s.Status(), "Training stopped") {
		t.Fatalf("training failed: %s", s.Status())
	}

	s.tabs.Select(s.anomalyTab)
	if a.scoreBtn.Disabled() || !strings.Contains(a.note.Text, "Press Score") {
		t.Fatalf("with a trained model: Score disabled = %v, note %q", a.scoreBtn.Disabled(), a.note.Text)
	}
	if !contains(a.normal.Options, "1") || a.normal.Options[0] != noClass {
		t.Fatalf("normal class options %v", a.normal.Options)
	}
	a.normal.SetSelected("1")
	test.Tap(a.scoreBtn)
	if a.running == nil || !a.scoreBtn.Disabled() || a.cancelBtn.Disabled() || !strings.HasPrefix(a.Message(), "Scoring 4,000 images") {
		t.Fatalf("Score did not start scoring with Cancel: message %q", a.Message())
	}
	p.until(t, "the scores", 3*time.Minute, func() bool { return a.running == nil })
	if a.res == nil {
		t.Fatalf("no scores; message %q", a.Message())
	}
	t.Log(a.Message())

	// The histogram holds every image; the normal images are the 1s.
	if a.hist.Len() != n || a.hist.Total() != n {
		t.Errorf("the histogram has %d values (%d counted), want %d", a.hist.Len(), a.hist.Total(), n)
	}
	normal := 0
	for _, g := range a.groups {
		if g == groupNormal {
			normal++
		}
	}
	if want := s.Dataset().ClassCounts()["1"]; normal != want || normal == 0 {
		t.Errorf("%d images marked normal, want the %d 1s", normal, want)
	}
	texts := visibleTexts(w.Content())
	if !a.auroc.Visible() || !containsText(texts, "AUROC") {
		t.Fatal("no AUROC shown with a normal class chosen")
	}
	auc := a.AUROC()
	if !(auc > 0.5) {
		t.Errorf("AUROC %v: the 1s should score lower than the other digits", auc)
	}
	t.Logf("%s; %s", a.auroc.Text, a.summary.Text)
	// The default threshold: the 95th percentile of the 1s' MSE.
	var ones []float64
	for i, g := range a.groups {
		if g == groupNormal {
			ones = append(ones, a.res.scores.MSE[i])
		}
	}
	th0 := a.hist.Threshold()
	above := 0
	for _, v := range ones {
		if v > th0 {
			above++
		}
	}
	if frac := float64(above) / float64(len(ones)); frac < 0.03 || frac > 0.07 {
		t.Errorf("%.1f%% of the normal images are above the default threshold, want about 5%%", 100*frac)
	}
	flagged0 := a.flaggedCount()
	if flagged0 == 0 || a.exportBtn.Disabled() || !strings.Contains(a.summary.Text, formatInt(flagged0)+" flagged") {
		t.Errorf("%d flagged; summary %q", flagged0, a.summary.Text)
	}

	// The grid shows the top images with heatmaps, highest score first,
	// the flagged ones outlined.
	if len(a.cards) != anomalyTop || visibleImages(a.grid) != 2*anomalyTop {
		t.Errorf("%d cards and %d images in the grid", len(a.cards), visibleImages(a.grid))
	}
	for k := 1; k < len(a.cards); k++ {
		if a.res.scores.MSE[a.cards[k].index] > a.res.scores.MSE[a.cards[k-1].index] {
			t.Fatal("the grid is not sorted by score")
		}
	}
	if c := a.cards[0]; c.border.StrokeColor != theme.Color(theme.ColorNameError) {
		t.Error("the highest score is above the threshold but not marked")
	}

	// Drag the line to the right: a higher threshold, fewer flagged.
	h := a.hist
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(h)
	x := min(h.XFor(th0)+0.25*h.plotSize.Width, h.plotPos.X+h.plotSize.Width-1)
	test.Drag(w.Canvas(), origin.Add(fyne.NewPos(x, h.plotPos.Y+h.plotSize.Height/2)), 10, 0)
	th1 := a.hist.Threshold()
	flagged1 := a.flaggedCount()
	if !(th1 > th0) || flagged1 >= flagged0 {
		t.Fatalf("after the drag: threshold %v → %v, flagged %d → %d", th0, th1, flagged0, flagged1)
	}
	if d := math.Abs(h.ValueAt(x) - th1); d > (h.axis.Max-h.axis.Min)/200 {
		t.Errorf("the threshold %v is not the value at the pointer, %v", th1, h.ValueAt(x))
	}
	if !strings.Contains(a.summary.Text, formatInt(flagged1)+" flagged") {
		t.Errorf("summary after the drag: %q", a.summary.Text)
	}
	if os.Getenv("LATENTSTUDIO_DOCS") == "1" {
		capture(t, w, "studio-anomaly.png")
	}

	// A tap also moves it.
	test.TapAt(h, fyne.NewPos(h.XFor(th0), h.plotPos.Y+5))
	if a.flaggedCount() <= flagged1 {
		t.Errorf("tapping back left flagged %d, no more than %d", a.flaggedCount(), flagged1)
	}
	test.Drag(w.Canvas(), origin.Add(fyne.NewPos(x, h.plotPos.Y+h.plotSize.Height/2)), 10, 0)

	// Export the flagged images.
	path := filepath.Join(t.TempDir(), "flagged.csv")
	a.exportTo(path)
	if !strings.HasPrefix(a.Message(), "Wrote "+plural(flagged1, "flagged image", "flagged images")) {
		t.Errorf("message after export: %q", a.Message())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != flagged1+1 || strings.Join(rows[0], ",") != "file,class,mse,ssim_score" {
		t.Fatalf("the CSV has %d rows (header %v), want %d flagged + 1", len(rows), rows[0], flagged1)
	}
	for _, r := range rows[1:] {
		if v, err := strconv.ParseFloat(r[2], 64); err != nil || v <= th1 {
			t.Fatalf("row %v: mse not above the threshold %v", r, th1)
		}
	}

	// 1-SSIM: another ordering and its own default threshold.
	a.metric.SetSelected(metricSSIM)
	if a.hist.Total() != n || !strings.Contains(a.hist.XLabel, "1-SSIM") || a.flaggedCount() == 0 {
		t.Errorf("1-SSIM: %d values, label %q, %d flagged", a.hist.Total(), a.hist.XLabel, a.flaggedCount())
	}
	a.metric.SetSelected(metricMSE)

	// "(none)": unlabelled, the default threshold over all scores.
	a.normal.SetSelected(noClass)
	if a.auroc.Visible() || a.groups != nil {
		t.Error("with no normal class the AUROC is still shown")
	}
	if got := a.flaggedCount(); got < n*3/100 || got > n*7/100 {
		t.Errorf("the 95th percentile of all scores flags %d of %d", got, n)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
