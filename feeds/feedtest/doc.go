// Package feedtest holds test helpers for feedpub's feed encoders: Golden
// compares rendered bytes with testdata/<name>.golden (rewritten with
// `go test ./feeds/... -update`), and ExampleCatalog and AdversarialCatalog
// build the two catalogs every encoder is tested on. Only tests import it.
package feedtest
