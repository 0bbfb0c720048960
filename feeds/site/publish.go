package site

import (
	"context"
	"errors"
	"fmt"

	"github.com/feedpub/feedpub/config"
	"github.com/feedpub/feedpub/config/diag"
	"github.com/feedpub/feedpub/feeds/identity"
	"github.com/feedpub/feedpub/media/publish"
	"github.com/feedpub/feedpub/media/store"
)

// ErrProblems is Publish's error when the build or its checks found
// errors: they are in the Outcome's Problems, for the caller to print.
var ErrProblems = errors.New("the site has errors")

// PublishOptions tune one publish of the site (build and publish alike).
type PublishOptions struct {
	// Publish tunes the session with the target; Publish sets its
	// Identity and BaseURL.
	Publish publish.Options
	// Build tunes the build, its Now being the publish's clock; Publish
	// sets its Generator, Published and Identity.
	Build Options
	// Version is feedpub's, for the generator and the site's fingerprint;
	// Environ the environment the fingerprint covers (os.Environ()).
	Version string
	Environ []string
	// Guard, when set, may refuse the target once the build's inputs are
	// known (a local target among them).
	Guard func(*Result) error
	// Debugf prints a line of --verbose detail; nil for none.
	Debugf func(format string, args ...any)
	// Applied, when set, is called once the target holds the build (or a
	// dry run has planned it) and before anyone is told, so the caller can
	// report what happened in order. A publish that stops earlier does not
	// call it.
	Applied func(*Outcome)
	// Notify, when set, then tells the CDN, hubs, indexes and webhooks
	// about the changed feeds (Outcome.Notify): a publish does, a build
	// does not.
	Notify *NotifyOptions
	// Live, when set, last checks what the publish changed as a listener
	// would (Outcome.VerifyLive); never in a dry run.
	Live *LiveOptions
}

// Outcome is what one publish did. Result (the build) is nil when the site
// was known unchanged before building; the caller Closes it either way.
type Outcome struct {
	Result   *Result
	Report   *publish.Report
	Problems diag.Problems
	// Published are the identities the target recorded before this publish
	// (read, or rebuilt from its live feeds): what notifications compare
	// the new feeds with.
	Published *identity.Kept
	// Notified are the warnings of telling others (never errors: the feeds
	// are published whatever happens there).
	Notified diag.Problems
	// Live is what the live check found; nil when it did not run.
	Live *LiveCheck
}

// Publish publishes the site to st in named steps: recognise an unchanged
// site from its files and one look at the target, else take the lock and
// read what the target holds, build against it (published entries keep
// their ids, changed media get new keys), check the build (its errors, the
// published copies it uses, the guard), apply it, and record the site's
// state for the next publish; then (after Applied) tell others and check
// as a listener, as opt asks. Problems are returned in the Outcome, not
// printed; err is ErrProblems when they hold errors, and the live check's
// error when listeners cannot fetch what was published.
func Publish(ctx context.Context, cfg *config.Config, st store.Store, opt PublishOptions) (*Outcome, error) {
	if opt.Debugf == nil {
		opt.Debugf = func(string, ...any) {}
	}
	opt.Build.Generator = "feedpub " + opt.Version
	state := LoadState(cfg)
	inputs, ferr := fingerprint(cfg, opt)
	if rep := unchanged(ctx, st, state, inputs, ferr, opt); rep != nil {
		out := &Outcome{Report: rep}
		return out, out.tell(ctx, cfg, st, opt)
	}
	keeper := &identity.Keeper{LiveFeeds: feedKeys(cfg), AcceptNewGUIDs: opt.Build.AcceptNewGUIDs, Force: opt.Publish.Force, MaxDeletes: opt.Publish.MaxDeletes}
	po := opt.Publish
	po.Identity, po.BaseURL = keeper, cfg.Site.BaseURL
	sess, err := publish.Open(ctx, st, po)
	if err != nil {
		// Still check the site, so one run reports every problem.
		res, ps := Build(ctx, cfg, opt.Build)
		return &Outcome{Result: res, Report: sess.Report(), Problems: ps}, err
	}
	out := &Outcome{Published: keeper.Published()}
	opt.Build.Published, opt.Build.Identity = sess.Published(), out.Published
	out.Result, out.Problems = Build(ctx, cfg, opt.Build)
	debugBuild(out.Result, opt.Debugf)
	if err := check(ctx, sess, out, opt.Guard); err != nil {
		out.Report = sess.Report()
		return out, stop(sess, err)
	}
	entries, feedIDs := keeper.Record(out.Result.Identity)
	out.Report, err = sess.Apply(ctx, out.Result.Files, &publish.Identity{Entries: entries, FeedIDs: feedIDs})
	if err != nil {
		return out, stop(sess, err)
	}
	if cerr := sess.Close(); cerr != nil {
		out.Report.Warnings = append(out.Report.Warnings, cerr.Error())
	}
	if !po.DryRun && ferr == nil {
		saveState(cfg, state, st.String(), inputs, out, opt)
	}
	return out, out.tell(ctx, cfg, st, opt)
}

// tell ends a publish that applied: the caller reports it (Applied), then
// the CDN is cleared and apps are told (Notify), before the live check,
// which would otherwise find the cache's old feed.
func (o *Outcome) tell(ctx context.Context, cfg *config.Config, st store.Store, opt PublishOptions) error {
	if opt.Applied != nil {
		opt.Applied(o)
	}
	if opt.Notify != nil {
		o.Notified = o.Notify(ctx, cfg, st, *opt.Notify)
	}
	if opt.Live == nil || opt.Publish.DryRun {
		return nil
	}
	lc, err := o.VerifyLive(ctx, cfg, st.String(), *opt.Live)
	o.Live = lc
	return err
}

// fingerprint is the site's inputs as the unchanged-site check knows them;
// a dry run neither uses nor records it.
func fingerprint(cfg *config.Config, opt PublishOptions) (string, error) {
	if opt.Publish.DryRun {
		return "", errors.New("dry run")
	}
	return Fingerprint(cfg, opt.Version, opt.Environ)
}

// unchanged recognises an unchanged site from its files' metadata and one
// look at the target's manifest, before anything is parsed: it returns the
// report of a publish with nothing to do, or nil.
func unchanged(ctx context.Context, st store.Store, state *State, inputs string, ferr error, opt PublishOptions) *publish.Report {
	last, known := state.Targets[st.String()]
	po, so := opt.Publish, opt.Build
	fast := ferr == nil && known && !po.BreakLock && !so.NoCache && !so.AcceptNewGUIDs && !so.HashRemote &&
		(!po.Prune || last.Orphans == 0) && last.Unchanged(inputs, so.Now)
	if !fast {
		return nil
	}
	if etag, err := publish.PeekManifest(ctx, st); err == nil && etag != "" && etag == last.Manifest {
		return &publish.Report{Unchanged: true, Plan: &publish.Plan{}, Skipped: last.Files, Requests: 1, ManifestETag: etag}
	}
	return nil
}

// debugBuild says, with --verbose, where the entries came from and which
// were left out.
func debugBuild(res *Result, debugf func(string, ...any)) {
	ec := res.EntryCache
	debugf("entries: %d parsed, %d from the entry cache (%d cache files written, %d removed)", ec.Parsed, ec.Cached, ec.Written, ec.Removed)
	for _, s := range res.Skipped {
		debugf("left out %s: %s", s.File, s.Reason)
	}
}

// check refuses a build with errors, one that uses published copies the
// target no longer holds as recorded, and a target the guard refuses.
func check(ctx context.Context, sess *publish.Session, out *Outcome, guard func(*Result) error) error {
	if out.Problems.HasErrors() {
		return ErrProblems
	}
	cps, err := checkCopies(ctx, sess, out.Result)
	out.Problems = append(out.Problems, cps...)
	if err != nil {
		return err
	}
	if len(cps) > 0 {
		return ErrProblems
	}
	if guard != nil {
		return guard(out.Result)
	}
	return nil
}

// checkCopies reports, as a missing file is (FP301), each published copy
// the build uses that the target no longer holds as recorded.
func checkCopies(ctx context.Context, sess *publish.Session, res *Result) (diag.Problems, error) {
	bad, err := sess.CheckCopies(ctx, res.Files)
	var ps diag.Problems
	for _, b := range bad {
		p, ok := res.Refs[b.File.Source]
		if !ok {
			p.File = b.File.Source
		}
		p.Severity, p.Rule, p.Msg = diag.Error, "FP301", b.Msg
		ps.Add(p)
	}
	return ps, err
}

// stop ends the session after err, saying also when the lock stayed.
func stop(sess *publish.Session, err error) error {
	if cerr := sess.Close(); cerr != nil {
		return fmt.Errorf("%w; %v", err, cerr)
	}
	return err
}

// saveState records what the target now holds, so that the next publish of
// an unchanged site is recognised before building.
func saveState(cfg *config.Config, state *State, key, inputs string, out *Outcome, opt PublishOptions) {
	now, res, rep := opt.Build.Now, out.Result, out.Report
	ts := TargetState{Inputs: inputs, Manifest: rep.ManifestETag, Due: NextDue(res, now), Next: NextScheduled(res, now), Files: len(res.Files)}
	if !opt.Publish.Prune {
		ts.Orphans = len(rep.Plan.Orphans)
	}
	if ts.Manifest == "" {
		delete(state.Targets, key)
	} else {
		state.Targets[key] = ts
	}
	if err := state.Save(cfg); err != nil {
		opt.Debugf("could not save %s: %v", StateDir, err)
	}
}
