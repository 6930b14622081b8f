package imageops

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// IDX is the format of MNIST and Fashion-MNIST: a big-endian magic number
// (0x0000 0x08=unsigned bytes, then the number of dimensions), the size of
// each dimension as int32, then the bytes.
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801

	maxIDXSide   = 4096
	maxIDXValues = 1 << 31
)

// LoadIDX reads an IDX images file (gzipped or not). When a labels file sits
// beside it (the name with "images-idx3" replaced by "labels-idx1", as in
// MNIST), its labels become the classes "0", "1", ...
func LoadIDX(ctx context.Context, imagesPath string, opt Options) (*Dataset, error) {
	f, err := os.Open(imagesPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("IDX file %s does not exist", imagesPath)
	} else if err != nil {
		return nil, fmt.Errorf("IDX file %s: %w", imagesPath, bareError(err))
	}
	defer f.Close()

	var labels io.Reader
	labelsPath := idxLabelsPath(imagesPath)
	if labelsPath != "" {
		lf, err := os.Open(labelsPath)
		if err != nil {
			return nil, fmt.Errorf("IDX labels file %s: %w", labelsPath, bareError(err))
		}
		defer lf.Close()
		labels = lf
	}
	return readIDX(ctx, f, labels, imagesPath, labelsPath, opt)
}

// ReadIDX is LoadIDX for data that is not in a file, such as embedded
// assets. labels may be nil; name is used in Files and error messages.
func ReadIDX(images io.Reader, labels io.Reader, name string, opt Options) (*Dataset, error) {
	return readIDX(context.Background(), images, labels, name, name+" (labels)", opt)
}

func readIDX(ctx context.Context, images, labels io.Reader, name, labelsName string, opt Options) (*Dataset, error) {
	opt, err := opt.normalized()
	if err != nil {
		return nil, err
	}
	imgR, imgSize, err := idxStream(images, name)
	if err != nil {
		return nil, err
	}
	dims, err := readIDXHeader(imgR, name, idxImagesMagic, 3)
	if err != nil {
		return nil, err
	}
	n, rows, cols := dims[0], dims[1], dims[2]
	switch {
	case n == 0:
		return nil, fmt.Errorf("IDX file %s declares no images", name)
	case rows < 1 || cols < 1 || rows > maxIDXSide || cols > maxIDXSide || int64(n)*int64(rows)*int64(cols) > maxIDXValues:
		return nil, fmt.Errorf("IDX file %s declares an implausible size: %d images of %dx%d", name, n, rows, cols)
	}
	// An uncompressed file's size tells at once whether it is truncated,
	// before anything is allocated from the header's claims.
	if imgSize >= 0 {
		if have := (imgSize - 16) / int64(rows*cols); have < int64(n) {
			return nil, truncatedIDX(name, n, rows, cols, max(have, 0))
		}
	}
	count := n
	if opt.Limit > 0 && opt.Limit < n {
		count = opt.Limit
	}

	var labelBytes []byte
	if labels != nil {
		if labelBytes, err = readIDXLabels(labels, labelsName, name, n, count); err != nil {
			return nil, err
		}
	}

	pix, err := readIDXPixels(ctx, imgR, imgSize >= 0, name, n, rows, cols, count)
	if err != nil {
		return nil, err
	}
	w, h := cols, rows
	if !opt.nativeSize() {
		w, h = opt.Width, opt.Height
	}
	data, err := idxValues(ctx, pix, rows, cols, w, h, opt)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}

	ds := &Dataset{Width: w, Height: h, Channels: opt.Channels(), Data: data}
	ds.Files = make([]string, count)
	for i := range ds.Files {
		ds.Files[i] = name + "#" + strconv.Itoa(i)
	}
	ds.Labels, ds.Classes = idxClasses(labelBytes, count)
	return ds, nil
}

// readIDXPixels reads the bytes of the first count images. When the size
// could not be checked up front (gzip), the buffer grows with the data that
// actually arrives, so a lying header cannot make us allocate gigabytes.
func readIDXPixels(ctx context.Context, r io.Reader, sized bool, name string, n, rows, cols, count int) ([]byte, error) {
	const chunk = 4 << 20 // read in pieces to notice cancellation
	img := rows * cols
	total := count * img
	pix := make([]byte, 0, min(total, chunk))
	if sized {
		pix = make([]byte, 0, total)
	}
	for len(pix) < total {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("loading %s: %w", name, err)
		}
		if len(pix) == cap(pix) { // doubling keeps the copying linear
			pix = append(make([]byte, 0, min(total, 2*cap(pix))), pix...)
		}
		k, err := io.ReadFull(r, pix[len(pix):min(cap(pix), len(pix)+chunk)])
		pix = pix[:len(pix)+k]
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, truncatedIDX(name, n, rows, cols, int64(len(pix)/img))
		case err != nil:
			return nil, fmt.Errorf("reading IDX file %s: %w", name, err)
		}
	}
	return pix, nil
}

// idxValues converts rows×cols byte images to w×h values, in parallel since
// resizing tens of thousands of images takes a while.
func idxValues(ctx context.Context, pix []byte, rows, cols, w, h int, opt Options) ([]float32, error) {
	const batch = 256
	img := rows * cols
	count := len(pix) / img
	size := opt.Channels() * w * h
	data := make([]float32, count*size)
	prog := startProgress(opt.Progress, count)
	defer prog.stop()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(opt.Workers, (count+batch-1)/batch) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gray := &image.Gray{Stride: cols, Rect: image.Rect(0, 0, cols, rows)}
			for ctx.Err() == nil {
				lo := int(next.Add(batch)) - batch
				if lo >= count {
					return
				}
				hi := min(lo+batch, count)
				for i := lo; i < hi; i++ {
					gray.Pix = pix[i*img : (i+1)*img]
					writeValues(data[i*size:(i+1)*size], gray, w, h, opt.Gray)
				}
				prog.add(hi - lo)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return data, nil
}

// readIDXLabels reads the first count labels of a labels file that must
// declare n of them.
func readIDXLabels(r io.Reader, name, imagesName string, n, count int) ([]byte, error) {
	lr, size, err := idxStream(r, name)
	if err != nil {
		return nil, err
	}
	dims, err := readIDXHeader(lr, name, idxLabelsMagic, 1)
	if err != nil {
		return nil, err
	}
	if dims[0] != n {
		return nil, fmt.Errorf("IDX labels file %s has %d labels but %s has %d images", name, dims[0], imagesName, n)
	}
	if size >= 0 && size-8 < int64(n) {
		return nil, fmt.Errorf("truncated IDX labels file %s: header declares %d labels but only %d are present", name, n, max(size-8, 0))
	}
	// ReadAll grows with the data, so a lying gzipped header costs nothing.
	b, err := io.ReadAll(io.LimitReader(lr, int64(count)))
	if err != nil {
		return nil, fmt.Errorf("reading IDX labels file %s: %w", name, err)
	}
	if len(b) < count {
		return nil, fmt.Errorf("truncated IDX labels file %s: header declares %d labels but only %d are present", name, n, len(b))
	}
	return b, nil
}

// idxClasses turns raw label bytes into class indices; the classes are the
// distinct values, in numeric order, written in decimal.
func idxClasses(raw []byte, count int) (labels []int, classes []string) {
	labels = make([]int, count)
	if raw == nil {
		for i := range labels {
			labels[i] = -1
		}
		return labels, nil
	}
	var present [256]bool
	for _, b := range raw {
		present[b] = true
	}
	var index [256]int
	for v, ok := range present {
		if ok {
			index[v] = len(classes)
			classes = append(classes, strconv.Itoa(v))
		}
	}
	for i, b := range raw {
		labels[i] = index[b]
	}
	return labels, classes
}

func truncatedIDX(name string, n, rows, cols int, have int64) error {
	return fmt.Errorf("truncated IDX file %s: header declares %d images of %dx%d but only %d are present", name, n, rows, cols, have)
}

// idxStream unwraps gzip, recognised by its magic bytes rather than the file
// name. size is the number of bytes left when known (uncompressed data whose
// length can be asked), else -1.
func idxStream(r io.Reader, name string) (_ io.Reader, size int64, _ error) {
	size = remaining(r)
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("IDX file %s: bad gzip data: %w", name, err)
		}
		return bufio.NewReaderSize(zr, 64<<10), -1, nil
	}
	return br, size, nil
}

func remaining(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len())
	case *os.File:
		info, err := v.Stat()
		if err != nil || !info.Mode().IsRegular() {
			return -1
		}
		off, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return info.Size() - off
	}
	return -1
}

// readIDXHeader checks the magic number and returns the dimension sizes.
func readIDXHeader(r io.Reader, name string, want uint32, ndims int) ([]int, error) {
	kind := "images"
	if want == idxLabelsMagic {
		kind = "labels"
	}
	hdr := make([]byte, 4*(1+ndims))
	if _, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("IDX %s file %s is too short to hold a header", kind, name)
		}
		return nil, fmt.Errorf("reading IDX file %s: %w", name, err)
	}
	if magic := binary.BigEndian.Uint32(hdr); magic != want {
		return nil, fmt.Errorf("%s is not an IDX %s file: magic number is 0x%08x, want 0x%08x%s", name, kind, magic, want, magicHint(magic))
	}
	dims := make([]int, ndims)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
	}
	return dims, nil
}

func magicHint(m uint32) string {
	switch {
	case m == idxLabelsMagic:
		return " (an IDX labels file)"
	case m == idxImagesMagic:
		return " (an IDX images file)"
	case m == 0x89504e47:
		return " (a PNG image)"
	case m>>16 == 0 && m>>8&0xff != 0x08:
		return fmt.Sprintf(" (IDX of value type 0x%02x; only unsigned bytes are supported)", m>>8&0xff)
	case m>>16 == 0:
		return fmt.Sprintf(" (IDX with %d dimensions)", m&0xff)
	}
	return ""
}

func isIDXImagesName(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(n, "-images-idx3-ubyte") || strings.HasSuffix(n, "-images.idx3-ubyte")
}

func isIDXLabelsName(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(n, "-labels-idx1-ubyte") || strings.HasSuffix(n, "-labels.idx1-ubyte")
}

// idxLabelsPath finds the labels file beside an images file, with or
// without ".gz", or returns "".
func idxLabelsPath(imagesPath string) string {
	dir, name := filepath.Split(imagesPath)
	lname := strings.NewReplacer("images-idx3", "labels-idx1", "images.idx3", "labels.idx1").Replace(name)
	if lname == name {
		return ""
	}
	alt := lname + ".gz"
	if strings.HasSuffix(lname, ".gz") {
		alt = strings.TrimSuffix(lname, ".gz")
	}
	for _, c := range []string{lname, alt} {
		p := filepath.Join(dir, c)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// IsIDX reports whether src is an MNIST-style IDX images file, or a folder
// holding one directly: sources whose images are gray and share one size.
func IsIDX(src string) bool {
	st, err := os.Stat(src)
	if err != nil {
		return false
	}
	if !st.IsDir() {
		return isIDXImagesName(filepath.Base(src))
	}
	entries, _ := os.ReadDir(src)
	for _, e := range entries {
		if !e.IsDir() && isIDXImagesName(e.Name()) {
			return true
		}
	}
	return false
}
