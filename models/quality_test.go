package models

import (
	"context"
	"errors"
	"math"
	"math/cmplx"
	"math/rand"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// correlated returns n vectors of dim values with correlated entries.
func correlated(rng *rand.Rand, n, dim int, shift float64) []float32 {
	x := make([]float32, n*dim)
	for i := range n {
		z := rng.NormFloat64()
		for j := range dim {
			x[i*dim+j] = float32(shift + z*float64(j+1)/2 + rng.NormFloat64())
		}
	}
	return x
}

func TestFrechetIdenticalAndShifted(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	a := correlated(rng, 500, 6, 0)
	if fd, err := FrechetDistance(a, a, 6); err != nil || fd > 1e-9 {
		t.Errorf("FD of a set with itself: %v, %v", fd, err)
	}
	// A constant shift c moves only the mean: FD = ||c||².
	c := []float64{1, -2, 0.5, 0, 3, -1}
	b := make([]float32, len(a))
	for i := range a {
		b[i] = a[i] + float32(c[i%6])
	}
	want := 0.0
	for _, v := range c {
		want += v * v
	}
	if fd, err := FrechetDistance(a, b, 6); err != nil || math.Abs(fd-want) > 1e-4 {
		t.Errorf("FD after shifting by %v: %v, want %v (%v)", c, fd, want, err)
	}
}

// TestFrechet1D: for 1-D Gaussians FD = (m1-m2)² + (s1-s2)². The samples
// are standardised so that their sample mean and deviation are exact.
func TestFrechet1D(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	sample := func(n int, m, s float64) []float32 {
		z := make([]float64, n)
		var mean, ss float64
		for i := range z {
			z[i] = rng.NormFloat64()
			mean += z[i] / float64(n)
		}
		for _, v := range z {
			ss += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(ss / float64(n-1))
		x := make([]float32, n)
		for i, v := range z {
			x[i] = float32(m + s*(v-mean)/sd)
		}
		return x
	}
	for _, c := range []struct{ m1, s1, m2, s2 float64 }{{0, 1, 0, 1}, {0, 1, 3, 1}, {1, 2, -1, 0.5}, {5, 0.1, 5, 3}} {
		fd, err := FrechetDistance(sample(400, c.m1, c.s1), sample(300, c.m2, c.s2), 1)
		want := (c.m1-c.m2)*(c.m1-c.m2) + (c.s1-c.s2)*(c.s1-c.s2)
		if err != nil || math.Abs(fd-want) > 1e-4*(1+want) {
			t.Errorf("%+v: FD %v, want %v (%v)", c, fd, want, err)
		}
	}
}

// TestFrechetMatchesProductEigenvalues: the symmetric form agrees with the
// textbook Tr (S1 S2)^½ taken from the eigenvalues of the non-symmetric
// product (real and positive, as it is similar to √S1 S2 √S1).
func TestFrechetMatchesProductEigenvalues(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const dim = 5
	a, b := correlated(rng, 300, dim, 0), correlated(rng, 200, dim, 0.5)
	for i := range b {
		b[i] *= float32(1 + i%dim) // other variances, same correlations' shape
	}
	fd, err := FrechetDistance(a, b, dim)
	if err != nil {
		t.Fatal(err)
	}
	muA, sA, _ := gaussian(a, dim)
	muB, sB, _ := gaussian(b, dim)
	var prod mat.Dense
	prod.Mul(sA, sB)
	var eig mat.Eigen
	if !eig.Factorize(&prod, mat.EigenNone) {
		t.Fatal("eigen failed")
	}
	want := mat.Trace(sA) + mat.Trace(sB)
	for _, v := range eig.Values(nil) {
		want -= 2 * real(cmplx.Sqrt(v))
	}
	for i := range muA {
		want += (muA[i] - muB[i]) * (muA[i] - muB[i])
	}
	if math.Abs(fd-want) > 1e-8*(1+want) {
		t.Errorf("FD %v, textbook %v", fd, want)
	}
	if _, err := FrechetDistance(a[:dim], b, dim); err == nil {
		t.Error("one vector gave a distance")
	}
}

// TestFrechetOnClassifierFeatures: with a briefly trained classifier's
// features, real test digits are near real training digits and far from
// noise, and they cover all ten classes.
func TestFrechetOnClassifierFeatures(t *testing.T) {
	train := mnist(t, "train-images-idx3-ubyte.gz", 6000)
	test := mnist(t, "t10k-images-idx3-ubyte.gz", 1000)
	c, err := NewClassifier(digitClassifierConfig(ArchDense, 64))
	if err != nil {
		t.Fatal(err)
	}
	if err := TrainClassifier(context.Background(), c, train, ClassifierTrainOptions{Epochs: 1, Batch: 32, LR: 2e-3, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	noise := make([]float32, len(test.Data))
	rng := rand.New(rand.NewSource(4))
	for i := range noise {
		noise[i] = rng.Float32()
	}
	feats := func(x []float32) []float32 {
		f, err := c.Features(x, len(x)/784)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	ft := feats(test.Data)
	real, _ := FrechetDistance(ft, feats(train.Data[:1000*784]), 32)
	fake, _ := FrechetDistance(ft, feats(noise), 32)
	t.Logf("FD test vs train %.3f, test vs noise %.3f", real, fake)
	if !(real*20 < fake) {
		t.Errorf("FD test vs train %v is not far below test vs noise %v", real, fake)
	}
	probs, _ := c.Predict(test.Data, test.Len())
	cov, err := ClassCoverage(probs, 10)
	if err != nil || cov.Present != 10 || cov.MaxShare > 0.2 || cov.N != 1000 {
		t.Errorf("coverage of real digits: %+v, %v", cov, err)
	}
}

func TestClassCoverage(t *testing.T) {
	probs := []float32{
		0.9, 0.1, 0,
		0.6, 0.3, 0.1,
		0.2, 0.7, 0.1,
		0.5, 0.2, 0.3,
	}
	c, err := ClassCoverage(probs, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.N != 4 || c.Present != 2 || c.MaxShare != 0.75 || c.Shares[1] != 0.25 || c.Shares[2] != 0 ||
		math.Abs(c.MeanConfidence-0.675) > 1e-6 {
		t.Errorf("%+v", c)
	}
	if _, err := ClassCoverage(probs[:5], 3); err == nil {
		t.Error("ragged rows accepted")
	}
}

// TestAssessGANRefusesAnotherImageSize: a GAN of 4×4 images cannot be
// scored by a classifier of 28×28 ones.
func TestAssessGANRefusesAnotherImageSize(t *testing.T) {
	m, err := NewGAN(GANConfig{Arch: GANArchMLP, Latent: 3, Width: 4, Height: 4, Channels: 1, GLayers: []int{5}, DLayers: []int{4},
		Output: GANOutTanh, Slope: 0.2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadClassifier("../assets/classifier/mnist.lsm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AssessGAN(c, m, 10, 1, nil); !errors.Is(err, ErrClassifierSize) || !strings.Contains(err.Error(), "4×4×1") {
		t.Errorf("AssessGAN of 4×4 images: %v", err)
	}
}
