package models

import (
	"fmt"
	"io"
	"strings"

	"latentstudio/imageops"
)

// LoadAny opens a model file of any kind: it returns an *Autoencoder, a
// *GAN or a *Classifier.
func LoadAny(path string) (any, error) {
	return loadFile(path, ReadAny)
}

// ReadAny decodes a model file of any kind (see LoadAny): its header says
// which reader to use.
func ReadAny(r io.ReaderAt, size int64) (any, error) {
	info, err := ReadFileInfo(r, size)
	if err != nil {
		return nil, err
	}
	switch info.Kind {
	case kindAutoencoder:
		return Read(r, size)
	case kindGAN:
		return ReadGAN(r, size)
	case kindClassifier:
		return ReadClassifier(r, size)
	}
	return nil, fmt.Errorf("not an autoencoder, a GAN or a classifier: model kind %q", info.Kind)
}

// Fact is one line of a model's description.
type Fact struct{ Name, Value string }

// Describe says what a model (*Autoencoder, *GAN or *Classifier) is: its
// kind, architecture, sizes and training, as `info` and the studio's Open
// model show it.
func Describe(m any) []Fact {
	switch m := m.(type) {
	case *Autoencoder:
		return describeAutoencoder(m)
	case *GAN:
		return describeGAN(m)
	case *Classifier:
		return describeClassifier(m)
	}
	return []Fact{{"kind", fmt.Sprintf("unknown (%T)", m)}}
}

func describeAutoencoder(a *Autoencoder) []Fact {
	c, h := a.Config(), a.History
	f := []Fact{{"kind", "autoencoder"}, {"task", c.Task}}
	if c.Arch == ArchResidual {
		what := "the noise, subtracted from the input"
		if c.Task == TaskInpaint {
			what = "a correction to the diffusion-filled mask"
		}
		f = append(f, Fact{"arch", fmt.Sprintf("residual: %d stride-1 3x3 conv layers %v predict %s", len(c.Layers)+1, c.Layers, what)})
		if len(c.Dilations) > 0 {
			f = append(f, Fact{"dilations", fmt.Sprintf("%v (each pixel's output sees %d pixels around it)", c.Dilations, c.ReceptiveRadius())})
		}
	} else {
		f = append(f, Fact{"arch", fmt.Sprintf("%s, encoder %v -> code %d, decoder mirrored", c.Arch, c.Layers, c.CodeSize())})
	}
	f = append(f, Fact{"input", fmt.Sprintf("%dx%d, %d channel(s), %d values", c.Width, c.Height, c.InChannels(), c.InputSize())})
	if c.Task == TaskColorize {
		f = append(f, Fact{"colour", "sees CIE Lab lightness L, predicts a and b"})
	}
	if c.FullyConvolutional() {
		f = append(f, Fact{"photos", "any size (fully convolutional; apply works in tiles)"})
	}
	if c.CodeSize() > 0 && c.Arch != ArchResidual {
		f = append(f, Fact{"compression", fmt.Sprintf("%.1f input values per code value", float64(c.InputSize())/float64(c.CodeSize()))})
	}
	f = append(f, Fact{"loss", c.Loss})
	switch {
	case len(c.Noise) > 0:
		f = append(f, Fact{"noise", fmt.Sprintf("%v (gaussian sigma on 0-255), one kind drawn per image", c.Noise)})
	case c.Task == TaskDenoise:
		f = append(f, Fact{"noise", fmt.Sprintf("gaussian sigma %.3g (%.1f on 0-255)", c.NoiseSigma, c.NoiseSigma*255)})
	}
	return append(f,
		Fact{"parameters", fmt.Sprint(a.ParamCount())},
		Fact{"trained", trainedOn(h.Epochs, h.Steps, h.Seconds, h.Data)},
		Fact{"losses", fmt.Sprintf("train %.4f, validation %.4f", h.TrainLoss, h.ValLoss)},
		Fact{"exports", "ONNX " + strings.Join(ONNXParts(a), ", ")})
}

func describeGAN(m *GAN) []Fact {
	c, h := m.Config(), m.History
	pg, pd := m.ParamCount()
	gen := fmt.Sprintf("z %d -> dense %v -> %s", c.Latent, c.GLayers, c.Output)
	if c.Arch == GANArchDCGAN {
		gen = fmt.Sprintf("z %d -> dense, upsample+conv blocks %v", c.Latent, c.GLayers)
		if c.BatchNorm {
			gen += " with BatchNorm"
		}
		gen += " -> " + c.Output
	}
	return []Fact{{"kind", "GAN (" + c.Arch + ")"},
		{"images", fmt.Sprintf("%dx%d, %d channel(s)", c.Width, c.Height, c.Channels)},
		{"generator", fmt.Sprintf("%s; %d parameters", gen, pg)},
		{"discriminator", fmt.Sprintf("%v, LeakyReLU %.2g; %d parameters", c.DLayers, c.Slope, pd)},
		{"trained", trainedOn(h.Epochs, h.Steps, h.Seconds, h.Data)},
		{"last losses", fmt.Sprintf("L_D %.3f, L_G %.3f, D(x) %.2f, D(G(z)) %.2f", h.LossD, h.LossG, h.DReal, h.DFake)},
		{"exports", "ONNX " + strings.Join(ONNXParts(m), ", ")}}
}

func describeClassifier(c *Classifier) []Fact {
	cfg, h := c.Config(), c.History
	f := []Fact{{"kind", "classifier (" + cfg.Arch + ")"},
		{"images", fmt.Sprintf("%dx%d, %d channel(s)", cfg.Width, cfg.Height, cfg.Channels)},
		{"layers", fmt.Sprintf("%v, features %d", cfg.Layers, cfg.Feature)},
		{"classes", strings.Join(cfg.Classes, " ")},
		{"parameters", fmt.Sprint(c.ParamCount())},
		{"trained", trainedOn(h.Epochs, h.Steps, h.Seconds, h.Data)}}
	if h.TestN > 0 {
		f = append(f, Fact{"test accuracy", fmt.Sprintf("%.2f%% on %d images of %s", 100*h.TestAccuracy, h.TestN, h.Test)})
	}
	return append(f, Fact{"exports", "ONNX " + strings.Join(ONNXParts(c), ", ") + " (probabilities and features)"})
}

func trainedOn(epochs, steps int, seconds float64, data string) string {
	if data == "" {
		data = "unrecorded data"
	}
	return fmt.Sprintf("%d epochs, %d steps, %.0f s on %s", epochs, steps, seconds, data)
}

// ONNXParts lists the parts a model (*Autoencoder, *GAN or *Classifier)
// exports, the default first.
func ONNXParts(m any) []string {
	switch m := m.(type) {
	case *Autoencoder:
		if m.cfg.Arch == ArchResidual {
			return []string{PartFull}
		}
		return []string{PartFull, PartEncoder, PartDecoder}
	case *GAN:
		return []string{PartGenerator, PartDiscriminator}
	case *Classifier:
		return []string{PartClassifier}
	}
	return nil
}

// ExportONNX returns the part of the model as an ONNX file's bytes.
func ExportONNX(m any, part string) ([]byte, error) {
	switch m := m.(type) {
	case *Autoencoder:
		return m.ONNX(part)
	case *GAN:
		return m.ONNX(part)
	case *Classifier:
		if part != PartClassifier {
			return nil, fmt.Errorf("a classifier exports --part %s, not %q", PartClassifier, part)
		}
		return m.ONNX()
	}
	return nil, fmt.Errorf("cannot export a %T", m)
}

// SaveAny writes a model of any kind to path in the native format, atomically.
func SaveAny(m any, path string) error {
	switch m := m.(type) {
	case *Autoencoder:
		return m.Save(path)
	case *GAN:
		return m.Save(path)
	case *Classifier:
		return m.Save(path)
	}
	return fmt.Errorf("cannot save a %T", m)
}

// SaveONNX writes an exported ONNX file atomically.
func SaveONNX(path string, data []byte) error {
	return imageops.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
