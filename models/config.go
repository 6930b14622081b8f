// Package models builds, trains, saves and loads the Gorgonia models of
// Latent Studio. It knows nothing of Fyne.
package models

import (
	"errors"
	"fmt"
	"strings"
)

// Tasks an autoencoder can be trained for.
const (
	TaskReconstruct = "reconstruct"
	TaskDenoise     = "denoise"
	// TaskColorize sees the L channel of CIE Lab and predicts a and b.
	TaskColorize = "colorize"
	// TaskInpaint fills a masked region. It sees the photo with the
	// region blanked and filled by diffusion, plus the mask as one more
	// channel; its loss weighs the masked pixels more.
	TaskInpaint = "inpaint"
)

// Architectures.
const (
	ArchDense = "dense"
	ArchConv  = "conv"
	// ArchResidual is a DnCNN-style denoiser: stride-1 3×3 convolutions
	// that predict the noise, subtracted from the input. It has no code
	// and works on images of any size.
	ArchResidual = "residual"
)

// Code activations.
const (
	ActLinear = "linear"
	ActReLU   = "relu"
)

// Losses. LossAuto resolves to BCE when the inputs lie in [0,1], else MSE.
const (
	LossAuto = "auto"
	LossMSE  = "mse"
	LossBCE  = "bce"
)

// Config describes an autoencoder completely: building two models from the
// same Config and seed gives identical weights.
type Config struct {
	Task     string `json:"task"`
	Arch     string `json:"arch"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Channels int    `json:"channels"`
	// Layers are the encoder's hidden widths from the input inwards: units
	// per dense layer, or output channels per stride-2 conv layer. The
	// decoder mirrors them.
	Layers []int `json:"layers"`
	// Dilations, for the residual arch only, give each of its len(Layers)+1
	// 3×3 convolutions the spacing of its taps (IRCNN-style, e.g.
	// 1,2,3,4,3,2,1): the layers then see far more context for the same
	// cost. Empty means 1 for all, the plain DnCNN stack.
	Dilations []int `json:"dilations,omitempty"`
	// Code is the size of the dense code layer. A conv autoencoder may
	// have none (0): its code is then the last feature map.
	Code int `json:"code"`
	// CodeActivation is "linear" (the default: 2-D codes spread out) or
	// "relu" (as in many textbook autoencoders).
	CodeActivation string `json:"code_activation,omitempty"`
	// Loss is "mse" or "bce" once resolved (see ResolveLoss).
	Loss string `json:"loss"`
	// NoiseSigma is the standard deviation of the Gaussian noise added to
	// inputs for the denoise task, on the [0,1] scale. Noise, when set,
	// replaces it with kinds and ranges drawn per image.
	NoiseSigma float64     `json:"noise_sigma,omitempty"`
	Noise      []NoiseSpec `json:"noise,omitempty"`
	Seed       int64       `json:"seed"`
}

// Limits that keep a model file or a typo from asking for absurd memory.
const (
	MaxSide     = 1024
	MaxWidth    = 1 << 16 // units or channels in one layer
	MaxLayers   = 16
	MaxParams   = 200_000_000
	MaxDilation = 16
)

// CodeSize is the number of values in one image's code (0 for the
// residual denoiser, which has none).
func (c Config) CodeSize() int {
	switch {
	case c.Arch == ArchResidual:
		return 0
	case c.Arch == ArchConv && c.Code == 0:
		return c.convFlat()
	}
	return c.Code
}

// InChannels is the number of channels the network sees: the L channel
// for colorization, else the image's.
func (c Config) InChannels() int {
	switch c.Task {
	case TaskColorize:
		return 1
	case TaskInpaint:
		return c.Channels + 1 // the diffusion-filled photo, the mask
	}
	return c.Channels
}

// OutChannels is the number of channels the network produces: a and b
// for colorization, else the image's.
func (c Config) OutChannels() int {
	if c.Task == TaskColorize {
		return 2
	}
	return c.Channels
}

// ImageSize is the number of values per training image (C×H×W).
func (c Config) ImageSize() int { return c.Width * c.Height * c.Channels }

// InputSize is the number of values the network takes per image.
func (c Config) InputSize() int { return c.Width * c.Height * c.InChannels() }

// OutputSize is the number of values the network gives per image.
func (c Config) OutputSize() int { return c.Width * c.Height * c.OutChannels() }

// Dilation is the tap spacing of the residual net's conv layer l (0-based).
func (c Config) Dilation(l int) int {
	if l < len(c.Dilations) {
		return c.Dilations[l]
	}
	return 1
}

// ReceptiveRadius is how many pixels away from a pixel the residual net's
// output for it can look: each 3×3 layer of dilation d adds d.
func (c Config) ReceptiveRadius() int {
	r := 0
	for l := 0; l <= len(c.Layers); l++ {
		r += c.Dilation(l)
	}
	return r
}

// FullyConvolutional reports whether the weights fit images of any size
// (a multiple of the stride product), so photos can be processed in tiles
// of any size rather than only the trained one.
func (c Config) FullyConvolutional() bool {
	return c.Arch == ArchResidual || (c.Arch == ArchConv && c.Code == 0)
}

// Validate explains the first thing wrong with the config.
func (c Config) Validate() error {
	switch c.Task {
	case TaskReconstruct, TaskDenoise:
	case TaskColorize:
		if c.Channels != 3 {
			return errors.New("colorize learns from colour images: channels must be 3")
		}
	case TaskInpaint:
		if c.Loss != LossMSE {
			return errors.New("inpaint weighs the masked pixels in its loss: use the mse loss")
		}
	default:
		return fmt.Errorf("unknown task %q (want %s, %s, %s or %s)", c.Task, TaskReconstruct, TaskDenoise, TaskColorize, TaskInpaint)
	}
	if c.Width < 1 || c.Height < 1 || c.Width > MaxSide || c.Height > MaxSide {
		return fmt.Errorf("input size %dx%d is outside 1..%d", c.Width, c.Height, MaxSide)
	}
	if c.Channels != 1 && c.Channels != 3 {
		return fmt.Errorf("channels must be 1 (gray) or 3 (RGB), not %d", c.Channels)
	}
	minCode := 1
	if c.Arch != ArchDense {
		minCode = 0
	}
	if c.Code < minCode || c.Code > MaxWidth {
		return fmt.Errorf("code size %d is outside %d..%d", c.Code, minCode, MaxWidth)
	}
	switch c.CodeActivation {
	case "", ActLinear, ActReLU:
	default:
		return fmt.Errorf("code activation %q is not %s or %s", c.CodeActivation, ActLinear, ActReLU)
	}
	if len(c.Layers) > MaxLayers {
		return fmt.Errorf("%d layers is more than the %d allowed", len(c.Layers), MaxLayers)
	}
	for i, n := range c.Layers {
		if n < 1 || n > MaxWidth {
			return fmt.Errorf("layer %d has %d units; want 1..%d", i+1, n, MaxWidth)
		}
	}
	switch c.Loss {
	case LossMSE, LossBCE:
	default:
		return fmt.Errorf("loss %q is not resolved to %s or %s", c.Loss, LossMSE, LossBCE)
	}
	if c.Task == TaskDenoise {
		if len(c.Noise) == 0 && !(c.NoiseSigma > 0 && c.NoiseSigma <= 1) {
			return fmt.Errorf("denoise needs a noise sigma in (0,1] on the [0,1] scale, not %g", c.NoiseSigma)
		}
		for _, n := range c.Noise {
			if err := n.validate(); err != nil {
				return err
			}
		}
	}
	switch c.Arch {
	case ArchDense:
	case ArchConv:
		if len(c.Layers) == 0 {
			return errors.New("a conv autoencoder needs at least one conv layer")
		}
		f := 1 << len(c.Layers)
		if c.Width%f != 0 || c.Height%f != 0 {
			return fmt.Errorf("%d stride-2 conv layers need width and height divisible by %d; %dx%d is not (use fewer layers or another size)",
				len(c.Layers), f, c.Width, c.Height)
		}
	case ArchResidual:
		if c.Task != TaskDenoise && c.Task != TaskInpaint {
			return fmt.Errorf("the residual arch predicts a correction to its input: it is for the %s and %s tasks, not %s", TaskDenoise, TaskInpaint, c.Task)
		}
		if len(c.Layers) == 0 {
			return errors.New("a residual denoiser needs at least one hidden conv layer")
		}
		if c.Loss != LossMSE {
			return errors.New("a residual model's output is not a probability: use the mse loss")
		}
		if c.Code != 0 {
			return errors.New("a residual model has no code: use code 0")
		}
		if len(c.Dilations) > 0 && len(c.Dilations) != len(c.Layers)+1 {
			return fmt.Errorf("%d dilations for %d conv layers: give one per conv layer, the output layer included", len(c.Dilations), len(c.Layers)+1)
		}
		for _, d := range c.Dilations {
			if d < 1 || d > MaxDilation {
				return fmt.Errorf("dilation %d: want 1 to %d", d, MaxDilation)
			}
		}
	default:
		return fmt.Errorf("unknown arch %q (want %s, %s or %s)", c.Arch, ArchDense, ArchConv, ArchResidual)
	}
	if len(c.Dilations) > 0 && c.Arch != ArchResidual {
		return fmt.Errorf("dilations are for the %s arch, not %s", ArchResidual, c.Arch)
	}
	if p := c.ParamCount(); p > MaxParams {
		return fmt.Errorf("the model would have %d parameters, more than the %d allowed", p, MaxParams)
	}
	return nil
}

// ResolveLoss turns "auto" (or "") into BCE when the data lie in [0,1] and
// MSE otherwise, and says which rule decided.
func ResolveLoss(choice string, lo, hi float32) (loss, why string, err error) {
	switch strings.ToLower(choice) {
	case "", LossAuto:
		if lo >= 0 && hi <= 1 {
			return LossBCE, fmt.Sprintf("auto: inputs lie in [0,1] (%.3g..%.3g), so binary cross-entropy", lo, hi), nil
		}
		return LossMSE, fmt.Sprintf("auto: inputs leave [0,1] (%.3g..%.3g), so mean squared error", lo, hi), nil
	case LossMSE:
		return LossMSE, "chosen: mean squared error", nil
	case LossBCE:
		if lo < 0 || hi > 1 {
			return "", "", fmt.Errorf("binary cross-entropy needs inputs in [0,1]; these lie in %.3g..%.3g", lo, hi)
		}
		return LossBCE, "chosen: binary cross-entropy", nil
	}
	return "", "", fmt.Errorf("unknown loss %q (want auto, mse or bce)", choice)
}

// ParamCount is the number of trainable values the config asks for.
func (c Config) ParamCount() int {
	total := 0
	for _, s := range c.paramShapes() {
		n := 1
		for _, d := range s.shape {
			n *= d
		}
		total += n
	}
	return total
}
