package imageops

import "fmt"

// LoadImage reads one image file with the same checks as Load (declared size
// limits, decoder errors) and converts it to w×h values, gray or RGB.
func LoadImage(path string, w, h int, gray bool) ([]float32, error) {
	opt, err := Options{Width: w, Height: h, Gray: gray}.normalized()
	if err != nil {
		return nil, err
	}
	img, err := decodePath(newDecoder(opt), path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return FromImage(img, w, h, gray), nil
}
