package ui

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// askOpenPath shows a file open dialog filtered to exts and hands the
// chosen path to open.
func (s *Studio) askOpenPath(exts []string, open func(path string)) {
	dlg := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if rc == nil {
			return // cancelled
		}
		path := rc.URI().Path()
		_ = rc.Close()
		open(path)
	}, s.win)
	dlg.SetFilter(storage.NewExtensionFileFilter(exts))
	dlg.Resize(s.win.Canvas().Size().Subtract(fyne.NewSquareSize(80)))
	dlg.Show()
}

// askSavePath shows a file save dialog offering name (in dir, when not
// empty) filtered to ext, and hands the chosen path to save. Fyne creates
// the file to hand it over; save then writes it properly (atomically).
func (s *Studio) askSavePath(name, ext, dir string, save func(path string)) {
	dlg := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if wc == nil {
			return // cancelled
		}
		path := wc.URI().Path()
		_ = wc.Close()
		save(path)
	}, s.win)
	dlg.SetFileName(name)
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			dlg.SetLocation(l)
		}
	}
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	dlg.Resize(s.win.Canvas().Size().Subtract(fyne.NewSquareSize(80)))
	dlg.Show()
}

// askSavePhoto asks where to save what was made of the photo at
// photoPath: by default a PNG next to it, named after it with suffix.
func (s *Studio) askSavePhoto(photoPath, suffix string, save func(path string)) {
	base := strings.TrimSuffix(filepath.Base(photoPath), filepath.Ext(photoPath))
	s.askSavePath(base+suffix+".png", ".png", filepath.Dir(photoPath), save)
}
