package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/site"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/localstore"
	"github.com/feedpub/feedpub/media/store/target"
)

// resolveTarget parses publish.target (see package target for the forms)
// and fills in the S3 endpoint and region from the configuration. A local
// folder is checked with target.CheckLocal against the site and inputs
// (the build's source files, when known).
func resolveTarget(cfg *config.Config, inputs ...string) (target.Target, error) {
	tg, err := target.Parse(cfg.Publish.Target, cfg.Dir)
	if err != nil {
		return tg, targetError{cfg, err}
	}
	if tg.Scheme == target.SchemeS3 {
		tg.Endpoint = target.Redact(cfg.Publish.S3.Endpoint)
		tg.Region = cfg.Publish.S3.Region
		return tg, nil
	}
	if err := target.CheckLocal(tg.Path, siteOf(cfg, inputs)); err != nil {
		return tg, targetError{cfg, err}
	}
	return tg, nil
}

// targetError is a publish.target that cannot be published to, located
// where it was set (the file's line or FEEDPUB_PUBLISH_TARGET).
type targetError struct {
	cfg *config.Config
	err error
}

func (e targetError) Error() string { return e.problem().Error() }
func (e targetError) Unwrap() error { return e.err }

func (e targetError) problem() diag.Problem {
	var ps diag.Problems
	e.cfg.Errorf(&ps, "FP135", "publish.target", "%v", e.err)
	return ps[0]
}

// targetProblems reports a publish.target that resolveTarget refuses, as
// validate and publish both do before their first request.
func targetProblems(cfg *config.Config, inputs ...string) diag.Problems {
	var te targetError
	if _, err := resolveTarget(cfg, inputs...); errors.As(err, &te) {
		return diag.Problems{te.problem()}
	}
	return nil
}

// inputsOf lists the source files of a build, for the guard on a local
// target.
func inputsOf(res *site.Result) []string {
	var inputs []string
	if res != nil {
		for _, f := range res.Files {
			// A rendered feed's Path is a temporary file, not an input.
			if f.Path != "" && f.Kind == publish.KindMedia {
				inputs = append(inputs, f.Path)
			}
		}
	}
	return inputs
}

// siteOf describes the site for target.CheckLocal.
func siteOf(cfg *config.Config, inputs []string) target.Site {
	return target.Site{Dir: cfg.Dir, ContentDir: cfg.Resolve(filepath.FromSlash(cfg.Content.Dir)), Inputs: inputs}
}

// openTarget opens publish.target. Opening writes nothing, so a dry run
// leaves no trace: a local folder is created by the first write. inputs are
// the build's source files, for the guard on a local target; log is told
// of a server that keeps a request waiting.
func openTarget(ctx context.Context, cfg *config.Config, log io.Writer, inputs ...string) (store.Store, error) {
	tg, err := resolveTarget(cfg, inputs...)
	if err != nil {
		return nil, err
	}
	if tg.Scheme == target.SchemeS3 {
		return openS3(ctx, cfg, tg, log)
	}
	return localstore.New(tg.Path)
}
