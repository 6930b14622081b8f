package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

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
