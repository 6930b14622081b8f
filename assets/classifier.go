package assets

import (
	"embed"

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
	return loadEmbedded(ref, classifiers, "classifier", "", "-classifier", models.ReadClassifier, models.LoadClassifier)
}
