package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"

	"latentstudio/models"
)

// cmdScore gives every image its anomaly score (reconstruction error) and,
// when the data say which images are normal, the AUROC.
func cmdScore(args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	modelPath := fs.String("model", "", "an autoencoder trained on normal images (.lsm)")
	src := fs.String("data", "", "images to score: a folder (with normal/ and anomaly/ subfolders for an AUROC) or an IDX file")
	normal := fs.String("normal", "", "the class that is normal, all others anomalous (e.g. a digit with IDX data); default: the classes normal and anomaly")
	percentile := fs.Float64("percentile", 95, "threshold: this percentile of the normal images' scores")
	csvPath := fs.String("csv", "", "write file, class, mse, ssim_score, flagged per image to this CSV file")
	report := fs.String("report", "", "write n, n_normal, n_anomaly, auroc, auroc_ssim, threshold to this JSON file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *src == "" {
		return usageErrorf("score needs --data")
	}
	if !(*percentile > 0 && *percentile < 100) {
		return usageErrorf("--percentile must lie in (0,100), not %g", *percentile)
	}
	ae, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	data, err := loadData(context.Background(), *src, modelOptions(ae.Config()))
	if err != nil {
		return err
	}
	s, err := models.ScoreImages(context.Background(), ae, data)
	if err != nil {
		return usageError{err}
	}
	// Which images are anomalous, when the data say so.
	var anomalous []bool
	normalClass, anomalyClass := *normal, ""
	if normalClass == "" {
		normalClass, anomalyClass = "normal", "anomaly"
	}
	nNormal, nAnomaly := 0, 0
	for i := 0; i < data.Len(); i++ {
		switch label := data.Label(i); {
		case label == normalClass:
			nNormal++
		case anomalyClass == "" && label != "" || label == anomalyClass:
			nAnomaly++
		}
	}
	known := nNormal > 0 && nAnomaly > 0
	if known {
		anomalous = make([]bool, data.Len())
		for i := range anomalous {
			anomalous[i] = data.Label(i) != normalClass
		}
	} else if *normal != "" {
		return usageErrorf("--normal %s: the data have %d images of that class and %d others", *normal, nNormal, nAnomaly)
	}
	// The threshold: a percentile of the normal images' scores when known,
	// else of all scores.
	var base []float64
	for i, v := range s.MSE {
		if !known || !anomalous[i] {
			base = append(base, v)
		}
	}
	threshold := models.Percentile(base, *percentile)
	flagged := 0
	for _, v := range s.MSE {
		if v > threshold {
			flagged++
		}
	}
	fmt.Printf("%d images scored; threshold %.5f (%g%% of the normal scores); %d flagged\n", data.Len(), threshold, *percentile, flagged)
	rep := map[string]any{"n": data.Len(), "n_normal": nNormal, "n_anomaly": nAnomaly, "threshold": threshold, "flagged": flagged}
	if known {
		auroc, aurocSSIM := models.AUROC(s.MSE, anomalous), models.AUROC(s.SSIM, anomalous)
		fmt.Printf("AUROC %.4f by reconstruction MSE, %.4f by 1-SSIM (%d normal, %d anomalous)\n", auroc, aurocSSIM, nNormal, nAnomaly)
		rep["auroc"], rep["auroc_ssim"] = auroc, aurocSSIM
	}
	if *csvPath != "" {
		if err := writeScores(*csvPath, data.Files, data.Label, s, threshold); err != nil {
			return err
		}
	}
	if *report != "" {
		return writeJSON(*report, rep)
	}
	return nil
}

func writeScores(path string, files []string, label func(int) string, s *models.AnomalyScores, threshold float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"file", "class", "mse", "ssim_score", "flagged"})
	for i := range s.MSE {
		w.Write([]string{files[i], label(i), fmtScore(s.MSE[i]), fmtScore(s.SSIM[i]), strconv.FormatBool(s.MSE[i] > threshold)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return f.Close()
}

func fmtScore(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
