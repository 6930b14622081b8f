package models

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// FrechetDistance is the Frechet distance between Gaussians fitted to two
// sets of feature vectors (a holds na×dim values, b nb×dim, row by row):
//
//	||mu_a - mu_b||² + Tr(S_a + S_b - 2 (S_a S_b)^½)
//
// with sample covariances (denominator n-1), as in FID (Heusel et al.,
// 2017) but on our own classifier's features. Tr (S_a S_b)^½ is taken as
// Tr (√S_a S_b √S_a)^½, whose matrix is symmetric and positive
// semi-definite, from two symmetric eigendecompositions: no complex
// square roots of a non-symmetric product.
func FrechetDistance(a, b []float32, dim int) (float64, error) {
	if dim < 1 {
		return 0, fmt.Errorf("frechet distance: dimension %d", dim)
	}
	muA, sA, err := gaussian(a, dim)
	if err != nil {
		return 0, err
	}
	muB, sB, err := gaussian(b, dim)
	if err != nil {
		return 0, err
	}
	var d2 float64
	for i := range muA {
		d2 += (muA[i] - muB[i]) * (muA[i] - muB[i])
	}
	root, err := sqrtSym(sA)
	if err != nil {
		return 0, err
	}
	var m mat.Dense
	m.Product(root, sB, root)
	vals, err := eigenvalues(symmetrized(&m))
	if err != nil {
		return 0, err
	}
	var trRoot float64
	for _, v := range vals {
		trRoot += math.Sqrt(max(v, 0)) // rounding leaves tiny negative eigenvalues
	}
	fd := d2 + mat.Trace(sA) + mat.Trace(sB) - 2*trRoot
	return max(fd, 0), nil
}

// gaussian is the mean and sample covariance of the rows of x.
func gaussian(x []float32, dim int) ([]float64, *mat.SymDense, error) {
	n := len(x) / dim
	if n < 2 || len(x) != n*dim {
		return nil, nil, fmt.Errorf("frechet distance: need at least 2 vectors of %d values, got %d values", dim, len(x))
	}
	rows := mat.NewDense(n, dim, nil)
	for i := range n {
		for j := range dim {
			rows.Set(i, j, float64(x[i*dim+j]))
		}
	}
	mu := make([]float64, dim)
	for j := range mu {
		mu[j] = stat.Mean(mat.Col(nil, j, rows), nil)
	}
	cov := mat.NewSymDense(dim, nil)
	stat.CovarianceMatrix(cov, rows, nil)
	return mu, cov, nil
}

// sqrtSym is the symmetric square root V diag(√λ) Vᵀ of a covariance,
// negative rounding-level eigenvalues taken as 0.
func sqrtSym(s *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, errors.New("frechet distance: eigendecomposition failed")
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	vals := eig.Values(nil)
	for i := range vals {
		vals[i] = math.Sqrt(max(vals[i], 0))
	}
	var out mat.Dense
	out.Product(&v, mat.NewDiagDense(len(vals), vals), v.T())
	return &out, nil
}

func eigenvalues(s *mat.SymDense) ([]float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, false) {
		return nil, errors.New("frechet distance: eigendecomposition failed")
	}
	return eig.Values(nil), nil
}

// symmetrized is (m + mᵀ)/2, removing rounding asymmetry.
func symmetrized(m *mat.Dense) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	return s
}

// Coverage describes the labels a classifier gives a set of images.
type Coverage struct {
	N        int       `json:"n"`
	Shares   []float64 `json:"shares"`    // per class: the share of images it is the most probable class of
	Present  int       `json:"present"`   // classes with at least one image
	MaxShare float64   `json:"max_share"` // the largest share
	// MeanConfidence is the mean probability of each image's most probable
	// class: low when images look like no class in particular.
	MeanConfidence float64 `json:"mean_confidence"`
}

// ClassCoverage summarises class probabilities (n rows of k values).
func ClassCoverage(probs []float32, k int) (Coverage, error) {
	if k < 1 || len(probs)%k != 0 || len(probs) == 0 {
		return Coverage{}, fmt.Errorf("class coverage: %d probabilities are not rows of %d classes", len(probs), k)
	}
	c := Coverage{N: len(probs) / k, Shares: make([]float64, k)}
	for r := 0; r < c.N; r++ {
		row := probs[r*k : (r+1)*k]
		top := argmax(row)
		c.Shares[top]++
		c.MeanConfidence += float64(row[top])
	}
	c.MeanConfidence /= float64(c.N)
	for i := range c.Shares {
		if c.Shares[i] > 0 {
			c.Present++
		}
		c.Shares[i] /= float64(c.N)
		c.MaxShare = max(c.MaxShare, c.Shares[i])
	}
	return c, nil
}

// ImageQuality is what a classifier says of a set of images: which classes
// they look like, and how far their features lie from real images'.
type ImageQuality struct {
	Coverage
	Classes []string // the classifier's, in the order of Shares
	// FrechetDistance between the features of the images and of NReal
	// real images; NaN when no real images were given.
	FrechetDistance float64
	NReal           int
}

// AssessImages classifies images (n × ImageSize values in [0,1]) and, when
// real images are given, measures the Frechet distance of their features.
func AssessImages(c *Classifier, images, real []float32) (ImageQuality, error) {
	size := c.cfg.ImageSize()
	q := ImageQuality{Classes: c.cfg.Classes, FrechetDistance: math.NaN(), NReal: len(real) / size}
	probs, feats, err := c.Classify(images, len(images)/size)
	if err != nil {
		return q, err
	}
	if q.Coverage, err = ClassCoverage(probs, len(c.cfg.Classes)); err != nil || len(real) == 0 {
		return q, err
	}
	realFeats, err := c.Features(real, q.NReal)
	if err != nil {
		return q, err
	}
	q.FrechetDistance, err = FrechetDistance(feats, realFeats, c.cfg.Feature)
	return q, err
}

// ErrClassifierSize is wrapped by AssessGAN when the GAN's images are not
// of the size the classifier takes.
var ErrClassifierSize = errors.New("the classifier takes images of another size")

// AssessGAN is AssessImages on n images the GAN makes from noise drawn with
// the seed. Their size must be the classifier's.
func AssessGAN(c *Classifier, m *GAN, n int, seed int64, real []float32) (ImageQuality, error) {
	g, cc := m.cfg, c.cfg
	if g.Width != cc.Width || g.Height != cc.Height || g.Channels != cc.Channels {
		return ImageQuality{}, fmt.Errorf("%w: the GAN makes %d×%d×%d images, the classifier takes %d×%d×%d",
			ErrClassifierSize, g.Width, g.Height, g.Channels, cc.Width, cc.Height, cc.Channels)
	}
	x, err := m.Sample(n, seed)
	if err != nil {
		return ImageQuality{}, err
	}
	return AssessImages(c, x, real)
}
