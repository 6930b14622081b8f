package models

import (
	"math/rand"

	"latentstudio/imageops"
)

// Lab scaling: the network sees L/100 and predicts (a+abOffset)/abScale and
// (b+abOffset)/abScale, all in [0,1] (sRGB's a and b lie within ±128).
const (
	abOffset = 128
	abScale  = 256
)

// grayShare is the share of training images a colour photo denoiser or
// inpainter sees made gray (with the same noise, or a gray mark, in every
// channel), so that it also works on gray photos, which reach it as three
// equal channels.
const grayShare = 0.25

// inpaintWeight is how much more a masked value counts in the inpainting
// loss than one outside the mask (which the model must merely pass on).
const inpaintWeight = 9

// prepare writes into in (InputSize values) and target (OutputSize values)
// what the network sees and should give for one clean image (ImageSize
// values): reconstruct copies it to both; denoise adds noise to the input;
// colorize gives L as input and a, b as target; inpaint draws a synthetic
// watermark (on a gray image now and then), grows its mask by a pixel (as a
// brush would), builds the input with inpaintInput and writes the loss
// weights into weight.
func (c Config) prepare(in, target, weight, clean []float32, rng *rand.Rand) {
	switch c.Task {
	case TaskInpaint:
		n := c.Width * c.Height
		copy(target, clean)
		gray := c.Channels == 3 && rng.Float64() < grayShare
		if gray {
			grayPlanes(target, n)
		}
		marked := append([]float32(nil), target...)
		mask, err := imageops.AddWatermark(marked, c.Width, c.Height, c.Channels, "", rng)
		if err != nil {
			panic(err) // sizes come from a validated config
		}
		if gray { // a gray photo's mark shows only in its luma
			grayPlanes(marked, n)
		}
		mask = imageops.Dilate(mask, c.Width, c.Height, 1)
		inpaintInput(in, marked, c.Width, c.Height, c.Channels, mask)
		for p, m := range mask {
			for ch := 0; ch < c.Channels; ch++ {
				weight[ch*n+p] = 1 + inpaintWeight*m
			}
		}
	case TaskColorize:
		n := c.Width * c.Height
		for i := 0; i < n; i++ {
			l, a, b := imageops.RGBToLab(float64(clean[i]), float64(clean[n+i]), float64(clean[2*n+i]))
			in[i] = float32(l / 100)
			target[i] = float32((a + abOffset) / abScale)
			target[n+i] = float32((b + abOffset) / abScale)
		}
	case TaskDenoise:
		copy(target, clean)
		if c.Arch == ArchResidual && c.Channels == 3 && rng.Float64() < grayShare {
			n := c.Width * c.Height
			grayPlanes(target, n)
			addNoise(in[:n], target[:n], c.noises(), rng)
			copy(in[n:2*n], in[:n])
			copy(in[2*n:], in[:n])
			return
		}
		addNoise(in, target, c.noises(), rng)
	default:
		copy(in, clean)
		copy(target, clean)
	}
}

// grayPlanes replaces the three planes of n pixels by their luma (Rec. 601).
func grayPlanes(rgb []float32, n int) {
	for i := 0; i < n; i++ {
		y := 0.299*rgb[i] + 0.587*rgb[n+i] + 0.114*rgb[2*n+i]
		rgb[i], rgb[n+i], rgb[2*n+i] = y, y, y
	}
}

// displayInput turns one network input into an image of Channels channels
// for previews: colorization's L becomes a gray RGB image; inpainting
// shows the diffusion-filled photo without the mask plane.
func (c Config) displayInput(in []float32) []float32 {
	if c.Task == TaskInpaint {
		return in[:c.ImageSize()]
	}
	if c.Task != TaskColorize {
		return in
	}
	n := c.Width * c.Height
	out := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		r, _, _ := imageops.LabToRGB(float64(in[i])*100, 0, 0)
		out[i], out[n+i], out[2*n+i] = float32(r), float32(r), float32(r)
	}
	return out
}

// displayOutput turns one network output into an image of Channels
// channels: colorization's a, b join the input's L.
func (c Config) displayOutput(in, out []float32) []float32 {
	if c.Task != TaskColorize {
		return out
	}
	return LabToRGBPlanes(in, out, c.Width*c.Height)
}

// LabToRGBPlanes combines n pixels of L (scaled to [0,1]) and a, b (as a
// colorizer predicts them, scaled to [0,1]) into three RGB planes.
func LabToRGBPlanes(l01, ab01 []float32, n int) []float32 {
	out := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		r, g, b := imageops.LabToRGB(float64(l01[i])*100,
			float64(ab01[i])*abScale-abOffset, float64(ab01[n+i])*abScale-abOffset)
		out[i], out[n+i], out[2*n+i] = float32(r), float32(g), float32(b)
	}
	return out
}

// inpaintInput writes an inpainting model's input for a photo of w×h
// pixels and c planes: the photo with its masked pixels blanked and filled
// by harmonic diffusion from the mask's border (the base the model corrects,
// so it starts as good as the classical fill), then the mask. What lay
// under the mask never reaches the model.
func inpaintInput(in, photo []float32, w, h, c int, mask []float32) {
	n := w * h
	maskPlane := in[c*n : (c+1)*n]
	for i, m := range mask {
		maskPlane[i] = 0
		if m > 0.5 {
			maskPlane[i] = 1
		}
	}
	filled, err := imageops.DiffusionInpaint(photo, w, h, c, maskPlane, 500)
	if err != nil {
		panic(err) // sizes come from the caller's checked config
	}
	copy(in[:c*n], filled)
}
