package assets

import (
	"embed"

	"latentstudio/models"
)

// The trained generators, made by the project's own train --task gan (the
// command is in the README): generate and the GAN tab can use them at once.
//
//go:embed gan/*.lsm
var gans embed.FS

// LoadGAN opens a GAN by reference: builtin:gan-NAME (gan/NAME.lsm), else
// a GAN file's path. Both are validated the same way.
func LoadGAN(ref string) (*models.GAN, error) {
	return loadEmbedded(ref, gans, "gan", "gan-", "", models.ReadGAN, models.LoadGAN)
}
