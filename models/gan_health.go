package models

import (
	"fmt"
	"math"
)

// Collapse measures how diverse a generated batch is against real data.
// Each figure is a ratio to what a batch of real images scores, so about 1
// is healthy and near 0 is a collapsed generator.
type Collapse struct {
	// Diversity is the mean pairwise L2 distance within the generated
	// batch over that within a real batch.
	Diversity float64 `json:"diversity"`
	// Coverage is the number of distinct nearest real neighbours of the
	// generated images over that of as many real images: a collapsed
	// generator keeps landing near the same few digits.
	Coverage float64 `json:"coverage"`
	// Meter is the smaller of the two, capped at 1.
	Meter float64 `json:"meter"`
}

// CollapseMeter compares generated images with real ones (all of one size).
// The first half of real is the real batch the generated one is measured
// against; the second half is the reference set for nearest neighbours.
// Both measures use as many generated as real batch images.
func CollapseMeter(generated, real [][]float32) Collapse {
	half := len(real) / 2
	n := min(len(generated), half)
	if n < 2 {
		return Collapse{Diversity: math.NaN(), Coverage: math.NaN(), Meter: math.NaN()}
	}
	gen, query, ref := generated[:n], real[:n], real[half:]
	c := Collapse{
		Diversity: meanPairwise(gen) / meanPairwise(query),
		Coverage:  float64(distinctNearest(gen, ref)) / float64(distinctNearest(query, ref)),
	}
	c.Meter = min(c.Diversity, c.Coverage, 1)
	return c
}

func meanPairwise(x [][]float32) float64 {
	var sum float64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			sum += math.Sqrt(sqDist(x[i], x[j]))
		}
	}
	return sum / float64(len(x)*(len(x)-1)/2)
}

// distinctNearest counts the reference images that are the nearest
// neighbour of at least one query.
func distinctNearest(queries, ref [][]float32) int {
	seen := map[int]bool{}
	for _, q := range queries {
		best, bestD := 0, math.Inf(1)
		for j, r := range ref {
			if d := sqDist(q, r); d < bestD {
				best, bestD = j, d
			}
		}
		seen[best] = true
	}
	return len(seen)
}

func sqDist(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		d := float64(v - b[i])
		s += d * d
	}
	return s
}

// Thresholds of the warnings, over the last warnWindow steps.
const (
	warnWindow    = 200
	warnMinSteps  = 50   // fewer steps say nothing yet
	winReal       = 0.95 // D(x) above this ...
	winFake       = 0.05 // ... and D(G(z)) below this: D wins outright
	stuckFake     = 0.02 // D(G(z)) never above this: G gets no gradient signal
	oscillateCV   = 0.3  // spread of the loss's block means over their mean
	oscillateSize = 20   // steps per block
)

// Warnings reads a run's recent steps (oldest first) and says in words
// what looks unstable: the discriminator winning outright, D(G(z)) stuck
// near 0, or losses swinging. Only the last warnWindow steps count.
func Warnings(history []GANStats) []string {
	h := history[max(0, len(history)-warnWindow):]
	if len(h) < warnMinSteps {
		return nil
	}
	var real, fake, maxFake float64
	for _, s := range h {
		real += s.DReal
		fake += s.DFake
		maxFake = max(maxFake, s.DFake)
	}
	real /= float64(len(h))
	fake /= float64(len(h))
	var w []string
	if real > winReal && fake < winFake {
		w = append(w, fmt.Sprintf("the discriminator is winning outright (mean D(x) %.3f, D(G(z)) %.3f over %d steps): lower its learning rate or smooth the real labels", real, fake, len(h)))
	}
	if maxFake < stuckFake {
		w = append(w, fmt.Sprintf("D(G(z)) is stuck near 0 (at most %.4f over %d steps): the generator learns little", maxFake, len(h)))
	}
	for _, l := range []struct {
		name string
		loss func(GANStats) float64
	}{{"L_D", func(s GANStats) float64 { return s.LossD }}, {"L_G", func(s GANStats) float64 { return s.LossG }}} {
		if cv := blockSpread(h, l.loss); cv > oscillateCV {
			w = append(w, fmt.Sprintf("%s is oscillating (its %d-step means vary by %.0f%% of their mean over %d steps): try a lower learning rate", l.name, oscillateSize, 100*cv, len(h)))
		}
	}
	return w
}

// blockSpread is the standard deviation of the loss's means over blocks of
// oscillateSize steps, divided by their mean: averaging first keeps the
// ordinary step-to-step noise of minibatches out of it.
func blockSpread(h []GANStats, loss func(GANStats) float64) float64 {
	var means []float64
	for i := 0; i+oscillateSize <= len(h); i += oscillateSize {
		var s float64
		for _, st := range h[i : i+oscillateSize] {
			s += loss(st)
		}
		means = append(means, s/oscillateSize)
	}
	if len(means) < 2 {
		return 0
	}
	var mean, v float64
	for _, m := range means {
		mean += m
	}
	mean /= float64(len(means))
	for _, m := range means {
		v += (m - mean) * (m - mean)
	}
	return math.Sqrt(v/float64(len(means)-1)) / math.Abs(mean)
}
