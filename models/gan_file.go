package models

import "io"

// A GAN file is a model file (see file.go) of kind "gan": its header holds
// a GANConfig and a GANHistory, its weights the generator's tensors then
// the discriminator's.
const kindGAN = "gan"

// Save writes the GAN to path atomically.
func (m *GAN) Save(path string) error {
	return saveModel(path, kindGAN, m.cfg, m.History, m.params)
}

// LoadGAN reads and validates a GAN file.
func LoadGAN(path string) (*GAN, error) { return loadFile(path, ReadGAN) }

// ReadGAN decodes a GAN file of the given size, validating the config and
// the tensor list before it allocates weights.
func ReadGAN(r io.ReaderAt, size int64) (*GAN, error) {
	h, params, err := readModel[GANConfig, GANHistory](r, size, kindGAN)
	if err != nil {
		return nil, err
	}
	return &GAN{cfg: h.Config, params: params, History: h.History}, nil
}
