package imageops

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// loadFolder loads every image under dir; see Load.
func loadFolder(ctx context.Context, dir string, opt Options) (*Dataset, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	sc, err := scanFolder(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", dir, err)
	}
	if len(sc.images) == 0 && len(sc.idxImages) > 0 {
		return LoadIDX(ctx, pickIDX(sc.idxImages), opt)
	}
	for _, p := range append(sc.idxImages, sc.idxLabels...) {
		sc.skipped = append(sc.skipped, Skipped{p, "IDX data file (ignored because the folder also holds images)"})
	}

	l := &folderLoader{dir: dir, opt: opt, w: opt.Width, h: opt.Height}
	if opt.nativeSize() {
		l.probeSize(sc.images)
	}
	ds, err := l.load(ctx, sc.images)
	if err != nil {
		return nil, err
	}
	ds.Skipped = append(ds.Skipped, sc.skipped...)
	sort.Slice(ds.Skipped, func(i, j int) bool { return ds.Skipped[i].Path < ds.Skipped[j].Path })
	if ds.Len() == 0 {
		return nil, &NoImagesError{Dir: dir, Skipped: ds.Skipped}
	}
	ds.Labels, ds.Classes = classLabels(dir, ds.Files)
	return ds, nil
}

// folderLoader decodes image files in parallel straight into one buffer.
type folderLoader struct {
	dir  string
	opt  Options
	w, h int

	nativeFrom string // with native size: the file that set w×h
}

// probeSize takes the native size from the first image with a usable header.
// When there is none every image will be skipped anyway and 1×1 will do.
func (l *folderLoader) probeSize(paths []string) {
	l.w, l.h = 1, 1
	d := newDecoder(l.opt)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		cfg, err := d.config(f)
		f.Close()
		if err == nil {
			l.w, l.h, l.nativeFrom = cfg.Width, cfg.Height, p
			return
		}
	}
}

// load decodes up to opt.Limit good images, in path order. With a limit it
// works in batches: when some files of a batch are skipped, the next batch
// covers just the shortfall, so the result is the first Limit good images
// whatever the scheduling, and files beyond them are never opened.
func (l *folderLoader) load(ctx context.Context, paths []string) (*Dataset, error) {
	size := l.opt.Channels() * l.w * l.h
	limit := len(paths)
	if l.opt.Limit > 0 && l.opt.Limit < limit {
		limit = l.opt.Limit
	}
	data := make([]float32, limit*size)
	var files []string
	var sources []image.Point
	var skipped []Skipped

	prog := startProgress(l.opt.Progress, limit)
	next := 0
	for len(files) < limit && next < len(paths) {
		base := len(files)
		batch := paths[next:min(len(paths), next+limit-base)]
		if next > 0 {
			prog.addTotal(len(batch))
		}
		next += len(batch)
		srcSizes := make([]image.Point, len(batch))
		errs, err := l.decodeAll(ctx, batch, data[base*size:], size, srcSizes, prog)
		if err != nil {
			prog.stop()
			return nil, err
		}
		// Close the gaps left by skipped files; k <= base+i, so copying
		// forward never overwrites an image not yet moved.
		for i, p := range batch {
			if errs[i] != nil {
				skipped = append(skipped, Skipped{p, errs[i].Error()})
				continue
			}
			if k := len(files); k != base+i {
				copy(data[k*size:(k+1)*size], data[(base+i)*size:(base+i+1)*size])
			}
			files = append(files, p)
			sources = append(sources, srcSizes[i])
		}
	}
	prog.stop()

	data = data[:len(files)*size]
	if cap(data) > 2*len(data) { // many skipped: don't keep the slack
		data = slices.Clone(data)
	}
	return &Dataset{
		Width: l.w, Height: l.h, Channels: l.opt.Channels(),
		Data: data, Files: files, Skipped: skipped, SourceSizes: sources,
	}, nil
}

// decodeAll decodes paths[i] into dst[i*size:] with opt.Workers goroutines.
// It returns the per-file skip errors, or an error that stops the load
// (cancellation, or mixed sizes when the native size was asked for).
func (l *folderLoader) decodeAll(ctx context.Context, paths []string, dst []float32, size int, srcSizes []image.Point, prog *progress) ([]error, error) {
	parent := ctx
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(l.opt.Workers, len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := newDecoder(l.opt)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				err := l.decodeFile(d, paths[i], dst[i*size:(i+1)*size], &srcSizes[i])
				if _, ok := err.(*skipError); err != nil && !ok {
					cancel(err)
					return
				}
				errs[i] = err
				if err == nil && l.opt.OnDecoded != nil {
					l.opt.OnDecoded(dst[i*size : (i+1)*size])
				}
				prog.add(1)
			}
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, fmt.Errorf("loading %s: %w", l.dir, err)
	}
	if ctx.Err() != nil { // a worker hit an error that stops the load
		return nil, context.Cause(ctx)
	}
	return errs, nil
}

// decodeFile loads one image into dst. It returns a *skipError for a file
// that cannot be used, or another error that must stop the whole load.
func (l *folderLoader) decodeFile(d *decoder, path string, dst []float32, srcSize *image.Point) error {
	f, err := os.Open(path)
	if err != nil {
		return skipf("cannot open: %v", bareError(err))
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() == 0 {
		return skipf("empty file")
	}
	cfg, err := d.config(f)
	if err != nil {
		return err
	}
	*srcSize = image.Pt(cfg.Width, cfg.Height)
	if l.opt.nativeSize() && (cfg.Width != l.w || cfg.Height != l.h) {
		return fmt.Errorf("images in %s have different sizes (%s is %dx%d but %s is %dx%d); choose a target width and height",
			l.dir, l.nativeFrom, l.w, l.h, path, cfg.Width, cfg.Height)
	}
	img, err := d.decode(f)
	if err != nil {
		return err
	}
	writeValues(dst, img, l.w, l.h, l.opt.Gray)
	return nil
}

// classLabels names each file's class after its first-level subfolder of
// dir. Files directly in dir get -1; classes are sorted by name.
func classLabels(dir string, files []string) (labels []int, classes []string) {
	names := make([]string, len(files))
	seen := map[string]bool{}
	for i, f := range files {
		rel, err := filepath.Rel(dir, f)
		if err != nil {
			continue
		}
		if top, _, ok := strings.Cut(filepath.ToSlash(rel), "/"); ok {
			names[i] = top
			if !seen[top] {
				seen[top] = true
				classes = append(classes, top)
			}
		}
	}
	sort.Strings(classes)
	index := make(map[string]int, len(classes))
	for i, c := range classes {
		index[c] = i
	}
	labels = make([]int, len(files))
	for i, n := range names {
		labels[i] = -1
		if n != "" {
			labels[i] = index[n]
		}
	}
	return labels, classes
}
