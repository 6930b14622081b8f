package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestRecentFoldersAreRememberedAndOffered: a loaded folder goes first in
// the preferences' recent list, and a new studio (the next session) offers
// it on its empty view; tapping it loads the folder again.
func TestRecentFoldersAreRememberedAndOffered(t *testing.T) {
	s, _, p := newTestStudio(t)
	dir := writeDigitFolder(t, 15, map[int]string{3: "three", 7: "seven"})
	s.LoadPath(dir)
	p.until(t, "the folder to load", 30*time.Second, func() bool { return !s.Busy() })
	if got := recentFolders(); len(got) == 0 || got[0] != dir {
		t.Fatalf("recent folders %v, want %s first", got, dir)
	}
	missing := filepath.Join(t.TempDir(), "gone")
	os.Mkdir(missing, 0o755)
	rememberFolder(missing)
	if got := recentFolders(); len(got) != 2 || got[0] != missing || got[1] != dir {
		t.Fatalf("recent folders %v", got)
	}
	for i := 0; i < 10; i++ {
		rememberFolder(filepath.Join(dir, "x", string(rune('a'+i))))
	}
	if n := len(recentFolders()); n != maxRecent {
		t.Fatalf("%d recent folders kept, want %d", n, maxRecent)
	}
	rememberFolder(dir)

	// The next session: same preferences, a fresh studio in a new window.
	w2 := test.NewTempWindow(t, nil)
	p2 := &poster{}
	s2 := NewStudio(w2, p2.post)
	w2.Resize(fyne.NewSize(1200, 760))
	findButton(t, w2.Content(), filepath.Base(dir)+"  ·  "+filepath.Dir(dir)).Tapped(nil)
	p2.until(t, "the recent folder to load", 30*time.Second, func() bool { return !s2.Busy() && s2.Dataset() != nil })
	if s2.Dataset().Len() != 30 {
		t.Fatalf("recent folder loaded %d images", s2.Dataset().Len())
	}
}

func TestWindowSizeIsRemembered(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	RememberWindowSize(w, fyne.NewSize(1280, 800))
	if s := w.Canvas().Size(); s.Width != 1280 || s.Height != 800 {
		t.Fatalf("first size %v, want the default", s)
	}
	w.Resize(fyne.NewSize(1000, 700))
	saveWindowSize(w)
	w2 := test.NewTempWindow(t, nil)
	RememberWindowSize(w2, fyne.NewSize(1280, 800))
	if s := w2.Canvas().Size(); s.Width != 1000 || s.Height != 700 {
		t.Fatalf("restored size %v, want 1000x700", s)
	}
}
