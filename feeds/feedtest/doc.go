// Package feedtest holds test helpers for feedpub's feed encoders: Golden
// compares rendered bytes with testdata/<name>.golden (rewritten with
// `go test ./feeds/... -update`), and ExampleCatalog and AdversarialCatalog
// build the two catalogs every encoder is tested on; Forms stands for the
// cache an encoder takes the sanitised forms from. Only tests import it.
package feedtest
