package models

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"latentstudio/imageops"
)

// Noise kinds a denoiser can be trained against.
const (
	NoiseGaussian   = "gaussian"   // strength: sigma on the [0,1] scale
	NoisePoisson    = "poisson"    // strength: photon peak (lower is noisier)
	NoiseSaltPepper = "saltpepper" // strength: share of values set to 0 or 1
)

// NoiseSpec is one kind of noise with a strength drawn uniformly from
// [Lo, Hi] for every training image: a range makes the denoiser blind to
// the noise level, as DnCNN-B is.
type NoiseSpec struct {
	Kind string  `json:"kind"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}

// String gives the spec as ParseNoise reads it, Gaussian sigmas on 0-255.
func (n NoiseSpec) String() string {
	lo, hi := n.Lo, n.Hi
	if n.Kind == NoiseGaussian {
		lo, hi = lo*255, hi*255
	}
	if lo == hi {
		return fmt.Sprintf("%s:%.3g", n.Kind, lo)
	}
	return fmt.Sprintf("%s:%.3g-%.3g", n.Kind, lo, hi)
}

// ParseNoise reads KIND:STRENGTH or KIND:LO-HI, several joined by "+", e.g.
// "gaussian:0-55+poisson:5-60+saltpepper:0-0.1". Gaussian sigmas above 1
// are read on the 0-255 scale.
func ParseNoise(s string) ([]NoiseSpec, error) {
	var out []NoiseSpec
	for _, part := range strings.Split(s, "+") {
		kind, val, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("noise %q: want KIND:STRENGTH or KIND:LO-HI (kinds gaussian, poisson, saltpepper)", part)
		}
		lo, hi, err := parseRange(val)
		if err != nil {
			return nil, fmt.Errorf("noise %q: %v", part, err)
		}
		if kind == NoiseGaussian && hi > 1 {
			lo, hi = lo/255, hi/255
		}
		n := NoiseSpec{Kind: kind, Lo: lo, Hi: hi}
		if err := n.validate(); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func parseRange(s string) (lo, hi float64, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = strconv.ParseFloat(a, 64); err != nil {
		return 0, 0, fmt.Errorf("%q is not a number", a)
	}
	hi = lo
	if isRange {
		if hi, err = strconv.ParseFloat(b, 64); err != nil {
			return 0, 0, fmt.Errorf("%q is not a number", b)
		}
	}
	return lo, hi, nil
}

func (n NoiseSpec) validate() error {
	if !(n.Lo >= 0 && n.Lo <= n.Hi) {
		return fmt.Errorf("noise %s: want 0 <= low <= high", n)
	}
	switch n.Kind {
	case NoiseGaussian:
		if n.Hi > 1 || n.Hi == 0 {
			return fmt.Errorf("noise %s: gaussian sigma must lie in (0,1] on the [0,1] scale", n)
		}
	case NoisePoisson:
		if n.Lo < 1 || n.Hi > 1e6 {
			return fmt.Errorf("noise %s: poisson peak must lie in 1..1e6", n)
		}
	case NoiseSaltPepper:
		if n.Hi > 1 || n.Hi == 0 {
			return fmt.Errorf("noise %s: salt-and-pepper amount must lie in (0,1]", n)
		}
	default:
		return fmt.Errorf("unknown noise kind %q (want gaussian, poisson or saltpepper)", n.Kind)
	}
	return nil
}

// noises is the noise a denoising config trains against; older configs
// (and the studio's form) give one Gaussian sigma.
func (c Config) noises() []NoiseSpec {
	if len(c.Noise) > 0 {
		return c.Noise
	}
	if c.NoiseSigma > 0 {
		return []NoiseSpec{{Kind: NoiseGaussian, Lo: c.NoiseSigma, Hi: c.NoiseSigma}}
	}
	return nil
}

// addNoise writes into dst the clean image with one noise kind picked at
// random and its strength drawn from its range.
func addNoise(dst, clean []float32, specs []NoiseSpec, rng *rand.Rand) {
	n := specs[0]
	if len(specs) > 1 {
		n = specs[rng.Intn(len(specs))]
	}
	s := n.Lo + (n.Hi-n.Lo)*rng.Float64()
	switch n.Kind {
	case NoisePoisson:
		imageops.AddPoissonNoise(dst, clean, s, rng)
	case NoiseSaltPepper:
		imageops.AddSaltPepperNoise(dst, clean, s, rng)
	default:
		imageops.AddGaussianNoise(dst, clean, s, rng)
	}
}

// SetNoise sets the noise a denoiser trains with. One fixed Gaussian sigma
// goes into NoiseSigma, the form older files and the studio use.
func (c *Config) SetNoise(specs []NoiseSpec) {
	c.Noise, c.NoiseSigma = nil, 0
	if len(specs) == 1 && specs[0].Kind == NoiseGaussian && specs[0].Lo == specs[0].Hi {
		c.NoiseSigma = specs[0].Lo
	} else {
		c.Noise = specs
	}
}

// SetNoise replaces the noise a denoiser trains with, to train it further on
// another mix; other tasks refuse it.
func (a *Autoencoder) SetNoise(specs []NoiseSpec) error {
	if a.cfg.Task != TaskDenoise {
		return fmt.Errorf("the model's task is %s; only denoise models train with noise", a.cfg.Task)
	}
	if len(specs) == 0 {
		return fmt.Errorf("no noise given")
	}
	a.cfg.SetNoise(specs)
	return nil
}
