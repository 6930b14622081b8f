package models

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"latentstudio/imageops"
)

// AnomalyScores are per-image reconstruction errors: the higher, the less
// the image looks like what the model was trained on.
type AnomalyScores struct {
	MSE  []float64 // mean squared error per pixel
	SSIM []float64 // 1 - SSIM (7×7 window) between image and reconstruction
}

// ScoreImages reconstructs every image of d (for a denoising model, the
// clean image: the score asks how well the model knows it) and scores it.
// The work goes in chunks so that memory stays bounded for large sets.
func ScoreImages(ctx context.Context, ae *Autoencoder, d *imageops.Dataset) (*AnomalyScores, error) {
	cfg := ae.cfg
	if cfg.Task == TaskColorize {
		return nil, fmt.Errorf("a colorize model does not reconstruct its input; score with an autoencoder")
	}
	if d.Width != cfg.Width || d.Height != cfg.Height || d.Channels != cfg.Channels {
		return nil, fmt.Errorf("the data are %dx%dx%d but the model takes %dx%dx%d",
			d.Width, d.Height, d.Channels, cfg.Width, cfg.Height, cfg.Channels)
	}
	const chunk = 1024
	size := cfg.ImageSize()
	s := &AnomalyScores{MSE: make([]float64, d.Len()), SSIM: make([]float64, d.Len())}
	for start := 0; start < d.Len(); start += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := min(chunk, d.Len()-start)
		x := d.Data[start*size : (start+m)*size]
		recon, err := ae.Reconstruct(x, m)
		if err != nil {
			return nil, err
		}
		for i := 0; i < m; i++ {
			a, b := x[i*size:(i+1)*size], recon[i*size:(i+1)*size]
			var sum float64
			for j := range a {
				e := float64(a[j] - b[j])
				sum += e * e
			}
			s.MSE[start+i] = sum / float64(size)
			ssim, err := imageops.SSIM(b, a, d.Width, d.Height, d.Channels, 1, imageops.SSIMUniform7)
			if err != nil {
				return nil, err
			}
			s.SSIM[start+i] = 1 - ssim
		}
	}
	return s, nil
}

// AUROC is the area under the ROC curve of scores that should be higher
// for anomalies: the probability that a random anomaly outscores a random
// normal image, ties counting half (the Mann-Whitney U statistic). NaN
// when either group is empty.
func AUROC(scores []float64, anomalous []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64 // sum of the anomalies' ranks (1-based, ties averaged)
	var nAnom, nNorm int
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if anomalous[idx[k]] {
				rankSum += rank
				nAnom++
			} else {
				nNorm++
			}
		}
		i = j
	}
	if nAnom == 0 || nNorm == 0 {
		return math.NaN()
	}
	u := rankSum - float64(nAnom*(nAnom+1))/2
	return u / float64(nAnom*nNorm)
}

// Percentile is the p-th percentile (0..100) of values, linearly
// interpolated, as a default threshold from the scores of normal images.
func Percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	v := slices.Clone(values)
	slices.Sort(v)
	pos := p / 100 * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(v)-1)
	return v[lo] + (pos-float64(lo))*(v[hi]-v[lo])
}
