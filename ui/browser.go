package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
)

// allClasses is the class filter's choice that shows every image.
const allClasses = "All classes"

// DatasetBrowser shows every image of a dataset in a virtualized grid
// (widget.GridWrap creates cells only for what is on screen, so 60,000
// images scroll as smoothly as 60), with a class filter and a caption.
type DatasetBrowser struct {
	widget.BaseWidget
	ds      *imageops.Dataset
	shown   []int // dataset indices passing the filter
	grid    *widget.GridWrap
	filter  *widget.Select
	caption *widget.Label
}

// browserCell is the on-screen size of one thumbnail.
const browserCell = 56

// NewDatasetBrowser shows ds.
func NewDatasetBrowser(ds *imageops.Dataset) *DatasetBrowser {
	b := &DatasetBrowser{ds: ds, caption: widget.NewLabel("")}
	b.grid = widget.NewGridWrap(
		func() int { return len(b.shown) },
		func() fyne.CanvasObject {
			img := canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 1, 1)))
			img.ScaleMode = canvas.ImageScalePixels
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSquareSize(browserCell))
			return img
		},
		func(id widget.GridWrapItemID, o fyne.CanvasObject) {
			img := o.(*canvas.Image)
			img.Image = b.Thumbnail(id)
			img.Refresh()
		})
	b.grid.OnSelected = func(id widget.GridWrapItemID) {
		i := b.shown[id]
		b.caption.SetText(fmt.Sprintf("%s · class %q · image %s of %s", b.ds.Files[i], b.ds.Label(i), formatInt(i+1), formatInt(b.ds.Len())))
	}
	options := []string{allClasses}
	options = append(options, ds.Classes...)
	b.filter = widget.NewSelect(options, func(c string) { b.SetClass(c) })
	b.filter.Selected = allClasses // without running the callback
	b.filterBy(allClasses)
	b.ExtendBaseWidget(b)
	return b
}

// SetClass shows only the images of one class (allClasses for all).
func (b *DatasetBrowser) SetClass(class string) {
	b.filterBy(class)
	b.grid.UnselectAll()
	b.grid.ScrollToTop()
	b.grid.Refresh()
}

func (b *DatasetBrowser) filterBy(class string) {
	b.shown = b.shown[:0]
	for i := 0; i < b.ds.Len(); i++ {
		if class == allClasses || b.ds.Label(i) == class {
			b.shown = append(b.shown, i)
		}
	}
	b.caption.SetText(fmt.Sprintf("%s of %s", plural(len(b.shown), "image", "images"), plural(b.ds.Len(), "image", "images")))
}

// Shown is how many images pass the filter.
func (b *DatasetBrowser) Shown() int { return len(b.shown) }

// Thumbnail is the image in grid cell id, made when the cell scrolls into view.
func (b *DatasetBrowser) Thumbnail(id int) image.Image {
	i := b.shown[id]
	return imageops.ToImage(b.ds.Image(i), b.ds.Width, b.ds.Height, b.ds.Channels)
}

// Grid is the virtualized grid, for tests and keyboard focus.
func (b *DatasetBrowser) Grid() *widget.GridWrap { return b.grid }

func (b *DatasetBrowser) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, b.filter, nil, b.caption)
	return widget.NewSimpleRenderer(container.NewBorder(top, nil, nil, nil, b.grid))
}
