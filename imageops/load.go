package imageops

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Load reads a dataset from src, which is either a folder of images (one
// subfolder per class) or an IDX file such as MNIST's
// train-images-idx3-ubyte.gz. A folder with no images but with IDX image
// files loads the training IDX file in it.
//
// Files that cannot be used are listed in Dataset.Skipped; Load fails only
// when nothing usable is found, the source is unreadable, the options are
// invalid, images differ in size while opt asks for the native size, or ctx
// is cancelled.
func Load(ctx context.Context, src string, opt Options) (*Dataset, error) {
	info, err := os.Stat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("image source %s does not exist", src)
	case err != nil:
		return nil, fmt.Errorf("image source %s: %w", src, bareError(err))
	case info.IsDir():
		return loadFolder(ctx, src, opt)
	case isImageName(src):
		return nil, fmt.Errorf("%s is a single image; choose a folder of images or an IDX file", src)
	default:
		return LoadIDX(ctx, src, opt)
	}
}

// NoImagesError is returned when a folder holds no usable image. Skipped
// tells the user what was there instead.
type NoImagesError struct {
	Dir     string
	Skipped []Skipped
}

func (e *NoImagesError) Error() string {
	msg := "no images found in " + e.Dir
	if len(e.Skipped) == 0 {
		return msg
	}
	const shown = 3
	var reasons []string
	for _, s := range e.Skipped[:min(shown, len(e.Skipped))] {
		rel, err := filepath.Rel(e.Dir, s.Path)
		if err != nil {
			rel = s.Path
		}
		reasons = append(reasons, rel+": "+s.Reason)
	}
	if more := len(e.Skipped) - shown; more > 0 {
		reasons = append(reasons, fmt.Sprintf("and %d more", more))
	}
	return fmt.Sprintf("%s (%d %s skipped: %s)", msg, len(e.Skipped), plural(len(e.Skipped), "file", "files"), strings.Join(reasons, "; "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
