package main

import (
	"fmt"
	"time"

	"github.com/feedpub/feedpub/feeds/site"
)

// scheduledLine says which entry goes out next and when. A scheduled entry
// reaches the feeds only with a publish run after its time, so the line
// says that too: nothing else would.
func scheduledLine(s *site.Scheduled, now time.Time) string {
	when := s.Date
	if t, err := time.Parse(time.RFC3339, s.Date); err == nil {
		when = fmt.Sprintf("%s (in %s)", s.Date, untilText(t.Sub(now)))
	}
	return fmt.Sprintf("next scheduled: %s %q at %s; it goes out with the first publish after that", s.File, s.Title, when)
}

// untilText rounds a wait to what a person plans by: days and hours, or
// hours and minutes, or minutes.
func untilText(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return fmt.Sprintf("%dm", max(d/time.Minute, 1))
}

// nextScheduled is the entry a publish to st leaves for later: from the
// build, or, when the publish had nothing to do and built nothing, from
// what the last complete publish to st recorded.
func nextScheduled(res *site.Result, state *site.State, target string, now time.Time) *site.Scheduled {
	if res != nil {
		return site.NextScheduled(res, now)
	}
	if ts, ok := state.Targets[target]; ok && ts.Next != nil {
		if t, err := time.Parse(time.RFC3339, ts.Next.Date); err == nil && t.After(now) {
			return ts.Next
		}
	}
	return nil
}
