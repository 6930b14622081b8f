package imageops

import "math"

// CIE L*a*b* under the D65 white point, from and to sRGB in [0,1] (the
// colorizer sees L and predicts a and b). L lies in [0,100]; a and b in
// about [-128,128] for sRGB colours.

// D65 reference white in XYZ (Y = 1).
const (
	whiteX = 0.95047
	whiteY = 1.0
	whiteZ = 1.08883
)

// RGBToLab converts one sRGB colour (components in [0,1]) to L*a*b*.
func RGBToLab(r, g, b float64) (l, a, bb float64) {
	lr, lg, lb := srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)
	m := &rgbToXYZ
	x := (m[0][0]*lr + m[0][1]*lg + m[0][2]*lb) / whiteX
	y := (m[1][0]*lr + m[1][1]*lg + m[1][2]*lb) / whiteY
	z := (m[2][0]*lr + m[2][1]*lg + m[2][2]*lb) / whiteZ
	fx, fy, fz := labF(x), labF(y), labF(z)
	return 116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)
}

// LabToRGB converts L*a*b* to sRGB, clipped to [0,1] (a colour outside the
// sRGB gamut comes back as the nearest one per component).
func LabToRGB(l, a, bb float64) (r, g, b float64) {
	fy := (l + 16) / 116
	fx := fy + a/500
	fz := fy - bb/200
	x, y, z := labFInv(fx)*whiteX, labFInv(fy)*whiteY, labFInv(fz)*whiteZ
	m := &xyzToRGB
	lr := m[0][0]*x + m[0][1]*y + m[0][2]*z
	lg := m[1][0]*x + m[1][1]*y + m[1][2]*z
	lb := m[2][0]*x + m[2][1]*y + m[2][2]*z
	return clip01(linearToSRGB(lr)), clip01(linearToSRGB(lg)), clip01(linearToSRGB(lb))
}

// rgbToXYZ is linear sRGB to XYZ (D65); xyzToRGB is its exact inverse,
// computed rather than copied as rounded constants, so that a round trip
// returns the colour to within float64 rounding.
var (
	rgbToXYZ = [3][3]float64{
		{0.4124564, 0.3575761, 0.1804375},
		{0.2126729, 0.7151522, 0.0721750},
		{0.0193339, 0.1191920, 0.9503041},
	}
	xyzToRGB = invert3(rgbToXYZ)
)

// invert3 inverts a 3×3 matrix by its adjugate.
func invert3(m [3][3]float64) [3][3]float64 {
	var inv [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			// Cofactor of (j, i), with cyclic indices giving the sign.
			a, b := (j+1)%3, (j+2)%3
			c, d := (i+1)%3, (i+2)%3
			inv[i][j] = m[a][c]*m[b][d] - m[a][d]*m[b][c]
		}
	}
	det := m[0][0]*inv[0][0] + m[0][1]*inv[1][0] + m[0][2]*inv[2][0]
	for i := range inv {
		for j := range inv[i] {
			inv[i][j] /= det
		}
	}
	return inv
}

const labEps = 216.0 / 24389 // (6/29)^3

func labF(t float64) float64 {
	if t > labEps {
		return math.Cbrt(t)
	}
	return t*(24389.0/27)/116 + 16.0/116
}

func labFInv(f float64) float64 {
	if f3 := f * f * f; f3 > labEps {
		return f3
	}
	return (116*f - 16) * 27 / 24389
}

func srgbToLinear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func linearToSRGB(c float64) float64 {
	if c <= 0.0031308 {
		return 12.92 * c
	}
	return 1.055*math.Pow(c, 1/2.4) - 0.055
}

func clip01(v float64) float64 { return math.Min(math.Max(v, 0), 1) }

// ImageToLab turns n RGB pixels laid out as three planes (R, G, B) into
// three planes (L, a, b).
func ImageToLab(rgb []float32, n int) []float32 {
	out := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		l, a, b := RGBToLab(float64(rgb[i]), float64(rgb[n+i]), float64(rgb[2*n+i]))
		out[i], out[n+i], out[2*n+i] = float32(l), float32(a), float32(b)
	}
	return out
}

// LabToImage turns three planes (L, a, b) of n pixels back into RGB planes.
func LabToImage(lab []float32, n int) []float32 {
	out := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		r, g, b := LabToRGB(float64(lab[i]), float64(lab[n+i]), float64(lab[2*n+i]))
		out[i], out[n+i], out[2*n+i] = float32(r), float32(g), float32(b)
	}
	return out
}
