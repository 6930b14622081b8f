package imageops

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// scanResult is what a walk of an image folder found.
type scanResult struct {
	images    []string // image files, sorted by path
	idxImages []string // MNIST-style IDX image files, sorted by path
	idxLabels []string // their label files
	skipped   []Skipped
}

// scanFolder walks dir recursively. Hidden files and folders (".name") are
// ignored silently; every other non-image file is recorded as skipped.
func scanFolder(ctx context.Context, dir string) (*scanResult, error) {
	sc := &scanResult{}
	skip := func(path, reason string) { sc.skipped = append(sc.skipped, Skipped{path, reason}) }
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if path == dir {
				return err
			}
			skip(path, "cannot read: "+bareError(err).Error())
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		mode := d.Type()
		if mode&fs.ModeSymlink != 0 {
			// Follow links to files; links to folders could form cycles.
			info, err := os.Stat(path)
			switch {
			case err != nil:
				skip(path, "broken symbolic link")
				return nil
			case info.IsDir():
				skip(path, "symbolic link to a folder (not followed)")
				return nil
			}
			mode = info.Mode().Type()
		}
		switch {
		case d.IsDir():
			return nil
		case !mode.IsRegular():
			skip(path, "not a regular file")
		case isIDXImagesName(d.Name()):
			sc.idxImages = append(sc.idxImages, path)
		case isIDXLabelsName(d.Name()):
			sc.idxLabels = append(sc.idxLabels, path)
		case isImageName(d.Name()):
			sc.images = append(sc.images, path)
		default:
			skip(path, notImageReason(d.Name()))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// WalkDir's order puts "a/x" before "a.b"; a plain sort is simpler to
	// explain and reproduce.
	sort.Strings(sc.images)
	sort.Strings(sc.idxImages)
	return sc, nil
}

func notImageReason(name string) string {
	if ext := filepath.Ext(name); ext != "" {
		return "not an image (extension " + ext + ")"
	}
	return "not an image (no extension)"
}

// pickIDX prefers the training set when a folder holds several IDX files.
func pickIDX(paths []string) string {
	for _, p := range paths {
		if strings.HasPrefix(strings.ToLower(filepath.Base(p)), "train") {
			return p
		}
	}
	return paths[0]
}

// bareError drops the "open /path:" prefix of a path error, for messages
// that already name the file.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
