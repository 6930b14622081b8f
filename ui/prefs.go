package ui

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Preference keys the studio remembers between sessions.
const (
	prefRecentFolders = "recentFolders"
	maxRecent         = 6
)

// recentFolders is the list of folders and files loaded before, newest first.
func recentFolders() []string {
	return fyne.CurrentApp().Preferences().StringList(prefRecentFolders)
}

// rememberFolder puts path first in the recent list. Fyne's preferences
// take their own lock, so loaders may call it from their goroutine.
func rememberFolder(path string) { rememberIn(prefRecentFolders, path) }

// rememberIn puts path, made absolute, first in the preference list key,
// keeping maxRecent entries.
func rememberIn(key, path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	prefs := fyne.CurrentApp().Preferences()
	list := slices.DeleteFunc(prefs.StringList(key), func(p string) bool { return p == abs })
	list = append([]string{abs}, list...)
	prefs.SetStringList(key, list[:min(len(list), maxRecent)])
}

// recentList shows the recent folders as buttons that load them again.
type recentList struct {
	box  *fyne.Container
	load func(path string)
}

func newRecentList(load func(string)) *recentList {
	r := &recentList{box: container.NewVBox(), load: load}
	r.refresh()
	return r
}

// refresh rebuilds the buttons from the preferences (UI goroutine).
func (r *recentList) refresh() {
	r.box.Objects = nil
	list := recentFolders()
	if len(list) > 0 {
		r.box.Add(widget.NewLabelWithStyle("Recent", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, p := range list {
		b := widget.NewButtonWithIcon(filepath.Base(p)+"  ·  "+filepath.Dir(p), theme.FolderIcon(), func() { r.load(p) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		r.box.Add(b)
	}
	r.box.Refresh()
}

// Window size preferences.
const (
	prefWindowWidth  = "windowWidth"
	prefWindowHeight = "windowHeight"
)

// RememberWindowSize gives w the size it had when the studio last closed
// (or def the first time) and saves its size when the user closes it.
func RememberWindowSize(w fyne.Window, def fyne.Size) {
	restoreWindowSize(w, def)
	w.SetCloseIntercept(func() {
		saveWindowSize(w)
		w.Close()
	})
}

func restoreWindowSize(w fyne.Window, def fyne.Size) {
	p := fyne.CurrentApp().Preferences()
	w.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWindowWidth, float64(def.Width))),
		float32(p.FloatWithFallback(prefWindowHeight, float64(def.Height)))))
}

func saveWindowSize(w fyne.Window) {
	size := w.Canvas().Size()
	if size.Width < 100 || size.Height < 100 {
		return // minimised or not shown yet: keep what we had
	}
	p := fyne.CurrentApp().Preferences()
	p.SetFloat(prefWindowWidth, float64(size.Width))
	p.SetFloat(prefWindowHeight, float64(size.Height))
}

// Recent model files, newest first.
const prefRecentModels = "recentModels"

// recentModels lists the model files opened, saved or checkpointed before.
func recentModels() []string {
	return fyne.CurrentApp().Preferences().StringList(prefRecentModels)
}

// rememberModel puts a model file first in the recent list (any goroutine).
func rememberModel(path string) {
	rememberIn(prefRecentModels, path)
}
