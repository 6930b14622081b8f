package main

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"latentstudio/ui"
)

// realApp is the GL application when the tests run with a display
// (DISPLAY set, e.g. under Xvfb); nil otherwise.
var realApp fyne.App

// TestMain runs the Fyne GL driver on the main goroutine, as it requires,
// when a display is there, and the tests beside it.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgsEnv); ok { // a child process of a test: be the command
		code := run(strings.Split(args, "\n"))
		if path := os.Getenv(childPeakEnv); path != "" {
			// The child's own high-water mark: rusage's maxrss of a child
			// also counts the parent's RSS at the time it was started.
			status, _ := os.ReadFile("/proc/self/status")
			os.WriteFile(path, status, 0o644)
		}
		os.Exit(code)
	}
	if os.Getenv("DISPLAY") == "" || os.Getenv("LATENTSTUDIO_GL_TESTS") != "1" {
		os.Exit(m.Run())
	}
	realApp = fyneapp.NewWithID("io.latentstudio.test")
	w := realApp.NewWindow("Latent Studio test")
	w.Resize(fyne.NewSize(1200, 760))
	w.Show()
	code := 0
	go func() {
		code = m.Run()
		fyne.Do(realApp.Quit)
	}()
	realApp.Run()
	os.Exit(code)
}

// TestUILatencyRealWindow measures, in a real window under the GL driver,
// the fyne.DoAndWait round trip from a goroutine while the studio trains a
// conv model on the sample digits. Run it with a display:
//
//	Xvfb :99 & DISPLAY=:99 LATENTSTUDIO_GL_TESTS=1 go test -run RealWindow -v ./app
func TestUILatencyRealWindow(t *testing.T) {
	if realApp == nil {
		t.Skip("needs DISPLAY and LATENTSTUDIO_GL_TESTS=1")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the studio's checkpoints
	var s *ui.Studio
	fyne.DoAndWait(func() {
		w := realApp.Driver().AllWindows()[0]
		s = ui.NewStudio(w, fyne.Do)
		s.LoadSample()
	})
	waitFor := func(what string, cond func() bool) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			var ok bool
			fyne.DoAndWait(func() { ok = cond() })
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the sample", func() bool { return !s.Busy() && s.Dataset() != nil })
	fyne.DoAndWait(func() {
		f := s.Form()
		f.Arch.SetSelected("conv")
		f.Layers.SetText("16,32")
		f.Code.SetText("0")
		f.Epochs.SetText("50")
		s.TrainButton().OnTapped()
	})
	waitFor("training to start", func() bool { return s.Chart().Len(ui.SeriesTrain) > 5 })
	var lat []time.Duration
	for i := 0; i < 200; i++ {
		start := time.Now()
		fyne.DoAndWait(func() {})
		lat = append(lat, time.Since(start))
		time.Sleep(20 * time.Millisecond)
	}
	var trained int
	fyne.DoAndWait(func() {
		trained = s.Chart().Len(ui.SeriesTrain)
		s.StopButton().OnTapped()
	})
	waitFor("training to stop", func() bool { return !s.Busy() })
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p95, worst := lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1]
	t.Logf("GL driver, conv model training (%d steps meanwhile): DoAndWait p50 %v, p95 %v, max %v", trained, p50, p95, worst)
	if p95 >= 100*time.Millisecond {
		t.Errorf("p95 %v, want under 100 ms", p95)
	}
}
