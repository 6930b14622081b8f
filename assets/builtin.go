package assets

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"sort"
	"strings"

	"latentstudio/models"
)

// The trained default models, produced by the project's own train command
// (the commands are in the README and the Makefile's builtins target).
//
//go:embed builtin/*.lsm
var builtin embed.FS

// BuiltinPrefix marks a model reference to one of the trained defaults,
// as in builtin:denoise.
const BuiltinPrefix = "builtin:"

// Builtins lists the names of the trained defaults, sorted.
func Builtins() []string {
	entries, _ := builtin.ReadDir("builtin")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".lsm"))
	}
	sort.Strings(names)
	return names
}

// LoadModel opens a model by reference: builtin:NAME for a trained
// default, else a model file's path. Both are validated the same way.
func LoadModel(ref string) (*models.Autoencoder, error) {
	return loadEmbedded(ref, builtin, "builtin", "", "", models.Read, models.Load)
}

// loadEmbedded opens ref: builtin:PREFIX+NAME+SUFFIX is dir/NAME.lsm of
// fsys, read by read; anything else is a file's path, opened by load.
func loadEmbedded[T any](ref string, fsys embed.FS, dir, prefix, suffix string,
	read func(io.ReaderAt, int64) (T, error), load func(string) (T, error)) (T, error) {
	name, ok := strings.CutPrefix(ref, BuiltinPrefix)
	if !ok {
		return load(ref)
	}
	var zero T
	file, ok1 := strings.CutPrefix(name, prefix)
	file, ok2 := strings.CutSuffix(file, suffix)
	data, err := fsys.ReadFile(dir + "/" + file + ".lsm")
	if !ok1 || !ok2 || err != nil {
		var names []string
		entries, _ := fsys.ReadDir(dir)
		for _, e := range entries {
			names = append(names, BuiltinPrefix+prefix+strings.TrimSuffix(e.Name(), ".lsm")+suffix)
		}
		return zero, fmt.Errorf("no built-in model %q (built in: %s)", name, strings.Join(names, ", "))
	}
	m, err := read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return zero, fmt.Errorf("built-in model %s: %w", name, err)
	}
	return m, nil
}

// LoadAny opens a model of any kind by reference (an *models.Autoencoder,
// *models.GAN or *models.Classifier): a built-in name or a file's path.
func LoadAny(ref string) (any, error) {
	name, ok := strings.CutPrefix(ref, BuiltinPrefix)
	switch {
	case !ok:
		return models.LoadAny(ref)
	case strings.HasPrefix(name, "gan-"):
		return LoadGAN(ref)
	case strings.HasSuffix(name, "-classifier"):
		return LoadClassifier(ref)
	}
	return LoadModel(ref)
}
