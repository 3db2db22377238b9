//go:build !unix

package app

// restrictUmask does nothing where there is no umask; access is governed
// by the directory's ACL there.
func restrictUmask() {}
