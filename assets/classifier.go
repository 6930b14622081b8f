package assets

import (
	"bytes"
	"embed"
	"fmt"
	"strings"

	"latentstudio/models"
)

// The trained classifiers, made by the project's own classify-train
// command (the command is in the README): the GAN quality measures use
// them. They live apart from builtin/, whose files are all autoencoders.
//
//go:embed classifier/*.lsm
var classifiers embed.FS

// DefaultClassifier is the classifier the GAN quality measures use.
const DefaultClassifier = BuiltinPrefix + "mnist-classifier"

// LoadClassifier opens a classifier by reference: builtin:mnist-classifier
// (builtin:NAME-classifier is classifier/NAME.lsm), else a classifier
// file's path. Both are validated the same way.
func LoadClassifier(ref string) (*models.Classifier, error) {
	name, ok := strings.CutPrefix(ref, BuiltinPrefix)
	if !ok {
		return models.LoadClassifier(ref)
	}
	file, _ := strings.CutSuffix(name, "-classifier")
	data, err := classifiers.ReadFile("classifier/" + file + ".lsm")
	if err != nil {
		return nil, fmt.Errorf("no built-in classifier %q (there is %s)", name, DefaultClassifier)
	}
	c, err := models.ReadClassifier(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("built-in classifier %s: %w", name, err)
	}
	return c, nil
}
