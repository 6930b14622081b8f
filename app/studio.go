package main

import (
	"flag"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"latentstudio/assets"
	"latentstudio/ui"
)

// runStudio opens the studio window: the only place that creates a Fyne app
// (package ui never imports fyne.io/fyne/v2/app, so its tests need no cgo).
func runStudio(args []string) error {
	fs := flag.NewFlagSet("latentstudio", flag.ContinueOnError)
	sample := fs.Bool("sample", false, "open with the embedded sample digits loaded")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 1 {
		return usageErrorf("too many arguments (see latentstudio help)")
	}
	if fs.NArg() == 1 {
		if _, err := os.Stat(fs.Arg(0)); err != nil {
			return usageErrorf("%q is neither a command nor a folder or file to open (see latentstudio help)", fs.Arg(0))
		}
	}
	a := fyneapp.NewWithID("io.latentstudio.app")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := a.NewWindow("Latent Studio")
	studio := ui.NewStudio(w, fyne.Do)
	ui.RememberWindowSize(w, fyne.NewSize(1280, 800))
	switch {
	case fs.NArg() == 1:
		studio.LoadPath(fs.Arg(0))
	case *sample:
		studio.LoadSample()
	}
	w.ShowAndRun()
	return nil
}
