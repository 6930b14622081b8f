package models

import (
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// pcaReference computes the principal components of an n×d matrix the other
// way round from FitPCA: by an SVD of the centred data. It returns the
// components (rows), the variances s²/(n-1) and the projections U·S, with
// the same sign convention as FitPCA.
func pcaReference(t *testing.T, data []float64, n, d, k int) (comps [][]float64, vars, proj []float64) {
	t.Helper()
	x := mat.NewDense(n, d, append([]float64(nil), data...))
	for j := 0; j < d; j++ {
		col := mat.Col(nil, j, x)
		var m float64
		for _, v := range col {
			m += v
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			x.Set(i, j, x.At(i, j)-m)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		t.Fatal("reference SVD failed")
	}
	s := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	proj = make([]float64, n*k)
	for c := 0; c < k; c++ {
		comp := mat.Col(nil, c, &v)
		big := 0
		for j := range comp {
			if math.Abs(comp[j]) > math.Abs(comp[big]) {
				big = j
			}
		}
		if comp[big] < 0 {
			for j := range comp {
				comp[j] = -comp[j]
			}
		}
		comps = append(comps, comp)
		vars = append(vars, s[c]*s[c]/float64(n-1))
		// The projection of row i is (centred row i)·comp.
		for i := 0; i < n; i++ {
			proj[i*k+c] = mat.Dot(x.RowView(i), mat.NewVecDense(d, comp))
		}
	}
	return comps, vars, proj
}

func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func TestPCAMatchesSVDReference(t *testing.T) {
	// Values exactly representable as float32, so both sides see the same data.
	data := []float64{
		2.5, 2.4, 0.5, 1.0,
		0.5, 0.7, 1.5, -1.0,
		2.25, 2.875, 0.25, 0.5,
		1.875, 2.25, -0.5, 2.0,
		3.0, 3.0, 1.0, 0.0,
		2.25, 2.75, 0.0, 1.5,
		2.0, 1.625, 2.0, -0.5,
		1.0, 1.125, 1.25, 0.25,
		1.5, 1.625, -1.0, 1.0,
		1.125, 0.875, 0.75, -0.25,
	}
	n, d, k := 10, 4, 3
	p, err := FitPCA(toFloat32(data), n, d, k)
	if err != nil {
		t.Fatal(err)
	}
	comps, vars, proj := pcaReference(t, data, n, d, k)
	if len(p.Components) != k || len(p.Variance) != k || len(p.Mean) != d {
		t.Fatalf("got %d components, %d variances, %d means", len(p.Components), len(p.Variance), len(p.Mean))
	}
	for c := 0; c < k; c++ {
		var norm float64
		for j := 0; j < d; j++ {
			norm += p.Components[c][j] * p.Components[c][j]
			if math.Abs(p.Components[c][j]-comps[c][j]) > 1e-6 {
				t.Errorf("component %d value %d: got %.9f, reference %.9f", c, j, p.Components[c][j], comps[c][j])
			}
		}
		if math.Abs(norm-1) > 1e-9 {
			t.Errorf("component %d has norm² %g", c, norm)
		}
		if math.Abs(p.Variance[c]-vars[c]) > 1e-6 {
			t.Errorf("variance %d: got %.9f, reference %.9f", c, p.Variance[c], vars[c])
		}
		if c > 0 && p.Variance[c] > p.Variance[c-1] {
			t.Errorf("variances not decreasing: %v", p.Variance)
		}
	}
	got := p.Project(toFloat32(data), n)
	for i := range proj {
		if math.Abs(got[i]-proj[i]) > 1e-6 {
			t.Errorf("projection %d (row %d, PC%d): got %.9f, reference %.9f", i, i/k, i%k+1, got[i], proj[i])
		}
	}
}

func TestPCAFindsTheStretchedDirection(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	n := 2000
	angle := 0.6 // radians
	u := []float64{math.Cos(angle), math.Sin(angle)}
	w := []float64{-u[1], u[0]}
	data := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		a, b := 5*rng.NormFloat64(), 0.5*rng.NormFloat64()
		data[2*i] = float32(3 + a*u[0] + b*w[0])
		data[2*i+1] = float32(-1 + a*u[1] + b*w[1])
	}
	p, err := FitPCA(data, n, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	// u has both entries positive and u[0] the largest, so the sign
	// convention gives +u.
	if dot := p.Components[0][0]*u[0] + p.Components[0][1]*u[1]; dot < 0.999 {
		t.Errorf("PC1 = %v, want close to %v (dot %.5f)", p.Components[0], u, dot)
	}
	if math.Abs(p.Variance[0]-25)/25 > 0.1 || math.Abs(p.Variance[1]-0.25)/0.25 > 0.1 {
		t.Errorf("variances %v, want about [25 0.25]", p.Variance)
	}
	if math.Abs(p.Mean[0]-3) > 0.3 || math.Abs(p.Mean[1]+1) > 0.3 {
		t.Errorf("mean %v, want about [3 -1]", p.Mean)
	}
}

func TestPCAProjectReconstructRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n, d := 50, 6
	data := make([]float32, n*d)
	for i := range data {
		data[i] = float32(rng.NormFloat64()*2 + float64(i%d))
	}
	p, err := FitPCA(data, n, d, d)
	if err != nil {
		t.Fatal(err)
	}
	coords := p.Project(data, n)
	for i := 0; i < n; i++ {
		back := p.Reconstruct(coords[i*d : (i+1)*d])
		for j := 0; j < d; j++ {
			if diff := math.Abs(float64(back[j] - data[i*d+j])); diff > 1e-5 {
				t.Fatalf("vector %d value %d: got %g back, want %g", i, j, back[j], data[i*d+j])
			}
		}
	}
}

func TestPCARefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		name    string
		n, d, k int
		values  int
	}{
		{"one vector", 1, 3, 2, 3},
		{"no vectors", 0, 3, 1, 0},
		{"k > d", 5, 3, 4, 15},
		{"k = 0", 5, 3, 0, 15},
		{"wrong length", 5, 3, 2, 14},
	} {
		if _, err := FitPCA(make([]float32, c.values), c.n, c.d, c.k); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	nan := []float32{1, 2, float32(math.NaN()), 4}
	if _, err := FitPCA(nan, 2, 2, 1); err == nil {
		t.Error("NaN data: no error")
	}
}
