package assets

import (
	"bytes"
	"embed"
	"fmt"
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
	name, ok := strings.CutPrefix(ref, BuiltinPrefix)
	if !ok {
		return models.Load(ref)
	}
	data, err := builtin.ReadFile("builtin/" + name + ".lsm")
	if err != nil {
		return nil, fmt.Errorf("no built-in model %q (there are %s)", name, strings.Join(Builtins(), ", "))
	}
	ae, err := models.Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("built-in model %s: %w", name, err)
	}
	return ae, nil
}
